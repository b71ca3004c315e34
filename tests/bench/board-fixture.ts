/**
 * The boards the benchmarks fill, and how: on Claimboard through its REST API and the real
 * BoardConnection (the client benchmark's 500-claim board, the performance benchmark's
 * cold-load board), and the same content on a reference server, where a team would keep
 * a board as ONE shared doc (every reviewer's votes and notes under keys prefixed with the
 * reviewer's id in shared `votes` and `notes` maps, next to the board's own types).
 */
import * as Y from 'yjs';
import { importArticle } from '../../shared/import/index.js';
import {
  addClaim,
  addNote,
  castVote,
  initBoardDoc,
  readBoard,
  withoutUndefined,
  type Note,
  type Rating,
  type Vote,
} from '../../shared/model/index.js';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { DEFAULT_SUGGESTION_THRESHOLD, suggestClaims } from '../../shared/suggest/index.js';
import { addReviewers, createBoard, createUser, openDoc, pool, type BenchUser } from './claimboard-api.js';

export interface FixtureSpec {
  title: string;
  claims: number;
  reviewers: number;
  notesPerReviewer: number;
}

/** `claims` check-worthy sentences (the importer suggests each as a claim) in paragraphs of
 * five, each paragraph ending with a sentence that is not a claim. */
export function fixtureArticle(claims: number): string {
  const places = ['Springfield', 'Riverton', 'Lakeside', 'Hillview', 'Greenfield'];
  const paras: string[] = [];
  for (let p = 0; p < Math.ceil(claims / 5); p++) {
    const s: string[] = [];
    for (let j = 0; j < 5 && p * 5 + j < claims; j++) {
      const i = p * 5 + j;
      s.push(
        `${places[i % 5]} spent $${(i % 97) + 1}.${i % 10} million on item ${i + 1} in ${2000 + (i % 24)}, up ${(i % 40) + 3}% from the year before, the council said.`,
      );
    }
    s.push('It was a sunny day.');
    paras.push(s.join(' '));
  }
  return paras.join('\n\n');
}

/** Adds plain claims after the imported ones until the board has `claims` of them. */
export function topUpClaims(doc: Y.Doc, claims: number, by: string): number {
  const imported = readBoard(doc).claims.length;
  if (imported > claims) throw new Error(`the import suggested ${imported} claims, more than ${claims}`);
  if (imported < claims) {
    doc.transact(() => {
      for (let i = imported; i < claims; i++) {
        const r = addClaim(doc, { id: `extra${i}`, text: `Extra claim number ${i + 1} cost $${i} million.`, by, at: Date.now() }, null);
        if (!r.ok) throw new Error(r.error.message);
      }
    });
  }
  return imported;
}

const RATINGS: Rating[] = [1, 2, 3, 4, 5, 'unverifiable'];
const CONFIDENCES = ['low', 'medium', 'high'] as const;

/** Reviewer `ri`'s vote on claim number `ci`: mostly agreeing reviewers with some spread,
 * so verdicts vary across claims. */
export function fixtureVote(ri: number, ci: number, at: number): Vote {
  const h = (ri * 7919 + ci * 104729) % 100;
  const base = (ci % 5) + 1;
  const rating: Rating = h < 3 ? 'unverifiable' : h < 75 ? (base as Rating) : RATINGS[(base + (h % 3)) % 5]!;
  return withoutUndefined({
    rating,
    confidence: CONFIDENCES[h % 3]!,
    rationale: h % 10 === 0 ? `Checked against the ${2000 + (ci % 24)} budget.` : undefined,
    at: at + ci,
  });
}

/** Reviewer `ri`'s note number `k`: its id and content. */
export function fixtureNote(ri: number, k: number, claimIds: string[], notesPerReviewer: number, at: number): [string, Omit<Note, 'editedAt' | 'deleted'>] {
  const claimId = claimIds[(ri * notesPerReviewer + k) % claimIds.length]!;
  return [
    `n${ri}x${k}`,
    withoutUndefined({
      claimId,
      body: `Reviewer ${ri + 1}: the figure matches the published accounts, see the annex.`,
      evidence: k % 2 ? [{ url: `https://example.org/budget/${k}`, title: 'Budget annex', stance: 'supports' as const }] : undefined,
      at: at + k,
    }),
  ];
}

export interface ClaimboardFixture {
  boardId: string;
  owner: BenchUser;
  reviewers: BenchUser[];
  /** A reviewer to open the board as. */
  viewer: BenchUser;
  claims: number;
  importedClaims: number;
  votes: number;
  notes: number;
  setupMs: number;
}

/**
 * A board on a Claimboard server: created through POST /api/boards from
 * fixtureArticle(claims) and topped up to `claims` claims; `reviewers` reviewers joined
 * through one invite; each votes on every claim and writes `notesPerReviewer` notes, one
 * transaction per reviewer through its own BoardConnection. Resolves once all is stored.
 */
