/**
 * Who may read and write which document [A1–A7], as one ordered chain of checks. Write
 * authority is decided per document, never per field (DESIGN.md "Documents and authority"):
 * - board/<id>: members read; owners and editors write.
 * - board/<id>/reviewer/<user>: members read; that user writes while they hold a voting role.
 * - board/<id>/live: members read; only the server writes (LiveReviewService).
 * - board/<id>/sealed/<user>: that user alone reads, and writes while they hold a voting role.
 *
 * A client write passes the whole chain in this order (PROTOCOL A8): the frame rate of its
 * connection (transports), its credential still live (authentication.ts: ending the token or
 * session closes the connection, expiry too), this check, the size cap and the user's byte budget (Hub), the
 * validator (DocRegistry), missing dependencies, the registry's write guards in the
 * order they were added (the sealed-round guard of LiveReviewService), and last the Yjs
 * client-id ownership. Each link may refuse; the first refusal answers.
 */
import { parseDocKey, type ParsedDocKey } from '../../shared/protocol/doc-keys.js';
import { canWriteBoard, isVoting, type Role } from '../../shared/protocol/roles.js';
import type { BoardStates } from './board-states.js';
import type { Memberships } from './memberships.js';

/** Why access was refused: unknown (A5), not allowed by role (A3), or the board is archived (B1). */
export type Refusal = { ok: false; reason: 'not_found' | 'forbidden' | 'archived' };
export type AccessDecision = { ok: true; boardId: string; role: Role } | Refusal;

interface Request {
  doc: ParsedDocKey;
  userId: string;
  mode: 'read' | 'write';
  role: Role;
}

/** One link: a refusal stops the chain; undefined passes the request on. */
type Check = (r: Request, members: Memberships, boards: BoardStates) => Refusal | undefined | Promise<Refusal | undefined>;

const notFound: Refusal = { ok: false, reason: 'not_found' };
const forbidden: Refusal = { ok: false, reason: 'forbidden' };
const archived: Refusal = { ok: false, reason: 'archived' };

/**
 * After the doc key parses and the caller is a member (both before the chain: they give it
 * its request), in order. A refusal that says `not_found` answers like a missing board [A5].
 */
const CHAIN: ReadonlyArray<readonly [name: string, check: Check]> = [
  // A reviewer doc of someone who is not a member does not exist (A1).
  ['reviewer doc of a member', async (r, m) => (r.doc.kind === 'reviewer' && r.doc.userId !== r.userId && !(await m.roleOf(r.doc.boardId, r.doc.userId)) ? notFound : undefined)],
  // Another member's sealed doc does not exist as far as anyone else can tell (A7).
  ['own sealed doc', (r) => (r.doc.kind === 'sealed' && r.doc.userId !== r.userId ? notFound : undefined)],
  // Reading stops here; writing follows the table above (A2).
  ['write table', (r) => {
    if (r.mode === 'read') return undefined;
    const may = r.doc.kind === 'board' ? canWriteBoard(r.role) : r.doc.kind === 'live' ? false : r.doc.userId === r.userId && isVoting(r.role);
    return may ? undefined : forbidden;
  }],
  // An archived board is read-only for everyone, owners included (B1); after the write
  // table, so a viewer still hears READ_ONLY.
  // Reads pass synchronously: only a write waits for the (cached) archive state.
  ['board not archived', (r, _m, b) => (r.mode === 'write' ? b.isArchived(r.doc.boardId).then((a) => (a ? archived : undefined)) : undefined)],
];

export class DocAccess {
  readonly #members: Memberships;
  readonly #boards: BoardStates;

  constructor(members: Memberships, boards: BoardStates) {
    this.#members = members;
    this.#boards = boards;
  }

  /** Decides access to one doc key for a user, against their role as it is now (A6). */
  async check(docKey: string, userId: string, mode: 'read' | 'write'): Promise<AccessDecision> {
    const doc = parseDocKey(docKey);
    if (!doc) return notFound;
    const role = await this.#members.roleOf(doc.boardId, userId);
    if (!role) return notFound;
    const req: Request = { doc, userId, mode, role };
    for (const [, check] of CHAIN) {
      // Most links answer synchronously: only wait for the ones that look something up.
      const answer = check(req, this.#members, this.#boards);
      const refused = answer instanceof Promise ? await answer : answer;
      if (refused) return refused;
    }
    return { ok: true, boardId: doc.boardId, role };
  }
}
