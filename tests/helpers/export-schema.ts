/** The export JSON Schema compiled once with ajv (draft 2020-12) and ajv-formats. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const schemaPath = fileURLToPath(new URL('../../shared/export/claimboard-export-v1.schema.json', import.meta.url));
export const exportSchema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;

// ajv-formats is CommonJS: its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
export const validateExport = ajv.compile(exportSchema);

export function exportErrors(): string {
  return ajv.errorsText(validateExport.errors, { separator: '\n' });
}