export async function fillClaimboard(base: string, spec: FixtureSpec): Promise<ClaimboardFixture> {
  const t0 = Date.now();
  const owner = await createUser(base, 'Owner');
  const boardId = await createBoard(base, owner, spec.title, fixtureArticle(spec.claims));
  const reviewers = await addReviewers(base, owner, boardId, spec.reviewers, 10);

  const b = await openDoc(base, owner.token, boardId, boardDocKey(boardId));
  let imported: number;
  let claimIds: string[];
  try {
    imported = topUpClaims(b.doc, spec.claims, owner.id);
    await b.saved();
    claimIds = readBoard(b.doc).claims.map((c) => c.id);
  } finally {
    b.close();
  }
  if (claimIds.length !== spec.claims) throw new Error(`board has ${claimIds.length} claims, wanted ${spec.claims}`);

  let votes = 0;
  let notes = 0;
  await pool(reviewers, 4, async (r, ri) => {
    const d = await openDoc(base, r.token, boardId, reviewerDocKey(boardId, r.id));
    try {
      const at = Date.now() - 3_600_000;
      d.doc.transact(() => {
        claimIds.forEach((claimId, ci) => {
          const v = castVote(d.doc, claimId, fixtureVote(ri, ci, at), null);
          if (!v.ok) throw new Error(v.error.message);
          votes++;
        });
        for (let k = 0; k < spec.notesPerReviewer; k++) {
          const [id, note] = fixtureNote(ri, k, claimIds, spec.notesPerReviewer, at);
          const n = addNote(d.doc, id, note, null);
          if (!n.ok) throw new Error(n.error.message);
          notes++;
        }
      });
      await d.saved();
    } finally {
      d.close();
    }
  });
  return { boardId, owner, reviewers, viewer: reviewers[0]!, claims: claimIds.length, importedClaims: imported, votes, notes, setupMs: Date.now() - t0 };
}

/** The board part of the shared doc, as Claimboard's POST /api/boards makes it (import,
 * suggestions, initBoardDoc), then topped up to `claims` claims. Returns the claim ids. */
export function initSharedBoard(doc: Y.Doc, spec: FixtureSpec, by: string): string[] {
  const article = importArticle(fixtureArticle(spec.claims), 'text');
  const suggested = suggestClaims(article.text, { threshold: DEFAULT_SUGGESTION_THRESHOLD });
  const r = initBoardDoc(
    doc,
    {
      title: spec.title,
      format: 'text',
      article: article.text,
      claims: suggested.map((c) => ({ text: c.text, start: c.start, end: c.end, score: c.score, reasons: c.reasons })),
      createdBy: by,
      createdAt: Date.now(),
    },
    null,
  );
  if (!r.ok) throw new Error(r.error.message);
  topUpClaims(doc, spec.claims, by);
  return readBoard(doc).claims.map((c) => c.id);
}

/** Reviewer `ri`'s votes and notes in the shared doc, one transaction; returns the counts. */
export function writeSharedReviewer(doc: Y.Doc, userId: string, ri: number, claimIds: string[], notesPerReviewer: number): { votes: number; notes: number } {
  const at = Date.now() - 3_600_000;
  const votes = doc.getMap('votes');
  const notes = doc.getMap('notes');
  doc.transact(() => {
    claimIds.forEach((claimId, ci) => votes.set(`${userId}/${claimId}`, fixtureVote(ri, ci, at)));
    for (let k = 0; k < notesPerReviewer; k++) {
      const [id, note] = fixtureNote(ri, k, claimIds, notesPerReviewer, at);
      notes.set(`${userId}/${id}`, note);
    }
  });
  return { votes: claimIds.length, notes: notesPerReviewer };
}

/**
 * One step of the join-storm seed (W3): alternately ~100 KB of article paragraphs and 200
 * claims of ~300 characters, in one transaction (each update stays far below Claimboard's
 * 1 MB limit). Call with step 0, 1, 2, … until the doc is as large as wanted; the same steps
 * write the same content on every server.
 */
export function bulkStep(doc: Y.Doc, step: number, by: string): void {
  const article = doc.getText('article');
  if (step % 2 === 0) {
    const paras: string[] = [];
    let size = 0;
    for (let p = 0; size < 100_000; p++) {
      const para = Array.from(
        { length: 6 },
        (_, j) => `In ${1990 + ((step + p + j) % 35)}, district ${(step * 31 + p * 7 + j) % 400} reported ${(p + 1) * (j + 3) * 17} new permits, ${j + 2}% more than the year before, the planning office said.`,
      ).join(' ');
      paras.push(para);
      size += para.length + 2;
    }
    doc.transact(() => article.insert(article.length, (article.length ? '\n\n' : '') + paras.join('\n\n')));
  } else {
    doc.transact(() => {
      for (let i = 0; i < 200; i++) {
        const n = ((step - 1) / 2) * 200 + i;
        const sentence = `Claim ${n + 1}: the county spent $${(n % 97) + 1}.${n % 10} million on bridge ${n} in ${2000 + (n % 24)}, up ${(n % 40) + 3}% on the year before. `;
        const r = addClaim(doc, { id: `bulk${n}`, text: sentence.repeat(3).trim(), by, at: Date.now() }, null);
        if (!r.ok) throw new Error(r.error.message);
      }
    });
  }
}

