import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../shared/suggest/index.js';

const texts = (input: string) => splitSentences(input).map((s) => s.text);

describe('splitSentences', () => {
  it('returns trimmed sentences whose offsets slice the input', () => {
    const input = '  First one.  Second one!\n\nThird?  ';
    const sentences = splitSentences(input);
    expect(sentences.map((s) => s.text)).toEqual(['First one.', 'Second one!', 'Third?']);
    for (const s of sentences) expect(input.slice(s.start, s.end)).toBe(s.text);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n ')).toEqual([]);
  });

  it('does not break after titles and common abbreviations', () => {
    expect(texts('Mr. Smith met Dr. Jones and Prof. Lee. They talked.')).toEqual([
      'Mr. Smith met Dr. Jones and Prof. Lee.',
      'They talked.',
    ]);
    expect(texts('Costs rose, e.g. rent and food. Wages did not.')).toEqual(['Costs rose, e.g. rent and food.', 'Wages did not.']);
    expect(texts('It happened on Jan. 5 in the capital. Then it stopped.')).toEqual([
      'It happened on Jan. 5 in the capital.',
      'Then it stopped.',
    ]);
  });

  it('joins U.S./Inc. before a continuing word but not before a new sentence', () => {
    expect(texts('The U.S. Senate voted. It grew in the U.S. The end.')).toEqual([
      'The U.S. Senate voted.',
      'It grew in the U.S.',
      'The end.',
    ]);
    expect(texts('Acme Inc. said profits rose. They did.')).toEqual(['Acme Inc. said profits rose.', 'They did.']);
  });

  it('keeps decimals, percentages and money intact', () => {
    expect(texts('Inflation was 3.5% in May. The fund lost $1.2 billion. It fell 0.25 points.')).toEqual([
      'Inflation was 3.5% in May.',
      'The fund lost $1.2 billion.',
      'It fell 0.25 points.',
    ]);
  });

  it('keeps a quoted question or exclamation with its attribution', () => {
    expect(texts('“Why now?” she asked. "Stop!" he shouted. Nobody moved.')).toEqual([
      '“Why now?” she asked.',
      '"Stop!" he shouted.',
      'Nobody moved.',
    ]);
    expect(texts('He said: "It is over." Then he left.')).toEqual(['He said: "It is over."', 'Then he left.']);
  });

  it('keeps a dateline time with its time zone', () => {
    expect(texts('Published 9:15 a.m. ET Nov. 4, 2024')).toEqual(['Published 9:15 a.m. ET Nov. 4, 2024']);
    expect(texts('We met at 5 p.m. Police arrived later.')).toEqual(['We met at 5 p.m.', 'Police arrived later.']);
  });

  it('joins initials', () => {
    expect(texts('J. K. Rowling wrote it. George W. Bush read it.')).toEqual(['J. K. Rowling wrote it.', 'George W. Bush read it.']);
  });

  it('breaks at paragraph and list lines, but not at a soft line wrap', () => {
    expect(texts('A heading\n\nFirst item\nSecond item')).toEqual(['A heading', 'First item', 'Second item']);
    expect(texts('This sentence was wrapped\nby an old editor.')).toEqual(['This sentence was wrapped\nby an old editor.']);
  });

  it('splits a very long line in linear time with the same result as short lines', () => {
    const sentence = 'The council spent $4.2 million on parking, Dr. Jones said. ';
    const long = sentence.repeat(3_000);
    const started = performance.now();
    const sentences = splitSentences(long);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(sentences).toHaveLength(3_000);
    expect(new Set(sentences.map((s) => s.text))).toEqual(new Set([sentence.trim()]));
    for (const s of sentences) expect(long.slice(s.start, s.end)).toBe(s.text);
  });
});

describe('splitSentences on news text (issue 15)', () => {
  it('[SUG-SPLIT] keeps "U.S. Department of Homeland Security", "Sept." and "Mr." inside their sentence', () => {
    expect(texts('The U.S. Department of Homeland Security said on Sept. 4 that Mr. Lee had left. He denied it.')).toEqual([
      'The U.S. Department of Homeland Security said on Sept. 4 that Mr. Lee had left.',
      'He denied it.',
    ]);
  });

  it('[SUG-SPLIT] keeps a quotation of several sentences whole, with its attribution', () => {
    expect(texts('“We are not aware of any such investigation. We were never contacted,” Norvane said. Shares fell.')).toEqual([
      '“We are not aware of any such investigation. We were never contacted,” Norvane said.',
      'Shares fell.',
    ]);
    expect(texts('"It is over. We lost. Go home," she said. Then she left.')).toEqual([
      '"It is over. We lost. Go home," she said.',
      'Then she left.',
    ]);
  });

  it('splits a quotation that never closes on its line like any other text', () => {
    expect(texts('“We will rebuild. It will take years.\n\nNobody knows how long.')).toEqual([
      '“We will rebuild.',
      'It will take years.',
      'Nobody knows how long.',
    ]);
  });
});
