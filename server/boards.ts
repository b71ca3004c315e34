/**
 * Boards: creation (record, owner membership, then the board document filled from the
 * imported article with its suggested claims), exports and the live-review summary (a
 * snapshot of the board's documents taken in one tick, then the pure builders of
 * shared/export). Snapshots read the board, live and reviewer documents, never a sealed one.
 */
import type * as Y from 'yjs';
import { boardDocKey, liveDocKey, parseDocKey, reviewerDocKey } from '../shared/protocol/doc-keys.js';
import { AppError, ErrorCode } from '../shared/protocol/errors.js';
import type { CreateBoardBody, ExplainSuggestionBody, SuggestionExplanation } from '../shared/protocol/schemas.js';
import { boardTypes, initBoardDoc, readMeta } from '../shared/model/index.js';
import {
  buildClaimReview,
  buildCsv,
  buildJsonExport,
  buildLiveSummary,
  snapshotFromDocs,
  type CsvTable,
  type ExportInput,
  type ExportMember,
  type LiveSummary,
} from '../shared/export/index.js';
import { newId } from './auth/tokens.js';
import type { Auth } from './auth/index.js';
import type { DocRegistry } from './docs/registry.js';
import type { Store, UserRecord } from './persistence/store.js';
import type { ImportRunner } from './import/import-runner.js';

export const EXPORT_FORMATS = ['json', 'claimreview', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  pseudonymise?: boolean;
  /** CSV only: which table (default `claims`). */
  table?: CsvTable;
}

export interface ExportResult {
  body: string;
  contentType: string;
  filename: string;
}

export interface BoardServiceOptions {
  /** Public base URL of this server, for links inside exports (ClaimReview `url`). */
  publicUrl: string;
  /** The default ClaimReview author; a board's own publication settings win. */
  publisher: { name: string; url?: string } | null;
  /** Parses the article and suggests its claims off the main thread, under a deadline. */
  importer: ImportRunner;
}

export class BoardService {
  #exportHolders = 0;

  constructor(
    private readonly store: Store,
    private readonly registry: DocRegistry,
    private readonly auth: Auth,
    private readonly now: () => number,
    private readonly options: BoardServiceOptions,
  ) {}

  async create(user: UserRecord, body: CreateBoardBody): Promise<string> {
    const imported = await this.options.importer.run(body.text, body.format);
    if (!imported.ok) throw new AppError(imported.error.code, imported.error.message);
    const { article, claims } = imported;
    const boardId = `b_${newId()}`;
    const createdAt = this.now();
    await this.store.createBoard({ id: boardId, title: body.title, createdBy: user.id, createdAt });
    this.auth.members.changed(boardId, user.id, 'owner');
    let failure: AppError | null = null;
    await this.registry.transact(
      boardDocKey(boardId),
      (doc) => {
        const r = initBoardDoc(
          doc,
          {
            title: body.title,
            source: body.source,
            format: body.format,
            article: article.text,
            claims: claims.map((c) => ({ text: c.text, start: c.start, end: c.end, score: c.score, reasons: c.reasons })),
            createdBy: user.id,
            createdAt,
          },
          null,
        );
        if (!r.ok) failure = new AppError(ErrorCode.BadRequest, r.error.message);
      },
      'board:create',
    );
    if (failure) throw failure;
    return boardId;
  }

