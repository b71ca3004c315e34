import { describe, expect, it } from 'vitest';
import { boilerplateKind, scoreSentence, suggestClaims } from '../../shared/suggest/index.js';

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
  ])('keeps article text: %s', (sentence) => {
    expect(boilerplateKind(sentence)).toBeNull();
  });
});

describe('scoreSentence', () => {
  it('scores checkable statements high, with visible reasons', () => {
    const s = scoreSentence('Unemployment fell to 3.9% in 2023, the lowest since 2001, according to the Labor Department.');
    expect(s.score).toBeGreaterThan(0.9);
    expect(s.reasons).toEqual(
      expect.arrayContaining([
        'percentage (“3.9%”)',
        'attribution (“according to”)',
        'named source or organisation (“Labor Department”)',
        'comparison or change (“fell”)',
      ]),
    );
    expect(s.reasons.some((r) => r.startsWith('specific date'))).toBe(true);
  });

  it('recognises money, quantities and quotations', () => {
    expect(scoreSentence('The city spent $4.2 million on garages.').reasons[0]).toBe('money amount (“$4.2 million”)');
    expect(scoreSentence('Police arrested 14 people on Monday.').reasons).toContain('number or quantity (“14”)');
    expect(scoreSentence('“The numbers are wrong,” the minister told reporters.').reasons).toContain('quotation');
  });

  it('lowers opinion, questions, hedging and fragments', () => {
    const fact = scoreSentence('The council spent $4.2 million on parking in 2023.').score;
    expect(scoreSentence('I think the council should spend $4.2 million on parking.').score).toBeLessThan(fact / 2);
    expect(scoreSentence('Did the council spend $4.2 million on parking in 2023?').score).toBeLessThan(fact / 2);
    expect(scoreSentence('The council may have spent $4.2 million on parking in 2023.').score).toBeLessThan(fact);
    expect(scoreSentence('We must act now.').score).toBe(0);
    expect(scoreSentence('Up 5%.').reasons).toContain('too short to check');
  });

  it('keeps scores in [0, 1] and is deterministic', () => {
    const text = 'Record 99% of $5 billion doubled in 2020, said the UN, “the largest ever recorded by far”, on Monday.';
    const a = scoreSentence(text);
    expect(a).toEqual(scoreSentence(text));
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
