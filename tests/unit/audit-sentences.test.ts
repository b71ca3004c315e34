/** The audit log in sentences, for every action the server records. */
import { describe, expect, it } from 'vitest';
import { auditSentence, type AuditContext } from '../../client/src/lib/audit-sentences.js';

const names: Record<string, string> = { u_olga: 'Olga Owner', u_rita: 'Rita Reviewer' };
const claims: Record<string, { text: string; replacedBy?: { kind: 'merged' | 'split'; ids: string[] } | null }> = {
  c1: { text: 'The city spent $4.2 million on roads.', replacedBy: { kind: 'merged', ids: ['m1'] } },
  c2: { text: 'Unemployment fell to 3.1%.' },
  c3: { text: 'Two things happened.', replacedBy: { kind: 'split', ids: ['s1', 's2'] } },
  m1: { text: 'The city spent $4.2 million on roads and bridges.' },
};
const ctx: AuditContext = {
  nameOf: (id) => names[id] ?? null,
  claim: (id) => claims[id],
  inviteRole: (id) => (id === 'i1' ? 'viewer' : null),
  time: (at) => new Date(at).toISOString().slice(0, 10),
};
const say = (action: string, detail: unknown, actor = 'u_olga') => auditSentence({ at: '2026-01-01T00:00:00.000Z', actor, action, detail }, ctx);

describe('audit sentences', () => {
  it.each([
    ['member.joined', { role: 'reviewer' }, 'Olga Owner joined the board as reviewer.'],
    ['member.role_changed', { userId: 'u_rita', from: 'reviewer', to: 'viewer' }, 'Olga Owner changed Rita Reviewer’s role from reviewer to viewer.'],
    ['member.removed', { userId: 'u_gone' }, 'Olga Owner removed a former member from the board.'],
    ['invite.created', { role: 'reviewer', maxUses: 5, expiresAt: Date.UTC(2026, 0, 8) }, 'Olga Owner created a reviewer invite (up to 5 uses, expiring 2026-01-08).'],
    ['invite.revoked', { inviteId: 'i1' }, 'Olga Owner revoked a viewer invite.'],
    ['claim.accepted', { claimId: 'c2' }, 'Olga Owner accepted the claim “Unemployment fell to 3.1%.”.'],
    ['claim.rejected', { claimId: 'c2' }, 'Olga Owner rejected the claim “Unemployment fell to 3.1%.”.'],
    ['claim.rejected', { claimId: 'c1' }, 'Olga Owner merged the claim “The city spent $4.2 million on roads.” into “The city spent $4.2 million on roads and bridges.”.'],
    ['claim.rejected', { claimId: 'c3' }, 'Olga Owner split the claim “Two things happened.” into 2 claims.'],
    ['claim.verdict', { claimId: 'c2', from: null, to: 4 }, 'Olga Owner gave the claim “Unemployment fell to 3.1%.” the editor’s verdict Mostly true.'],
    ['claim.verdict', { claimId: 'c2', from: 4, to: 'needs-context' }, 'Olga Owner changed the editor’s verdict on the claim “Unemployment fell to 3.1%.” from Mostly true to Needs context.'],
    ['export.taken', { format: 'csv', pseudonymised: true }, 'Olga Owner downloaded the CSV export, with reviewers pseudonymised.'],
    ['live.started', { claims: 4 }, 'Olga Owner started a live review of 4 claims.'],
    ['live.facilitator', { to: 'u_rita' }, 'Olga Owner handed the live review over to Rita Reviewer.'],
    ['live.round.revealed', { claimId: 'c2', votes: 3 }, 'Olga Owner revealed 3 sealed votes on the claim “Unemployment fell to 3.1%.”.'],
    ['live.ended', {}, 'Olga Owner ended the live review.'],
    ['board.renamed', { from: 'Roads', to: 'Roads, revisited' }, 'Olga Owner renamed the board from “Roads” to “Roads, revisited”.'],
    ['claim.accepted', { claimId: 'gone' }, 'Olga Owner accepted a claim.'],
  ])('%s %j', (action, detail, sentence) => {
    expect(say(action, detail)).toBe(sentence);
  });

  it('names the server and former members, and never prints raw JSON', () => {
    expect(say('doc.recovered', { docKey: 'board/x' }, 'server')).toBe('The server recovered the changes it had set aside.');
    expect(say('member.left', {}, 'u_gone')).toBe('A former member left the board.');
    expect(say('something.new_here', { a: 1 })).toBe('Olga Owner: something new here.');
    expect(say('member.role_changed', null)).toBe('Olga Owner changed a member’s role.');
  });
});