  /** Builds an export from the board's documents as they are now. */
  async export(boardId: string, opts: ExportOptions): Promise<ExportResult> {
    return this.#withSnapshot(boardId, (input) => {
      const analysis = { pseudonymise: opts.pseudonymise ?? false, publisher: this.options.publisher };
      switch (opts.format) {
        case 'json':
          return { body: buildJsonExport(input, analysis), contentType: 'application/json', filename: `${boardId}.json` };
        case 'claimreview':
          return {
            body: buildClaimReview(input, analysis),
            contentType: 'application/ld+json',
            filename: `${boardId}.claimreview.jsonld`,
          };
        case 'csv': {
          const table = opts.table ?? 'claims';
          const name = table === 'claims' ? boardId : `${boardId}.${table}`;
          return { body: buildCsv(input, { ...analysis, table }), contentType: 'text/csv; charset=utf-8', filename: `${name}.csv` };
        }
        default:
          throw new AppError(ErrorCode.BadRequest, `unknown export format ${String(opts.format)}`);
      }
    });
  }

  /**
   * The end-of-review summary of the board's live review as it is now (`now` counts the
   * running focus stretch); `summary` is null when the board never had a live review.
   */
  async liveSummary(boardId: string): Promise<{ summary: LiveSummary | null; now: number }> {
    return this.#withSnapshot(boardId, (input) => {
      const now = this.now();
      return { summary: buildLiveSummary(input, { now }), now };
    });
  }

  /**
   * Why the sentence of the board's article at [start, end) was or was not suggested, at the
   * board's own suggestion threshold [SUG-EXPLAIN]. The article as it is now (edits since the
   * import included); the analysis runs in the import worker under its deadline (422
   * IMPORT_FAILED past it). Offsets past the article, or a span with no sentence in it
   * (only blank lines), are a 400.
   */
  async explainSuggestion(boardId: string, span: ExplainSuggestionBody): Promise<SuggestionExplanation> {
    const { text, threshold } = await this.registry.read(boardDocKey(boardId), (doc) => ({
      text: boardTypes(doc).article.toString(),
      threshold: readMeta(doc).settings.suggestionThreshold,
    }));
    if (span.end > text.length) {
      throw new AppError(ErrorCode.BadRequest, `end: the article has ${text.length} characters; ${span.end} is past its end`);
    }
    const r = await this.options.importer.explain(text, span.start, span.end, threshold);
    if (!r.ok) throw new AppError(r.error.code, r.error.message);
    if (!r.explanation) throw new AppError(ErrorCode.BadRequest, 'no sentence of the article lies in this span; select some of its text');
    return { ...r.explanation, threshold };
  }

  /**
   * Runs `fn` on a snapshot of the board's documents: the board, live and every member's
   * and former member's reviewer doc, empty or not (so an export names every reviewer, with
   * or without votes; the board's list [D3] has only reviewer docs with content), former
   * members marked, with the board's choice whether their votes count [M4]. A sealed
   * document is never acquired, so it never enters a snapshot.
   */
  async #withSnapshot<T>(boardId: string, fn: (input: ExportInput) => T): Promise<T> {
    const [members, formers, countFormerMembers] = await Promise.all([
      this.store.listMembers(boardId),
      this.store.membership.listFormerMembers(boardId),
      this.store.membership.countsFormerMembers(boardId),
    ]);
    const people: ExportMember[] = [
      ...members.map(({ userId, name, role }) => ({ userId, name, role })),
      ...formers.map(({ userId, name, departure }) => ({ userId, name, role: departure.role, former: true })),
    ];
    const docKeys = [boardDocKey(boardId), liveDocKey(boardId), ...people.map((m) => reviewerDocKey(boardId, m.userId))];
    const holder = `export:${++this.#exportHolders}`;
    const docs = await Promise.all(docKeys.map((k) => this.registry.acquire(k, holder)));
    try {
      // Everything below runs in one tick: the snapshot is one consistent state.
      let boardDoc: Y.Doc | undefined;
      let liveDoc: Y.Doc | null = null;
      const reviewers = new Map<string, Y.Doc>();
      for (let i = 0; i < docKeys.length; i++) {
        const p = parseDocKey(docKeys[i]!);
        if (p?.kind === 'board') boardDoc = docs[i];
        else if (p?.kind === 'live') liveDoc = docs[i]!;
        else if (p?.kind === 'reviewer') reviewers.set(p.userId, docs[i]!);
      }
      if (!boardDoc) throw new AppError(ErrorCode.NotFound, 'no such board');
      return fn({ ...snapshotFromDocs(boardId, boardDoc, reviewers, people, liveDoc), countFormerMembers });
    } finally {
      for (const k of docKeys) this.registry.release(k, holder);
    }
  }
}