export interface LargeFixtureSpec {
  title: string;
  claims: number;
  /** Characters of article, about (the claims' sentences plus filler). */
  chars: number;
  reviewers: number;
}

/** A long article: `claims` paragraphs, each a check-worthy sentence (returned with its span)
 * followed by filler prose, about `chars` characters in all. */
export function largeArticle(claims: number, chars: number): { text: string; spans: Array<{ start: number; end: number; text: string }> } {
  const filler = [
    'Residents gathered in the square as the afternoon light faded over the old town hall.',
    'Several speakers took turns at the microphone, and the crowd listened quietly.',
    'A light rain began to fall, though few people seemed to notice or mind.',
    'Children played near the fountain while their parents talked about the weekend.',
    'The meeting ran long, and the coffee in the back of the room went cold.',
  ];
  const per = Math.max(0, Math.floor(chars / claims));
  const parts: string[] = [];
  const spans: Array<{ start: number; end: number; text: string }> = [];
  let at = 0;
  for (let i = 0; i < claims; i++) {
    const sentence = `Claim ${i + 1}: the county spent $${(i % 97) + 1}.${i % 10} million on project ${i + 1} in ${2000 + (i % 24)}, the auditor said.`;
    let para = sentence;
    for (let k = 0; para.length + 2 < per; k++) para += ' ' + filler[(i + k) % filler.length];
    para = para.slice(0, Math.max(sentence.length, per - 2));
    const sep = i === 0 ? '' : '\n\n';
    at += sep.length;
    spans.push({ start: at, end: at + sentence.length, text: sentence });
    parts.push(sep + para);
    at += para.length;
  }
  return { text: parts.join(''), spans };
}

/**
 * The large board of the client benchmark: created through POST /api/boards with a short
 * article, whose text the owner then replaces (through the real BoardConnection, in updates
 * under the 1 MB cap) with largeArticle(); one claim per paragraph, anchored to its sentence;
 * `reviewers` reviewers vote on every claim as in fillClaimboard.
 */
export async function fillLargeBoard(base: string, spec: LargeFixtureSpec): Promise<ClaimboardFixture & { articleChars: number }> {
  const t0 = Date.now();
  const owner = await createUser(base, 'Owner');
  const boardId = await createBoard(base, owner, spec.title, 'It was a sunny day.');
  const reviewers = await addReviewers(base, owner, boardId, spec.reviewers, 10);
  const { text, spans } = largeArticle(spec.claims, spec.chars);
  const b = await openDoc(base, owner.token, boardId, boardDocKey(boardId));
  let claimIds: string[];
  try {
    const article = b.doc.getText('article');
    const imported = readBoard(b.doc).claims.length;
    if (imported > 0) throw new Error(`the short article was given ${imported} claims`);
    b.doc.transact(() => article.delete(0, article.length));
    const CHUNK = 400_000;
    for (let i = 0; i < text.length; i += CHUNK) {
      b.doc.transact(() => article.insert(article.length, text.slice(i, i + CHUNK)));
      await b.saved();
    }
    const BATCH = 250;
    for (let i = 0; i < spans.length; i += BATCH) {
      b.doc.transact(() => {
        for (let k = i; k < Math.min(spans.length, i + BATCH); k++) {
          const s = spans[k]!;
          const r = addClaim(b.doc, { id: `big${k}`, text: s.text, span: { start: s.start, end: s.end }, by: owner.id, at: Date.now() }, null);
          if (!r.ok) throw new Error(r.error.message);
        }
      });
      await b.saved();
    }
    claimIds = readBoard(b.doc).claims.map((c) => c.id);
  } finally {
    b.close();
  }
  if (claimIds.length !== spec.claims) throw new Error(`board has ${claimIds.length} claims, wanted ${spec.claims}`);
  let votes = 0;
  await pool(reviewers, 4, async (r, ri) => {
    const d = await openDoc(base, r.token, boardId, reviewerDocKey(boardId, r.id));
    try {
      const at = Date.now() - 3_600_000;
      d.doc.transact(() => {
        claimIds.forEach((claimId, ci) => {
          const v = castVote(d.doc, claimId, fixtureVote(ri, ci, at), null);
          if (!v.ok) throw new Error(v.error.message);
          votes++;
        });
      });
      await d.saved();
    } finally {
      d.close();
    }
  });
  return { boardId, owner, reviewers, viewer: reviewers[0]!, claims: claimIds.length, importedClaims: 0, votes, notes: 0, setupMs: Date.now() - t0, articleChars: text.length };
}
