import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Tokens never reach a log line: request URLs are logged without query. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['token', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
