/**
 * Seeded random edits for convergence suites: the board doc (article text, claims) and
 * reviewer docs (votes, notes), and plain-value views of a doc for comparing replicas.
 */
import * as Y from 'yjs';

/** Content of a doc as plain values, for comparison independent of key order. */
export function content(doc: Y.Doc) {
  return {
    article: doc.getText('article').toString(),
    claims: doc.getMap('claims').toJSON(),
    votes: doc.getMap('votes').toJSON(),
    notes: doc.getArray('notes-log').toJSON(),
  };
}

export function randomEdit(rand: () => number, doc: Y.Doc, who: string, step: number, isBoard: boolean) {
  const r = rand();
  if (isBoard) {
    const text = doc.getText('article');
    if (r < 0.4) {
      text.insert(Math.floor(rand() * (text.length + 1)), `${who}${step} `);
    } else if (r < 0.6 && text.length > 0) {
      const at = Math.floor(rand() * text.length);
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(rand() * 5)));
    } else if (r < 0.85) {
      const claims = doc.getMap<Y.Map<unknown>>('claims');
      const id = `c${Math.floor(rand() * 6)}`;
      let claim = claims.get(id);
      if (!claim || rand() < 0.2) {
        claim = new Y.Map();
        claims.set(id, claim);
      }
      claim.set(rand() < 0.5 ? 'status' : 'text', `${who}-${step}`);
    } else {
      const claims = doc.getMap('claims');
      const keys = [...claims.keys()];
      if (keys.length) claims.delete(keys[Math.floor(rand() * keys.length)]!);
    }
  } else if (r < 0.7) {
    doc.getMap('votes').set(`c${Math.floor(rand() * 6)}`, { rating: 1 + Math.floor(rand() * 5), confidence: 'low', at: step });
  } else {
    const log = doc.getArray('notes-log');
    if (rand() < 0.7 || log.length === 0) log.insert(Math.floor(rand() * (log.length + 1)), [`${who}:${step}`]);
    else log.delete(Math.floor(rand() * log.length));
  }
}

export const toDoc = (u: Uint8Array) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, u);
  return d;
};
export const equalSv = (a: Uint8Array, b: Uint8Array) => {
  const x = Y.decodeStateVector(a);
  const y = Y.decodeStateVector(b);
  return x.size === y.size && [...x].every(([c, k]) => y.get(c) === k);
};

