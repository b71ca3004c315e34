/**
 * PublicationState: the editors' side of a board — the editor's verdict per claim, the
 * claim's speaker, the source article and the publication settings — plus the ClaimReview
 * preview. Reads come from the board's reactive snapshot (BoardState), writes go through
 * the model's mutators on the board doc with the LOCAL origin, like every other edit, so
 * they sync, persist offline and show up in every window.
 *
 * Failures are values: methods return an error message or null; `error` holds the last one.
 */
import {
  clearEditorVerdict,
  setBoardSource,
  setClaimSpeaker,
  setEditorVerdict,
  setPublication,
  type BoardSource,
  type EditorRating,
  type ModelResult,
  type Publication,
} from '../../../../shared/model/index.js';
import { fetchExport } from '../api.js';
import { LOCAL, type BoardState } from './board-state.svelte.js';

export interface VerdictDraft {
  rating: EditorRating;
  summary: string;
  explanation: string;
  url: string;
}

export interface PreviewItem {
  claimId: string;
  url: string;
  jsonLd: Record<string, unknown>;
  /** Google's required fields that are missing or empty (none when the item is valid). */
  missing: string[];
  /** Recommendations not met (claimReviewed over 75 characters, no appearance …). */
  warnings: string[];
}

export interface Preview {
  items: PreviewItem[];
  excluded: { claimId: string; reason: string; detail: string }[];
  organisation: string | null;
}

/** Google's required ClaimReview fields, checked on what the server would publish. */
const REQUIRED = ['url', 'claimReviewed', 'reviewRating', 'author', 'itemReviewed'] as const;
const CLAIM_REVIEWED_RECOMMENDED_MAX = 75;

export function checkItem(jsonLd: Record<string, unknown>): { missing: string[]; warnings: string[] } {
  const missing: string[] = REQUIRED.filter((k) => jsonLd[k] === undefined || jsonLd[k] === '');
  const rating = jsonLd.reviewRating as Record<string, unknown> | undefined;
  if (rating && typeof rating.alternateName !== 'string') missing.push('reviewRating.alternateName');
  const author = jsonLd.author as Record<string, unknown> | undefined;
  if (author && typeof author.name !== 'string') missing.push('author.name');
  const warnings: string[] = [];
  const reviewed = jsonLd.claimReviewed;
  if (typeof reviewed === 'string' && reviewed.length >= CLAIM_REVIEWED_RECOMMENDED_MAX) {
    warnings.push(`claimReviewed has ${reviewed.length} characters; Google recommends under 75: write a summary`);
  }
  const item = jsonLd.itemReviewed as Record<string, unknown> | undefined;
  if (item && item.appearance === undefined) warnings.push('no source article URL: itemReviewed has no appearance');
  return { missing, warnings };
}

export class PublicationState {
  #board: BoardState;
  #error = $state<string | null>(null);
  #preview = $state.raw<Preview | null>(null);
  #previewBusy = $state(false);

  constructor(board: BoardState) {
    this.#board = board;
  }

  get error(): string | null {
    return this.#error;
  }
  get canEdit(): boolean {
    return this.#board.canEdit;
  }
  get source(): BoardSource {
    return this.#board.board.meta.source;
  }
  get publication(): Publication {
    return this.#board.board.meta.publication ?? {};
  }
  get preview(): Preview | null {
    return this.#preview;
  }
  get previewBusy(): boolean {
    return this.#previewBusy;
  }

  setVerdict(claimId: string, draft: VerdictDraft): string | null {
    const summary = draft.summary.trim();
    const url = draft.url.trim();
    return this.#report(
      setEditorVerdict(
        this.#board.boardDoc,
        claimId,
        {
          rating: draft.rating,
          explanation: draft.explanation,
          ...(summary !== '' ? { summary } : {}),
          ...(url !== '' ? { url } : {}),
          by: this.#board.user.id,
          at: Date.now(),
        },
        LOCAL,
      ),
    );
  }

  clearVerdict(claimId: string): string | null {
    return this.#report(clearEditorVerdict(this.#board.boardDoc, claimId, LOCAL));
  }

  setSpeaker(claimId: string, speaker: string): string | null {
    return this.#report(setClaimSpeaker(this.#board.boardDoc, claimId, speaker, LOCAL));
  }

  setSource(source: BoardSource): string | null {
    return this.#report(setBoardSource(this.#board.boardDoc, source, LOCAL));
  }

  /** Empty strings clear a setting. */
  setPublication(input: { organisationName: string; organisationUrl: string; baseUrl: string }): string | null {
    const name = input.organisationName.trim();
    const orgUrl = input.organisationUrl.trim();
    const baseUrl = input.baseUrl.trim();
    return this.#report(
      setPublication(
        this.#board.boardDoc,
        {
          ...(name !== '' ? { organisation: { name, ...(orgUrl !== '' ? { url: orgUrl } : {}) } } : {}),
          ...(baseUrl !== '' ? { baseUrl } : {}),
        },
        LOCAL,
      ),
    );
  }

  /**
   * What the server would publish now: its ClaimReview export with Google's required
   * fields checked per item, and the claims it leaves out (from the JSON export).
   */
  async loadPreview(): Promise<void> {
    this.#previewBusy = true;
    try {
      const [reviewsBlob, jsonBlob] = await Promise.all([
        fetchExport(this.#board.boardId, 'claimreview'),
        fetchExport(this.#board.boardId, 'json'),
      ]);
      const reviews = JSON.parse(await reviewsBlob.text()) as Record<string, unknown>[];
      const json = JSON.parse(await jsonBlob.text()) as {
        publication: {
          organisation: { name: string } | null;
          claimReview: { included: { claimId: string; url: string }[]; excluded: Preview['excluded'] };
        };
      };
      const included = json.publication.claimReview.included;
      this.#preview = {
        items: reviews.map((jsonLd, i) => ({ claimId: included[i]?.claimId ?? '?', url: String(jsonLd.url ?? ''), jsonLd, ...checkItem(jsonLd) })),
        excluded: json.publication.claimReview.excluded,
        organisation: json.publication.organisation?.name ?? null,
      };
      this.#error = null;
    } catch (e) {
      this.#error = e instanceof Error ? e.message : String(e);
    } finally {
      this.#previewBusy = false;
    }
  }

  #report(r: ModelResult<unknown>): string | null {
    this.#error = r.ok ? null : r.error.message;
    return this.#error;
  }
}
