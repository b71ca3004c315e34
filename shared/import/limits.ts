/** Largest upload accepted, in UTF-16 code units (what `string.length` counts). Its own
 * module so the client can check a paste against it without loading the importer. */
export const IMPORT_MAX_CHARS = 2_000_000;
