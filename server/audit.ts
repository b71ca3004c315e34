/**
 * Audit log per board [U1]: who joined, role changes and removals, invites created and
 * revoked, claims accepted or rejected, editors' verdicts set, changed or removed, exports
 * taken, stored updates of its documents quarantined at load and the recovery of what they
 * held back [R7]. Stored with the board and shown to its owners (GET /api/boards/:id/audit).
 */
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { parseDocKey } from '../shared/protocol/doc-keys.js';
import { BOARD } from '../shared/model/layout.js';
import type { DocRegistry } from './docs/registry.js';
import { isTxOrigin } from './docs/origins.js';
import type { Store } from './persistence/store.js';

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  record(boardId: string, actor: string, action: string, detail: Record<string, unknown> = {}): void {
    this.store
      .addAudit({ boardId, at: this.now(), actor, action, detail })
      .catch((err: unknown) => this.logger.error({ err, boardId, action }, 'audit write failed'));
  }

  /**
   * Watches claim status and verdict changes on every board doc the registry loads, and records the
   * quarantines of every document of a board (`doc.quarantined`, `doc.recovered`).
   */
  watch(registry: DocRegistry): void {
    registry.onQuarantine((q) => {
      const parsed = parseDocKey(q.docKey);
      if (!parsed) return;
      if (q.kind === 'quarantined') {
        this.record(parsed.boardId, 'server', 'doc.quarantined', { docKey: q.docKey, rows: q.rows, waitingFor: q.waitingFor });
      } else {
        this.record(parsed.boardId, 'server', 'doc.recovered', { docKey: q.docKey });
      }
    });
    registry.afterLoad((docKey, doc) => {
      const parsed = parseDocKey(docKey);
      if (parsed?.kind !== 'board') return;
      doc.getMap(BOARD.claims).observeDeep((events: Array<Y.YEvent<any>>, tr: Y.Transaction) => {
        const origin = tr.origin;
        // Rows loaded from the store, and rows another process committed (it audited them), are not new here.
        if (!isTxOrigin(origin) || origin.kind === 'store' || origin.kind === 'peer') return;
        const actor = origin.kind === 'client' ? origin.userId : origin.kind;
        for (const ev of events) {
          if (ev.path.length !== 1) continue; // a claim's own map
          const claimId = String(ev.path[0]);
          this.#recordVerdict(parsed.boardId, actor, claimId, ev as Y.YMapEvent<unknown>);
          const change = (ev as Y.YMapEvent<unknown>).keys.get('status');
          if (!change || change.action === 'delete') continue;
          const status = (ev.target as Y.Map<unknown>).get('status');
          if (status === 'accepted' || status === 'rejected') {
            this.record(parsed.boardId, actor, `claim.${status}`, { claimId, from: change.oldValue ?? null });
          }
        }
      });
    });
  }

  /**
   * The editor's verdict, set, changed or removed, with the rating before and after: the
   * server's record of who changed a (possibly published) verdict, whatever the document's
   * own `by` field claims.
   */
  #recordVerdict(boardId: string, actor: string, claimId: string, ev: Y.YMapEvent<unknown>): void {
    const change = ev.keys.get('verdict');
    if (!change) return;
    const rating = (v: unknown) => (v !== null && typeof v === 'object' ? ((v as { rating?: unknown }).rating ?? null) : null);
    const url = (v: unknown) => (v !== null && typeof v === 'object' ? ((v as { url?: unknown }).url ?? null) : null);
    const now = change.action === 'delete' ? undefined : ev.target.get('verdict');
    this.record(boardId, actor, change.action === 'delete' ? 'claim.verdict_removed' : 'claim.verdict', {
      claimId,
      from: rating(change.oldValue),
      to: rating(now),
      url: url(now),
    });
  }
}
