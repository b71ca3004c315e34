import { describe, expect, it } from 'vitest';
import { analyseSentences, boilerplateKind, classifyBlocks, explainSentence, scoreWithModel, suggestClaims } from '../../shared/suggest/index.js';

describe('boilerplateKind', () => {
  it.each([
    ['By Jane Doe', 'byline'],
    ['By Jane Doe and John van der Berg, Staff Writers', 'byline'],
    ['Reporting by Hannah Cho; Editing by Mark Potter', 'byline'],
    ['Photo: Reuters', 'photo credit'],
    ['Firefighters on the ridge on Tuesday. (AP Photo/Noah Berger)', 'photo credit'],
    ['Photograph: Jane Roe/Getty Images', 'photo credit'],
    ['Sign up for our newsletter', 'newsletter plug'],
    ['Get the best stories delivered straight to your inbox.', 'newsletter plug'],
    ['Read more: How to pack a go-bag', 'link prompt'],
    ['Advertisement', 'link prompt'],
    ['Share this article', 'share prompt'],
    ['Facebook Twitter Email', 'share prompt'],
    ['© 2024 The Ledger.', 'copyright'],
    ['March 3, 2024', 'date line'],
    ['Updated 6:42 PM PDT, August 14, 2024', 'date line'],
    ['Saturday 12 October 2024 18:45 BST', 'date line'],
    ['5 min read', 'date line'],
    ['10:30 a.m. ET', 'date line'],
    ['Nov. 4, 2024 | 9:15 a.m.', 'date line'],
    ['Published  Monday,\tJan. 5, 2025', 'date line'],
    ['Updated 2 min ago • 4 min read', 'date line'],
    ['Home > World > Europe', 'navigation'],
    ['Skip to content', 'navigation'],
  ])('%s → %s', (sentence, kind) => {
    expect(boilerplateKind(sentence)).toBe(kind);
  });

  it.each([
    'By Monday, the deal had collapsed.',
    'By 2030, emissions must fall by half.',
    'The newsletter has 2 million subscribers.',
    'In March 2024, the rate fell to 3%.',
    'The photo was taken in 1972.',
    'Officials said 40 people were evacuated.',
    'At 5pm, 300 people had left.',
    'Monday at 9 a.m. — café',
    '2024_05_01',
  ])('keeps article text: %s', (sentence) => {
    expect(boilerplateKind(sentence)).toBeNull();
  });
});

describe('scoreWithModel (the trained model, with reasons)', () => {
  it('[SUG-REASONS] scores checkable statements high and says why, in words', () => {
    const s = scoreWithModel('Unemployment fell to 3.9% in 2023, the lowest since 2001, according to the Labor Department.');
    expect(s.score).toBeGreaterThan(0.8);
    expect(s.reasons.length).toBeGreaterThanOrEqual(2);
    expect(s.reasons.length).toBeLessThanOrEqual(3);
    expect(s.reasons).toContain('a percentage: 3.9%');
    expect(s.reasons.join(' | ')).toMatch(/attributed to (?:the )?Labor Department|a date: 2023/);
  });

  it('recognises money, numbers, dates and attribution to a named source', () => {
    expect(scoreWithModel('The city spent $4.2 million on garages.').reasons).toContain('an amount of money: $4.2 million');
    expect(scoreWithModel('Police arrested 14 people on Monday.').reasons).toContain('a number: 14');
    const amazon = scoreWithModel('Amazon discovered the issue in 2015 after buying 7,000 servers, the company said.');
    expect(amazon.reasons).toEqual(expect.arrayContaining(['a number: 7,000', 'attributed to Amazon', 'a date: 2015']));
  });

  it('scores opinion, questions, hedging and links low, and says why', () => {
    const fact = scoreWithModel('The council spent $4.2 million on parking in 2023.').score;
    expect(scoreWithModel('I think the council should spend more on parking.').score).toBeLessThan(fact / 2);
    const question = scoreWithModel('Why would a hardware supplier take such a risk?');
    expect(question.score).toBeLessThan(0.2);
    expect(question.against).toContain('a question');
    const link = scoreWithModel('The lengthy statement can be found here.');
    expect(link.score).toBeLessThan(0.2);
    expect(link.against).toContain('points to a link');
    // "found" in a passive with "here" is not attribution.
    expect(link.reasons.some((r) => r.startsWith('attributed'))).toBe(false);
  });

  it('keeps scores in [0, 1] and is deterministic', () => {
    const text = 'Record 99% of $5 billion doubled in 2020, said the UN, “the largest ever recorded by far”, on Monday.';
    const a = scoreWithModel(text);
    expect(a).toEqual(scoreWithModel(text));
    expect(a.score).toBeGreaterThanOrEqual(0);
    expect(a.score).toBeLessThanOrEqual(1);
  });
});

