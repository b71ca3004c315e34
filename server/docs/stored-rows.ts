/**
 * Applies a document's stored rows at load [R5, S5]. Every stored row was validated before
 * it was written (or written by the server itself), so a row the store reads back intact
 * (its checksum matches) is applied as is. A damaged row, or one from before checksums,
 * must not hang or stop the server: it is decoded under a deadline again and quarantined
 * on failure. The deadline is generous: a large compacted row on a busy machine is slow,
 * not bad.
 */
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { StoredUpdate, UpdateLog } from '../persistence/store.js';
import { STORE_ORIGIN } from './origins.js';
import type { Validator } from './validator-lanes.js';

/** Deadline for re-checking one stored row on load. */
const STORED_ROW_TIMEOUT_MS = 20_000;

export interface QuarantinedRow {
  seq: number;
  reason: string;
}

export async function applyStoredRows(
  doc: Y.Doc,
  docKey: string,
  rows: StoredUpdate[],
  deps: { store: UpdateLog; validator: Validator; logger: Logger },
): Promise<{ lastSeq: number; quarantined: QuarantinedRow[] }> {
  const checks = rows.map((r) => (r.intact ? null : deps.validator.validate(r.data, STORED_ROW_TIMEOUT_MS)));
  const quarantined: QuarantinedRow[] = [];
  let lastSeq = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const v = await checks[i];
    let reason: string | null = !v || v.ok ? null : v.error.message;
    if (!reason) {
      try {
        Y.applyUpdate(doc, row.data, STORE_ORIGIN);
      } catch (err) {
        reason = `apply failed: ${String((err as Error).message ?? err)}`;
      }
    }
    if (reason) {
      quarantined.push({ seq: row.seq, reason });
      deps.logger.error({ docKey, seq: row.seq, reason }, 'stored update quarantined');
      await deps.store.quarantine(docKey, row.seq, reason);
    }
    if (row.seq > lastSeq) lastSeq = row.seq;
  }
  return { lastSeq, quarantined };
}
