/**
 * The audit log in sentences: "Olga Owner changed Rita Reviewer’s role from reviewer to
 * viewer." Names and claim texts come from the caller (members, the board doc); a detail
 * that is missing or of an unexpected shape leaves its part out rather than printing JSON.
 */
import type { AuditEntry } from './api.js';

export interface AuditContext {
  /** A member's name, or null for someone no longer on the board. */
  nameOf(userId: string): string | null;
  /** A claim's text and what replaced it, if the board still holds it. */
  claim(claimId: string): { text: string; replacedBy?: { kind: 'merged' | 'split'; ids: string[] } | null } | undefined;
  /** The role an invite was made for, if known. */
  inviteRole(inviteId: string): string | null;
  /** Formats an epoch-ms time for a sentence. */
  time(at: number): string;
}

const FORMATS: Record<string, string> = { json: 'JSON', claimreview: 'ClaimReview', csv: 'CSV' };
const RATINGS: Record<string, string> = {
  '1': 'False',
  '2': 'Mostly false',
  '3': 'Mixed',
  '4': 'Mostly true',
  '5': 'True',
  unverifiable: 'Unverifiable',
  'needs-context': 'Needs context',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function quote(text: string, max = 80): string {
  const t = text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  return `“${t}”`;
}

/** Who did it, as the subject of a sentence. */
export function actorName(actor: string, ctx: AuditContext): string {
  if (actor === 'server') return 'The server';
  return ctx.nameOf(actor) ?? 'A former member';
}

export function auditSentence(e: AuditEntry, ctx: AuditContext): string {
  const d = (e.detail !== null && typeof e.detail === 'object' ? e.detail : {}) as Record<string, unknown>;
  const who = actorName(e.actor, ctx);
  // The name recorded with the entry stands in for someone no longer on the board.
  const person = (id: unknown) => (str(id) ? (ctx.nameOf(id as string) ?? str(d.name) ?? 'a former member') : 'a member');
  const possessive = (id: unknown) => `${person(id)}’s`;
  const claimRef = (id: unknown) => {
    const c = str(id) ? ctx.claim(id as string) : undefined;
    return c ? `the claim ${quote(c.text)}` : 'a claim';
  };
  switch (e.action) {
    case 'member.joined':
      return `${who} joined the board${str(d.role) ? ` as ${d.role as string}` : ''}.`;
    case 'member.role_changed':
      return `${who} changed ${possessive(d.userId)} role${str(d.from) ? ` from ${d.from as string}` : ''}${str(d.to) ? ` to ${d.to as string}` : ''}.`;
    case 'member.removed':
      return `${who} removed ${person(d.userId)} from the board.`;
    case 'member.left':
      return `${who} left the board.`;
    case 'invite.created': {
      const uses = d.maxUses === null ? 'any number of uses' : num(d.maxUses) === 1 ? 'single use' : num(d.maxUses) ? `up to ${num(d.maxUses)} uses` : null;
      const parts = [uses, num(d.expiresAt) ? `expiring ${ctx.time(num(d.expiresAt)!)}` : null, str(d.email) ? `for ${d.email as string}` : null].filter(Boolean);
      return `${who} created ${str(d.role) ? `a ${d.role as string}` : 'an'} invite${parts.length ? ` (${parts.join(', ')})` : ''}.`;
    }
    case 'invite.revoked': {
      const role = str(d.role) ?? (str(d.inviteId) ? ctx.inviteRole(d.inviteId as string) : null);
      return `${who} revoked ${role ? `a ${role}` : 'an'} invite${str(d.email) ? ` for ${d.email as string}` : ''}.`;
    }
    case 'board.former_votes_counted':
      return `${who} made former members’ votes count towards the consensus.`;
    case 'board.former_votes_not_counted':
      return `${who} stopped counting former members’ votes.`;
    case 'claim.accepted':
      return `${who} accepted ${claimRef(d.claimId)}.`;
    case 'claim.rejected': {
      // A merge or a split retires its originals by rejecting them: say what happened.
      const c = str(d.claimId) ? ctx.claim(d.claimId as string) : undefined;
      const by = c?.replacedBy;
      if (by?.kind === 'merged') {
        const into = ctx.claim(by.ids[0] ?? '');
        return `${who} merged ${claimRef(d.claimId)}${into ? ` into ${quote(into.text)}` : ' into another claim'}.`;
      }
      if (by?.kind === 'split') return `${who} split ${claimRef(d.claimId)} into ${by.ids.length} claims.`;
      return `${who} rejected ${claimRef(d.claimId)}.`;
    }
    case 'claim.verdict': {
      const to = RATINGS[String(d.to)];
      const from = d.from === null || d.from === undefined ? null : RATINGS[String(d.from)];
      return from
        ? `${who} changed the editor’s verdict on ${claimRef(d.claimId)} from ${from} to ${to ?? 'another rating'}.`
        : `${who} gave ${claimRef(d.claimId)} the editor’s verdict ${to ?? 'a rating'}.`;
    }
    case 'claim.verdict_removed':
      return `${who} removed the editor’s verdict on ${claimRef(d.claimId)}.`;
    case 'export.taken':
      return `${who} downloaded the ${FORMATS[String(d.format)] ?? 'board’s'} export${d.pseudonymised === true ? ', with reviewers pseudonymised' : ''}.`;
    case 'live.started':
      return `${who} started a live review${num(d.claims) !== null ? ` of ${num(d.claims)} claim${num(d.claims) === 1 ? '' : 's'}` : ''}.`;
    case 'live.facilitator':
      return d.to === e.actor ? `${who} took over the facilitation of the live review.` : `${who} handed the live review over to ${person(d.to)}.`;
    case 'live.round.opened':
      return `${who} opened a sealed round on ${claimRef(d.claimId)}.`;
    case 'live.round.revealed':
      return `${who} revealed ${num(d.votes) !== null ? `${num(d.votes)} sealed vote${num(d.votes) === 1 ? '' : 's'}` : 'the sealed votes'} on ${claimRef(d.claimId)}.`;
    case 'live.ended':
      return `${who} ended the live review.`;
    case 'board.renamed':
      return `${who} renamed the board${str(d.from) ? ` from ${quote(d.from as string)}` : ''}${str(d.to) ? ` to ${quote(d.to as string)}` : ''}.`;
    case 'board.archived':
      return `${who} archived the board.`;
    case 'board.unarchived':
      return `${who} unarchived the board.`;
    case 'board.duplicated':
      return `${who} made a copy of the board.`;
    case 'board.duplicated_from':
      return `${who} created this board as a copy of another board.`;
    case 'doc.quarantined':
      return `The server set aside ${num(d.rows) ?? 'some'} stored change${num(d.rows) === 1 ? '' : 's'} of one of the board’s documents that it could not read.`;
    case 'doc.recovered':
      return 'The server recovered the changes it had set aside.';
    default:
      return `${who}: ${e.action.replace(/[._]/g, ' ')}.`;
  }
}
