/**
 * Which committed rows of one document this process's copy holds [K4]. With one process
 * every row is its own and arrives in order; in cluster mode other processes commit rows in
 * between, and they arrive later (published on Redis, or read back from PostgreSQL by the
 * catch-up). `watermark` is the highest seq up to which every row is applied; rows applied
 * beyond it (this process's own commits, a peer row that came early) wait in `ahead` until
 * the gap closes.
 */
export class DocSequence {
  #watermark: number;
  readonly #ahead = new Set<number>();

  constructor(loadedUpTo: number) {
    this.#watermark = loadedUpTo;
  }

  get watermark(): number {
    return this.#watermark;
  }

  /** The highest seq applied, watermark or beyond (what compaction may cover is the watermark). */
  get highest(): number {
    let h = this.#watermark;
    for (const s of this.#ahead) if (s > h) h = s;
    return h;
  }

  /** True when the row is already in the copy (a duplicate to drop). */
  has(seq: number): boolean {
    return seq <= this.#watermark || this.#ahead.has(seq);
  }

  /** True when rows are missing below the highest one applied. */
  get hasGap(): boolean {
    return this.#ahead.size > 0;
  }

  /** Records an applied row and advances the watermark over every row now contiguous. */
  mark(seq: number): void {
    if (seq <= this.#watermark) return;
    if (seq !== this.#watermark + 1) {
      this.#ahead.add(seq);
      return;
    }
    this.#watermark = seq;
    while (this.#ahead.delete(this.#watermark + 1)) this.#watermark++;
  }

  /**
   * After reading every row above the watermark from the store: a compaction elsewhere may
   * have merged a range into one row at its end, so the rows read are all there is up to
   * `upTo`; everything at or below it is applied.
   */
  caughtUp(upTo: number): void {
    if (upTo <= this.#watermark) return;
    this.#watermark = upTo;
    for (const s of [...this.#ahead]) if (s <= upTo) this.#ahead.delete(s);
    while (this.#ahead.delete(this.#watermark + 1)) this.#watermark++;
  }
}
