/**
 * The frame one process publishes on Redis after a commit [K6]: who committed it (node id),
 * the document, its seq, and the update itself, or only a pointer to the row (the update
 * left out) when it is large: the receiver then reads it from PostgreSQL.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface PeerFrame {
  nodeId: string;
  docKey: string;
  seq: number;
  /** Null when only the pointer was published. */
  update: Uint8Array | null;
}

const VERSION = 1;

export function encodePeerFrame(f: PeerFrame): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, VERSION);
  encoding.writeVarString(e, f.nodeId);
  encoding.writeVarString(e, f.docKey);
  encoding.writeVarUint(e, f.seq);
  encoding.writeUint8(e, f.update ? 1 : 0);
  if (f.update) encoding.writeVarUint8Array(e, f.update);
  return encoding.toUint8Array(e);
}

/** The frame, or null for anything that is not one (another version, a truncated message). */
export function decodePeerFrame(bytes: Uint8Array): PeerFrame | null {
  try {
    const d = decoding.createDecoder(bytes);
    if (decoding.readUint8(d) !== VERSION) return null;
    const nodeId = decoding.readVarString(d);
    const docKey = decoding.readVarString(d);
    const seq = decoding.readVarUint(d);
    const update = decoding.readUint8(d) === 1 ? decoding.readVarUint8Array(d) : null;
    if (decoding.hasContent(d) || !Number.isSafeInteger(seq) || seq < 1) return null;
    return { nodeId, docKey, seq, update };
  } catch {
    return null;
  }
}
