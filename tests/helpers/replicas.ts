/**
 * Simulated replicas for export property tests: editors edit the board document and
 * reviewers (on one or two devices each) vote and write notes, concurrently, syncing only
 * when a script says so. Every local update is recorded, so a test can replay the same
 * updates into fresh documents in any order.
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import {
  addClaim,
  addNote,
  boardTypes,
  castVote,
  deleteNote,
  initBoardDoc,
  mergeClaims,
  moveClaim,
  readBoard,
  retractVote,
  setClaimStatus,
  splitClaim,
  updateClaimText,
  type Rating,
} from '../../shared/model/index.js';
import type { ExportMember } from '../../shared/export/index.js';

const SENTENCES = [
  'Unemployment fell to 3.9% in 2023.',
  'The bridge is 300 metres long.',
  'It was a lovely day.',
  'The council spent $4.2 million on parking.',
  'Exports doubled, the ministry said.',
  '“It is true,” she said, “and mostly false.”',
];

const text = fc.oneof(
  fc.constantFrom(...SENTENCES),
  fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }),
  fc.string({ minLength: 60, maxLength: 300 }),
);

export type BoardOp =
  | { kind: 'add'; text: string; start: number; length: number; positional: boolean }
  | { kind: 'status'; pick: number; status: 'proposed' | 'accepted' | 'rejected' }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'move'; pick: number; after: number | null }
  | { kind: 'merge'; a: number; b: number }
  | { kind: 'split'; pick: number }
  | { kind: 'text'; pick: number; text: string }
  | { kind: 'sync' };

export type ReviewerOp =
  | { kind: 'vote'; pick: number; rating: Rating; confidence: 'low' | 'medium' | 'high'; at: number; rationale: string | null }
  | { kind: 'retract'; pick: number }
  | { kind: 'note'; pick: number; body: string; evidence: boolean; reply: number | null; at: number }
  | { kind: 'deleteNote'; pick: number; at: number }
  | { kind: 'sync' };

const pick = fc.nat({ max: 1_000 });
const at = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });

const boardOp: fc.Arbitrary<BoardOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), text, start: pick, length: fc.nat({ max: 60 }), positional: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), pick, status: fc.constantFrom('proposed' as const, 'accepted' as const, 'rejected' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: pick, text: fc.string({ maxLength: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pick, length: fc.nat({ max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), pick, after: fc.option(pick, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), a: pick, b: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('split' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), pick, text }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sync' as const }) },
);

// Biased toward agreement on a few claims, so that verdicts (and ClaimReviews) occur.
const rating: fc.Arbitrary<Rating> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Rating>(4) },
  { weight: 2, arbitrary: fc.constantFrom<Rating[]>(1, 2, 3, 4, 5, 'unverifiable') },
);
const votePick = fc.oneof(fc.nat({ max: 2 }), pick);

const reviewerOp: fc.Arbitrary<ReviewerOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('vote' as const), pick: votePick, rating, confidence: fc.constantFrom('low' as const, 'medium' as const, 'high' as const), at, rationale: fc.option(fc.string({ maxLength: 40 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('note' as const), pick, body: fc.string({ maxLength: 80, unit: 'grapheme' }), evidence: fc.boolean(), reply: fc.option(pick, { nil: null }), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteNote' as const), pick, at }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sync' as const }) },
);

export interface Script {
  article: string[];
  editors: BoardOp[][];
  reviewers: { name: string; devices: ReviewerOp[][] }[];
  quorum: number;
  threshold: number;
}

export const scriptArbitrary: fc.Arbitrary<Script> = fc.record({
  article: fc.array(fc.constantFrom(...SENTENCES), { minLength: 1, maxLength: 6 }),
  editors: fc.array(fc.array(boardOp, { maxLength: 10 }), { minLength: 1, maxLength: 3 }),
  reviewers: fc.array(
    fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }),
      devices: fc.array(fc.array(reviewerOp, { maxLength: 12 }), { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 4 },
  ),
  quorum: fc.integer({ min: 1, max: 4 }),
  threshold: fc.constantFrom(0, 0.5, 0.75, 1),
});

export interface Recorded {
  boardUpdates: Uint8Array[];
  reviewerUpdates: Map<string, Uint8Array[]>;
  members: ExportMember[];
}

const SYNC = Symbol('sync');

function record(doc: Y.Doc, log: Uint8Array[]): void {
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== SYNC) log.push(update);
  });
}

function syncAll(docs: readonly Y.Doc[]): void {
  for (const a of docs) {
    for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), SYNC);
  }
}

/** Runs a script on replicas and returns every update it produced. */
export function runScript(script: Script): Recorded {
  const article = script.article.join(' ');
  const base = new Y.Doc();
  initBoardDoc(
    base,
    {
      title: 'Property board',
      article,
      claims: [{ text: script.article[0]!, start: 0, end: script.article[0]!.length, score: 0.7, reasons: ['number'] }],
      createdBy: 'owner',
      createdAt: 1_700_000_000_000,
      settings: { quorum: script.quorum, threshold: script.threshold },
    },
    'server',
  );
  const boardUpdates = [Y.encodeStateAsUpdate(base)];
  const editors = script.editors.map(() => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, boardUpdates[0]!, SYNC);
    record(doc, boardUpdates);
    return doc;
  });

  // Round-robin: step i of every editor, then step i + 1, so edits interleave.
  const longest = Math.max(0, ...script.editors.map((ops) => ops.length));
  let counter = 0;
  for (let step = 0; step < longest; step++) {
    script.editors.forEach((ops, e) => {
      const op = ops[step];
      if (op === undefined) return;
      const doc = editors[e]!;
      const claims = readBoard(doc).claims;
      const choose = (n: number) => claims[n % Math.max(1, claims.length)];
      const id = () => `e${e}-${counter++}`;
      const length = boardTypes(doc).article.length;
      switch (op.kind) {
        case 'add': {
          const start = length === 0 ? 0 : op.start % (length + 1);
          const end = Math.min(length, start + op.length);
          addClaim(doc, { id: id(), text: op.text, ...(op.positional ? { span: { start, end } } : {}), by: `editor-${e}`, at: 1_700_000_000_000 + step }, 'local');
          break;
        }
        case 'status': {
          const c = choose(op.pick);
          if (c) setClaimStatus(doc, c.id, op.status, 'local');
          break;
        }
        case 'insert':
          boardTypes(doc).article.insert(length === 0 ? 0 : op.at % (length + 1), op.text);
          break;
        case 'delete': {
          if (length === 0) break;
          const from = op.at % length;
          boardTypes(doc).article.delete(from, Math.min(op.length, length - from));
          break;
        }
        case 'move': {
          const c = choose(op.pick);
          const after = op.after === null ? null : choose(op.after);
          if (c) moveClaim(doc, c.id, after?.id ?? null, 'local');
          break;
        }
        case 'merge': {
          const a = choose(op.a);
          const b = choose(op.b);
          if (a && b && a.id !== b.id) mergeClaims(doc, { ids: [a.id, b.id], into: id(), by: `editor-${e}`, at: 1_700_000_000_000 + step }, 'local');
          break;
        }
        case 'split': {
          const c = choose(op.pick);
          if (c) {
            const half = Math.max(1, Math.floor(c.text.length / 2));
            splitClaim(doc, { id: c.id, parts: [{ id: id(), text: c.text.slice(0, half) || 'x' }, { id: id(), text: c.text.slice(half) || 'y' }], by: `editor-${e}`, at: 1_700_000_000_000 + step }, 'local');
          }
          break;
        }
        case 'text': {
          const c = choose(op.pick);
          if (c) updateClaimText(doc, c.id, op.text, 'local');
          break;
        }
        case 'sync':
          syncAll(editors);
          break;
      }
    });
  }
  syncAll(editors);
  const claimIds = readBoard(editors[0]!).claims.map((c) => c.id).concat(['ghost']);

  const reviewerUpdates = new Map<string, Uint8Array[]>();
  const members: ExportMember[] = [{ userId: 'owner', name: 'Owner Person', role: 'owner' }];
  script.reviewers.forEach((reviewer, r) => {
    const userId = `user-${r}`;
    members.push({ userId, name: reviewer.name, role: r % 2 === 0 ? 'reviewer' : 'editor' });
    const log: Uint8Array[] = [];
    reviewerUpdates.set(userId, log);
    const devices = reviewer.devices.map(() => {
      const doc = new Y.Doc();
      record(doc, log);
      return doc;
    });
    let notes = 0;
    const longestDevice = Math.max(0, ...reviewer.devices.map((ops) => ops.length));
    for (let step = 0; step < longestDevice; step++) {
      reviewer.devices.forEach((ops, d) => {
        const op = ops[step];
        if (op === undefined) return;
        const doc = devices[d]!;
        const claimId = (n: number) => claimIds[n % claimIds.length]!;
        switch (op.kind) {
          case 'vote':
            castVote(doc, claimId(op.pick), { rating: op.rating, confidence: op.confidence, at: op.at, ...(op.rationale !== null ? { rationale: op.rationale } : {}) }, 'local');
            break;
          case 'retract':
            retractVote(doc, claimId(op.pick), 'local');
            break;
          case 'note':
            addNote(
              doc,
              `r${r}-d${d}-n${notes++}`,
              {
                claimId: claimId(op.pick),
                body: op.body,
                at: op.at,
                ...(op.evidence ? { evidence: [{ url: `https://example.org/e/${notes}`, stance: 'context' as const }] } : {}),
                ...(op.reply !== null && notes > 1 ? { replyTo: `r${r}-d${d}-n${op.reply % (notes - 1)}` } : {}),
              },
              'local',
            );
            break;
          case 'deleteNote':
            if (notes > 0) deleteNote(doc, `r${r}-d${d}-n${op.pick % notes}`, op.at, 'local');
            break;
          case 'sync':
            syncAll(devices);
            break;
        }
      });
    }
  });
  return { boardUpdates, reviewerUpdates, members };
}

/** Fresh documents from recorded updates, applied in the order given. */
export function replay(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}
