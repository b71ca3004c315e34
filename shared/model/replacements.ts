/**
 * Which claims merges and splits replaced, resolved the same way on every replica once they
 * hold the same updates (C1).
 *
 * A merge writes the new claim (`mergedFrom`) and sets `mergedInto` on each source; a split
 * writes the parts (`splitFrom`) and sets `splitInto` on the source. Done concurrently on
 * two replicas, these can disagree: two merges over overlapping claims, two different
 * splits of one claim, or a merge and a split of the same claim. Each source field keeps one
 * value (Yjs map semantics), and the rules below keep the results that agree with it:
 *
 * - A merged claim stands when every source points at it (`mergedInto`), stands itself, and
 *   was replaced by this merge rather than by a split.
 * - A part stands when its source lists it (`splitInto`), stands itself, and was replaced
 *   by this split rather than by a merge.
 * - A claim that both a merge and a split replaced keeps the earlier of the two (the
 *   results' `createdAt`; a tie goes to the merge).
 * - A result that does not stand is *superseded*: readers leave it out, and a source whose
 *   replacement is superseded is open again.
 *
 * So a sentence is never in two open claims because two editors curated it at once.
 */
export interface Replacement {
  kind: 'merged' | 'split';
  /** The merged claim, or the parts in order. */
  ids: string[];
}

interface Linked {
  id: string;
  createdAt: number;
  mergedInto?: string | undefined;
  mergedFrom?: readonly string[] | undefined;
  splitFrom?: string | undefined;
  splitInto?: readonly string[] | undefined;
}

export interface Resolution {
  /** Results of a merge or split that lost to a concurrent one. */
  superseded: Set<string>;
  /** Claims that stand but were replaced, and by what. */
  replacedBy: Map<string, Replacement>;
}

export function resolveReplacements(claims: readonly Linked[]): Resolution {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();

  /** Which action replaced a claim that names both a merge and a split. */
  const winner = (c: Linked): 'merge' | 'split' | null => {
    const merged = c.mergedInto !== undefined ? byId.get(c.mergedInto) : undefined;
    const firstPart = c.splitInto?.length ? byId.get(c.splitInto[0]!) : undefined;
    if (merged === undefined) return firstPart === undefined ? null : 'split';
    if (firstPart === undefined) return 'merge';
    return firstPart.createdAt < merged.createdAt ? 'split' : 'merge';
  };

  const stands = (id: string): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const c = byId.get(id);
    if (c === undefined || visiting.has(id)) return false;
    visiting.add(id);
    let ok = true;
    if (c.mergedFrom !== undefined && c.mergedFrom.length > 0) {
      ok = c.mergedFrom.every((s) => {
        const source = byId.get(s);
        return source !== undefined && source.mergedInto === id && winner(source) === 'merge' && stands(s);
      });
    }
    if (ok && c.splitFrom !== undefined) {
      const source = byId.get(c.splitFrom);
      ok = source !== undefined && (source.splitInto ?? []).includes(id) && winner(source) === 'split' && stands(c.splitFrom);
    }
    visiting.delete(id);
    memo.set(id, ok);
    return ok;
  };

  const superseded = new Set<string>();
  const replacedBy = new Map<string, Replacement>();
  for (const c of claims) {
    if (!stands(c.id)) {
      superseded.add(c.id);
      continue;
    }
    const w = winner(c);
    if (w === 'merge' && stands(c.mergedInto!)) replacedBy.set(c.id, { kind: 'merged', ids: [c.mergedInto!] });
    else if (w === 'split' && c.splitInto!.every(stands)) replacedBy.set(c.id, { kind: 'split', ids: [...c.splitInto!] });
  }
  return { superseded, replacedBy };
}
