/**
 * The readers' hand-written vote and note parsers accept exactly what the zod schemas
 * accept, and return the same values (without undefined-valued keys).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NoteSchema, parseNote, parseVote, VoteSchema } from '../../shared/model/index.js';
import { assertProperty } from '../helpers/fast-check-seed.js';

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 10 }),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity),
  fc.string({ maxLength: 5 }),
  fc.constantFrom('unverifiable', 'low', 'medium', 'high', 'c1', 'bad id', '', 'x'.repeat(65)),
  fc.constant([]),
  fc.constant({}),
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anything);

const voteLike = fc.record(
  {
    rating: maybe(fc.constantFrom(1, 2, 3, 4, 5, 'unverifiable')),
    confidence: maybe(fc.constantFrom('low', 'medium', 'high')),
    rationale: maybe(fc.string({ maxLength: 10 })).chain((v) => fc.constantFrom(v, 'y'.repeat(2_000), 'y'.repeat(2_001))),
    reason: maybe(fc.string({ maxLength: 10 })).chain((v) => fc.constantFrom(v, 'z'.repeat(2_000), 'z'.repeat(2_001))),
    at: maybe(fc.integer({ min: 0, max: 2e12 })),
    extra: anything,
  },
  { requiredKeys: [] },
);

const evidenceLike = fc.record(
  {
    url: maybe(fc.constantFrom('https://example.org/a', 'http://x.example', 'javascript:alert(1)', 'ftp://a.example', 'nope')),
    title: maybe(fc.string({ maxLength: 5 })),
    stance: maybe(fc.constantFrom('supports', 'refutes', 'context')),
  },
  { requiredKeys: [] },
);

const noteLike = fc.record(
  {
    claimId: maybe(fc.constantFrom('c1', 'claim_2', 'A-b')),
    body: maybe(fc.string({ maxLength: 10 })),
    replyTo: maybe(fc.constantFrom('n1', 'bad id')),
    evidence: maybe(fc.array(fc.oneof(evidenceLike, anything), { maxLength: 3 })),
    at: maybe(fc.integer({ min: 0, max: 2e12 })),
    editedAt: maybe(fc.integer({ min: 0, max: 2e12 })),
    deleted: maybe(fc.boolean()),
    extra: anything,
  },
  { requiredKeys: [] },
);

const dropUndefined = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

describe('fast parsers agree with the zod schemas', () => {
  it('parseVote ≡ VoteSchema', () => {
    assertProperty(
      'parseVote',
      fc.property(fc.oneof(voteLike, anything), (input) => {
        const zod = VoteSchema.safeParse(input);
        const fast = parseVote(input);
        expect(fast !== null).toBe(zod.success);
        if (zod.success) expect(dropUndefined(fast)).toEqual(dropUndefined(zod.data));
      }),
      { numRuns: 1_000 },
    );
  });

  it('parseNote ≡ NoteSchema', () => {
    assertProperty(
      'parseNote',
      fc.property(fc.oneof(noteLike, anything), (input) => {
        const zod = NoteSchema.safeParse(input);
        const fast = parseNote(input);
        expect(fast !== null).toBe(zod.success);
        if (zod.success) expect(dropUndefined(fast)).toEqual(dropUndefined(zod.data));
      }),
      { numRuns: 1_000 },
    );
  });
});
