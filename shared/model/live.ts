/**
 * The live review of a board [L1–L9]: its state lives in the board's live document
 * (`board/<id>/live`), which only the server writes and every member reads, so focus,
 * rounds, timers and "who has voted" reach both transports, late joiners and offline copies
 * like any document. Sealed votes never enter it before the reveal: they sit in each
 * reviewer's sealed document (`board/<id>/sealed/<userId>`), readable by its author alone.
 *
 * Layout of the live doc:
 * - `live` (Y.Map): `status` ('active' | 'ended'), `facilitatorId`, `agenda` (claim ids),
 *   `focus` (claim id | null), `focusSince` (server epoch ms), `startedAt`, `endedAt`,
 *   `timer` ({ claimId, startedAt, endsAt, durationMs } | null).
 * - `focusTime` (Y.Map): claim id → milliseconds it held the focus (completed stretches).
 *   A map of its own, not an object value: claim ids are any [A-Za-z0-9_-] word, and Yjs
 *   refuses an object value with an own `constructor` key.
 * - `rounds` (Y.Map): claim id → { openedAt, revealedAt (null while sealed), voted
 *   ({ userId: epoch ms }, who has voted, never what), votes (round 1, set at the reveal) }.
 * Plain values throughout: the server replaces them whole, so no merge is ever needed.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { VoteSchema, type Vote } from './schemas.js';

export const LiveTimerSchema = z.object({
  claimId: z.string(),
  startedAt: z.number(),
  endsAt: z.number(),
  durationMs: z.number(),
});
export type LiveTimer = z.infer<typeof LiveTimerSchema>;

export const LiveRoundSchema = z.object({
  openedAt: z.number(),
  revealedAt: z.number().nullable(),
  voted: z.record(z.string(), z.number()),
  votes: z.record(z.string(), VoteSchema).nullable(),
});
export type LiveRound = z.infer<typeof LiveRoundSchema>;

export type LiveStatus = 'none' | 'active' | 'ended';

export interface LiveState {
  status: LiveStatus;
  facilitatorId: string | null;
  agenda: string[];
  focus: string | null;
  focusSince: number | null;
  startedAt: number | null;
  endedAt: number | null;
  timer: LiveTimer | null;
  /** Milliseconds each claim held the focus, not counting the current stretch. */
  timeSpent: Record<string, number>;
  rounds: Record<string, LiveRound>;
}

export const EMPTY_LIVE: LiveState = Object.freeze({
  status: 'none',
  facilitatorId: null,
  agenda: [],
  focus: null,
  focusSince: null,
  startedAt: null,
  endedAt: null,
  timer: null,
  timeSpent: {},
  rounds: {},
}) as LiveState;

export const liveTypes = (doc: Y.Doc) => ({
  live: doc.getMap<unknown>('live'),
  rounds: doc.getMap<unknown>('rounds'),
  focusTime: doc.getMap<unknown>('focusTime'),
});

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads the live state; anything malformed reads as absent (the doc is server-written). */
export function readLive(doc: Y.Doc): LiveState {
  const { live, rounds, focusTime } = liveTypes(doc);
  const status = live.get('status');
  if (status !== 'active' && status !== 'ended') return { ...EMPTY_LIVE, rounds: readRounds(rounds) };
  const agenda = live.get('agenda');
  const timer = LiveTimerSchema.safeParse(live.get('timer'));
  const timeSpent: Record<string, number> = Object.create(null);
  for (const [claimId, v] of focusTime) if (typeof v === 'number' && Number.isFinite(v)) timeSpent[claimId] = v;
  return {
    status,
    facilitatorId: str(live.get('facilitatorId')),
    agenda: Array.isArray(agenda) ? agenda.filter((a): a is string => typeof a === 'string') : [],
    focus: str(live.get('focus')),
    focusSince: num(live.get('focusSince')),
    startedAt: num(live.get('startedAt')),
    endedAt: num(live.get('endedAt')),
    timer: timer.success ? timer.data : null,
    timeSpent,
    rounds: readRounds(rounds),
  };
}

function readRounds(rounds: Y.Map<unknown>): Record<string, LiveRound> {
  // No prototype: a claim id is any [A-Za-z0-9_-] word, "__proto__" included.
  const out: Record<string, LiveRound> = Object.create(null);
  for (const [claimId, v] of rounds) {
    const r = LiveRoundSchema.safeParse(v);
    if (r.success) out[claimId] = r.data;
  }
  return out;
}

/**
 * A claim's round and focus time. Claim ids are the keys of plain objects, and an id may
 * be any [A-Za-z0-9_-] word, "constructor" or "valueOf" included: look keys up as own
 * properties only, never through the prototype.
 */
export const roundOf = (live: Pick<LiveState, 'rounds'>, claimId: string): LiveRound | undefined =>
  Object.hasOwn(live.rounds, claimId) ? live.rounds[claimId] : undefined;
export const spentOn = (live: Pick<LiveState, 'timeSpent'>, claimId: string): number =>
  Object.hasOwn(live.timeSpent, claimId) ? live.timeSpent[claimId]! : 0;

/** Claims whose round is open and not yet revealed: votes on them are sealed. */
export function sealedClaims(live: Pick<LiveState, 'rounds'>): Set<string> {
  const out = new Set<string>();
  for (const [claimId, r] of Object.entries(live.rounds)) if (r.revealedAt === null) out.add(claimId);
  return out;
}

/** Time a claim has held the focus, including the current stretch up to `now`. */
export function focusTime(live: LiveState, claimId: string, now: number): number {
  const base = spentOn(live, claimId);
  const running = live.status === 'active' && live.focus === claimId && live.focusSince !== null ? Math.max(0, now - live.focusSince) : 0;
  return base + running;
}

// ---- server-side writers (run inside the registry's server transaction) ----

export function writeLive(doc: Y.Doc, fields: Partial<Omit<LiveState, 'rounds'>>): void {
  const { live, focusTime } = liveTypes(doc);
  const { timeSpent, ...rest } = fields;
  for (const [k, v] of Object.entries(rest)) live.set(k, v === undefined ? null : v);
  if (timeSpent !== undefined) {
    for (const k of [...focusTime.keys()]) if (!Object.hasOwn(timeSpent, k)) focusTime.delete(k);
    for (const [k, v] of Object.entries(timeSpent)) if (focusTime.get(k) !== v) focusTime.set(k, v);
  }
}

export function writeRound(doc: Y.Doc, claimId: string, round: LiveRound): void {
  liveTypes(doc).rounds.set(claimId, round);
}

/** Moves the focus, adding the stretch that ends now to the previous claim's time. */
export function moveFocus(doc: Y.Doc, live: LiveState, focus: string | null, now: number): void {
  if (live.focus !== null && live.focusSince !== null) {
    liveTypes(doc).focusTime.set(live.focus, spentOn(live, live.focus) + Math.max(0, now - live.focusSince));
  }
  writeLive(doc, { focus, focusSince: focus === null ? null : now });
}

export type { Vote };
