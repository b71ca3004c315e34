/**
 * Expected failures of the model are values, not exceptions (STYLE: errors in three tiers).
 * The codes are a subset of the protocol's error codes so a transport can pass them on.
 */
import type { z } from 'zod';

export type ModelErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT';

export interface ModelError {
  code: ModelErrorCode;
  message: string;
}

export type ModelResult<T> = { ok: true; value: T } | { ok: false; error: ModelError };

export const success = <T>(value: T): ModelResult<T> => ({ ok: true, value });

export const failure = (code: ModelErrorCode, message: string): { ok: false; error: ModelError } => ({
  ok: false,
  error: { code, message },
});

/** A zod error as one readable line: "path: message; path: message". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}

/** Parses with a schema and turns a failure into a BAD_REQUEST result. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): ModelResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success
    ? success(parsed.data)
    : failure('BAD_REQUEST', `invalid ${what}: ${describeZodError(parsed.error)}`);
}
