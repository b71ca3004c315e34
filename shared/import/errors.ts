/** Why an upload cannot become an article. Codes match the protocol's error codes so the
 * REST layer can answer 413 / 400 / 422 directly. */
export type ImportErrorCode = 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST' | 'IMPORT_FAILED';

export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
