import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets never reach a log line [AC5]: request URLs are logged without
 * their query (so `?token=` never is), and these fields are redacted wherever a log call
 * carries them — bearer and session headers, cookies set, tokens, passwords.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
];

/** `destination` (default stdout) lets tests read what is logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const opts = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(opts, destination) : pino(opts);
}