describe('suggestClaims', () => {
  const article = [
    'By Jane Doe',
    'The plant employs 1,200 people, the company said. It is a lovely building. Is it safe?',
    'Photo: Reuters',
    'Production doubled in 2023 to 40,000 tonnes.',
  ].join('\n\n');

  it('returns check-worthy sentences with offsets, skipping boilerplate', () => {
    const claims = suggestClaims(article);
    expect(claims.map((c) => c.text)).toEqual([
      'The plant employs 1,200 people, the company said.',
      'Production doubled in 2023 to 40,000 tonnes.',
    ]);
    for (const c of claims) {
      expect(article.slice(c.start, c.end)).toBe(c.text);
      expect(c.score).toBeGreaterThanOrEqual(0.5);
      expect(c.reasons.length).toBeGreaterThan(0);
    }
  });

  it('honours the threshold and the limit', () => {
    expect(suggestClaims(article, { threshold: 1.01 })).toEqual([]);
    expect(suggestClaims(article, { threshold: 0 }).length).toBe(4);
    const top = suggestClaims(article, { limit: 1 });
    expect(top).toHaveLength(1);
    expect(top[0]!.text).toBe('Production doubled in 2023 to 40,000 tonnes.');
  });
});

describe('classifyBlocks (furniture as whole paragraphs)', () => {
  const page = [
    'The Daily Ledger',
    'News | Sport | Weather',
    'Council approves $12 million budget for new library',
    'The city council voted 7-2 on Monday to spend $12 million on a new central library.',
    'Get the Morning Brief newsletter',
    'Sign up',
    'Construction is due to start in 2026, the mayor said.',
    'Storm knocks out power to thousands of homes across the county',
    'The library will have 80,000 books, twice as many as the old one.',
    'What comes next',
    'The council meets again in June.',
    'Related',
    'Five things to know about the budget',
    'Where the money goes',
  ].join('\n\n');
  const kinds = Object.fromEntries(classifyBlocks(page).map((b) => [b.text, b.kind]));

  it('[SUG-BLOCKS] drops a newsletter box with its button, a related list under its label, and a spliced headline', () => {
    expect(kinds['Get the Morning Brief newsletter']).toBe('newsletter plug');
    expect(kinds['Sign up']).toBe('newsletter plug');
    expect(kinds['Related']).toBe('related headlines');
    expect(kinds['Five things to know about the budget']).toBe('related headlines');
    expect(kinds['Where the money goes']).toBe('related headlines');
    expect(kinds['Storm knocks out power to thousands of homes across the county']).toBe('related headlines');
    expect(kinds['The Daily Ledger']).toBe('masthead');
  });

  it('keeps the headline as a candidate of its own, and a short subheading, and the prose', () => {
    expect(kinds['Council approves $12 million budget for new library']).toBeNull();
    expect(kinds['What comes next']).toBeNull();
    expect(kinds['The council meets again in June.']).toBeNull();
    const suggested = suggestClaims(page).map((c) => c.text);
    expect(suggested).toContain('Council approves $12 million budget for new library');
    expect(suggested).toContain('The city council voted 7-2 on Monday to spend $12 million on a new central library.');
    expect(suggested).not.toContain('Storm knocks out power to thousands of homes across the county');
  });
});

describe('explainSentence (why a sentence was or was not suggested)', () => {
  const text = 'Get the Tech Brief newsletter\n\nIt said 7,000 chips were checked in 2015. The lengthy statement can be found here.';

  it('[SUG-EXPLAIN] gives the score against the threshold and the cues against', () => {
    const at = text.indexOf('The lengthy');
    const why = explainSentence(text, at, at + 5)!;
    expect(why.suggested).toBe(false);
    expect(why.summary).toMatch(/^not suggested: score 0\.\d\d is below the board's threshold 0\.50$/);
    expect(why.against).toContain('points to a link');
    const claim = text.indexOf('It said');
    expect(explainSentence(text, claim, claim + 2)!.suggested).toBe(true);
    expect(explainSentence(text, claim, claim + 2, 0.9999)!.summary).toMatch(/below the board's threshold 1\.00/);
  });

  it('names the furniture a dropped paragraph is', () => {
    expect(explainSentence(text, 0, 3)!.against).toEqual(['page furniture: newsletter plug']);
    expect(explainSentence(text, text.length + 5, text.length + 6)).toBeNull();
  });

  it('[SUG-EXPLAIN] analyses only the paragraph asked about, with the same result as the whole article', () => {
    const article = [
      'Home | World | Politics | Business',
      'Council approves $12 million library after heated debate',
      'By Jane Doe',
      'The city council voted 7-2 on Monday to spend $12 million on a new central library. Critics said the plan ignores repairs.',
      '"We cannot keep patching a building from 1962," the mayor said. She may run again, aides suggested.',
      'Sign up for our newsletter',
      'Unemployment fell to 3.9% in March, according to the state labour office.',
    ].join('\n');
    const full = analyseSentences(article);
    expect(full.length).toBeGreaterThan(6);
    for (const s of full) {
      const mid = s.start + Math.floor((s.end - s.start) / 2);
      const why = explainSentence(article, mid, mid + 1)!;
      expect({ start: why.start, end: why.end }, s.text).toEqual({ start: s.start, end: s.end });
      expect(why.furniture, s.text).toBe(s.boilerplate);
      expect(why.score, s.text).toBe(s.boilerplate === null ? s.score : 0);
      expect(why.against, s.text).toEqual(s.boilerplate === null ? s.against : [`page furniture: ${s.boilerplate}`]);
      expect(why.reasons, s.text).toEqual(s.reasons);
      // The restricted analysis leaves out the other paragraphs.
      const part = analyseSentences(article, { within: { start: mid, end: mid + 1 } });
      expect(part.length).toBeLessThan(full.length);
      expect(part.find((p) => p.start === s.start)).toEqual(s);
    }
  });
});
