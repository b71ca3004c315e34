/**
 * Gives a test account an e-mail, written straight into the server's SQLite file (lower-cased,
 * as accounts keep it), for the suites about invites addressed to an e-mail [M2]. The server
 * reads a user's e-mail from the store on every check, so this takes effect at once.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { TestServer } from './server.js';

export function setEmail(server: Pick<TestServer, 'dataDir'>, userId: string, email: string): string {
  const db = new Database(path.join(server.dataDir, 'claimboard.sqlite'));
  try {
    db.prepare('UPDATE users SET email = ? WHERE id = ?').run(email.toLowerCase(), userId);
  } finally {
    db.close();
  }
  return email.toLowerCase();
}
