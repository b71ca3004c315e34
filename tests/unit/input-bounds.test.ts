/** [H2][H7] The linear pre-parse checks: JSON nesting of raw bodies, Markdown nesting of imports. */
import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../../server/http/body.js';
import { checkMarkdownNesting, ImportError, MARKDOWN_MAX_NESTING } from '../../shared/import/index.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('jsonNestsDeeperThan', () => {
  it('[H2] counts open arrays and objects, not brackets inside strings or escapes', () => {
    expect(jsonNestsDeeperThan(bytes('[[[]]]'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('[[[[]]]]'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[1]}}'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[{}]}}'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(`{"s":"${'['.repeat(100)}"}`), 1)).toBe(false);
    // An escaped quote does not end the string; an escaped backslash does not escape the quote.
    expect(jsonNestsDeeperThan(bytes(`["\\"[[[[", 1]`), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(`["\\\\", [[1]]]`), 2)).toBe(true);
    // Siblings do not add up; closing brackets bring the depth back down.
    expect(jsonNestsDeeperThan(bytes('[' + '[],'.repeat(10_000) + '[]]'), 2)).toBe(false);
    // Multi-byte UTF-8 never hides a bracket.
    expect(jsonNestsDeeperThan(bytes('["é€😀[", {"ü":[]}]'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('['.repeat(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('checkMarkdownNesting', () => {
  const refused = (md: string) => {
    try {
      checkMarkdownNesting(md);
      return null;
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      return (err as ImportError).message;
    }
  };

  it('[H7] refuses a line nesting quotes or list markers past the limit, naming the line', () => {
    expect(refused(`ok\n\n${'> '.repeat(MARKDOWN_MAX_NESTING + 1)}x`)).toMatch(/more than 100 levels deep \(line 3\)/);
    expect(refused('>'.repeat(MARKDOWN_MAX_NESTING + 1))).not.toBeNull();
    expect(refused(`${'- '.repeat(MARKDOWN_MAX_NESTING + 1)}x`)).not.toBeNull();
    expect(refused(`${'1. * + '.repeat(40)}x`)).not.toBeNull();
  });

  it('[H7] lets ordinary Markdown through, however long', () => {
    expect(refused(`${'> '.repeat(MARKDOWN_MAX_NESTING)}x`)).toBeNull();
    expect(refused('# Title\n\n> A quote\n> > nested\n\n- a\n  - b\n    1. c\n\n***\n\n* * *\n')).toBeNull();
    expect(refused('-1 degrees, 3.5 percent, *emphasis* and - dashes - in text.\n'.repeat(10_000))).toBeNull();
    // Nesting by indentation alone costs time, not stack: the import deadline bounds it.
    expect(refused(Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}- a`).join('\n'))).toBeNull();
  });
});
