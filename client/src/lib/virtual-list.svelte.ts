/**
 * A virtualised list over @tanstack/virtual-core: only the rows in (and near) the view of a
 * scroll container are in the DOM, so a board of thousands of claims or paragraphs renders
 * and updates in the time of a few dozen. Rows may be of any height: each rendered row is
 * measured (`measure`, an attachment) and the estimate replaced by its real size.
 *
 * Use: `const v = new VirtualList(() => ({ count, estimate, key }))`, bind the scroll
 * container with `{@attach v.container}`, give the inner element `height: {v.totalSize}px`
 * and each rendered row `{@attach v.measure}`, `data-index={item.index}` and
 * `transform: translateY({item.start}px)`.
 */
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type ScrollToOptions,
  type VirtualItem,
} from '@tanstack/virtual-core';

export interface VirtualListOptions {
  count: number;
  /** Estimated height of row `index` in px, before it is measured. */
  estimate: (index: number) => number;
  /** A stable key per row, so a measured size follows its row when rows move. A new function
   * makes every row's position be computed again: pass the same one while the rows are the same. */
  key?: (index: number) => string | number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
}

const byIndex = (i: number) => i;

export class VirtualList {
  #options: () => VirtualListOptions;
  #virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  #element: HTMLElement | null = null;
  #items = $state.raw<VirtualItem[]>([]);
  #totalSize = $state(0);

  /** `options` is read in an effect: counts and keys that change re-render the rows. */
  constructor(options: () => VirtualListOptions) {
    this.#options = options;
    this.#virtualizer = new Virtualizer<HTMLElement, HTMLElement>(this.#resolve(options()));
    $effect.pre(() => {
      this.#virtualizer.setOptions(this.#resolve(this.#options()));
      this.#virtualizer._willUpdate();
      this.#read();
    });
    $effect(() => this.#virtualizer._didMount());
  }

  #resolve(o: VirtualListOptions) {
    return {
      count: o.count,
      estimateSize: o.estimate,
      getItemKey: o.key ?? byIndex,
      overscan: o.overscan ?? 6,
      getScrollElement: () => this.#element,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      // Sizes come from the ResizeObserver's entries, after the browser's own layout: reading
      // offsetHeight on each new row would force a layout per row while the page renders.
      measureElement: (el: HTMLElement, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLElement, HTMLElement>) => {
        const box = entry?.borderBoxSize?.[0];
        if (box) return Math.round(box.blockSize);
        const index = instance.indexFromElement(el);
        return instance.measurementsCache[index]?.size ?? o.estimate(index);
      },
      // Before the container is measured: assume a window-sized view, so a short list shows
      // whole on the first render.
      initialRect: { width: 800, height: typeof window === 'undefined' ? 800 : window.innerHeight },
      onChange: () => this.#read(),
    };
  }

  #read(): void {
    this.#items = this.#virtualizer.getVirtualItems();
    this.#totalSize = this.#virtualizer.getTotalSize();
  }

  /** The rows to render now. */
  get items(): VirtualItem[] {
    return this.#items;
  }
  /** Height in px of all rows (measured or estimated): the inner element's height. */
  get totalSize(): number {
    return this.#totalSize;
  }

  /** Attachment for the scroll container. */
  container = (node: HTMLElement): (() => void) => {
    this.#element = node;
    this.#virtualizer._willUpdate();
    this.#read();
    return () => {
      if (this.#element === node) this.#element = null;
    };
  };

  /** Attachment for each rendered row (which carries `data-index`). */
  measure = (node: HTMLElement): void => {
    this.#virtualizer.measureElement(node);
  };

  scrollToIndex(index: number, options: ScrollToOptions = { align: 'auto' }): void {
    this.#virtualizer.scrollToIndex(index, options);
  }
}
