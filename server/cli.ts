/**
 * The command line, against the embedded store under DATA_DIR (stop the server first, or
 * run it beside a server that is not writing the same board):
 *
 *   claimboard export <boardId> [--format json|claimreview|csv] [--table claims|votes|notes|all] [--pseudonymise] [--out FILE]
 *   claimboard import <file> [--title TITLE] [--format text|markdown|html] [--owner-token TOKEN]
 *   claimboard users reset-link <email>
 *
 * `export` writes the same bytes as GET /api/boards/:id/export for the same state.
 * `import` creates a board from a file (format from the extension unless given); without
 * --owner-token it creates a new owner and prints that user's token (a name-only user, who
 * can claim the account with an e-mail and password). `users reset-link` prints a password
 * reset link for the account with that e-mail (1 h, single use), for operators without SMTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CSV_TABLES, type CsvTable } from '../shared/export/csv.js';
import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { EXPORT_FORMATS, type ExportFormat } from './boards.js';
import { hashToken, newId, newToken } from './auth/tokens.js';
import { AppError } from '../shared/protocol/errors.js';
import { EmailSchema } from '../shared/protocol/account-schemas.js';

const USAGE = `usage:
  claimboard export <boardId> [--format json|claimreview|csv] [--table claims|votes|notes|all] [--pseudonymise] [--out FILE]
  claimboard import <file> [--title TITLE] [--format text|markdown|html] [--owner-token TOKEN]
  claimboard users reset-link <email>`;

function formatFromName(file: string): 'text' | 'markdown' | 'html' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.html' || ext === '.htm') return 'html';
  return 'text';
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      table: { type: 'string' },
      out: { type: 'string' },
      title: { type: 'string' },
      'owner-token': { type: 'string' },
      pseudonymise: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, arg, arg2] = positionals;
  if (values.help || !command || !arg || (command === 'users' && !arg2)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = { ...loadConfig(), logLevel: 'warn' as const };
  const app = createApp(config);
  try {
    if (command === 'export') {
      const format = (values.format ?? 'json') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) throw new AppError('BAD_REQUEST', `--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      if (!(await app.store.getBoard(arg))) throw new AppError('NOT_FOUND', `no board ${arg} in ${config.dataDir}`);
      const table = values.table as CsvTable | undefined;
      if (table !== undefined && !CSV_TABLES.includes(table)) throw new AppError('BAD_REQUEST', `--table must be one of ${CSV_TABLES.join(', ')}`);
      const out = await app.boards.export(arg, { format, pseudonymise: values.pseudonymise, ...(table ? { table } : {}) });
      if (values.out) fs.writeFileSync(values.out, out.body);
      else process.stdout.write(out.body);
      return 0;
    }
    if (command === 'import') {
      const text = fs.readFileSync(arg, 'utf8');
      const format = (values.format ?? formatFromName(arg)) as 'text' | 'markdown' | 'html';
      let user = values['owner-token'] ? (await app.auth.authn.authenticate(values['owner-token']))?.user ?? null : null;
      let token: string | undefined;
      if (values['owner-token'] && !user) throw new AppError('UNAUTHORIZED', 'unknown --owner-token');
      if (!user) {
        token = newToken();
        const now = Date.now();
        user = { id: `u_${newId()}`, name: 'Importer', createdAt: now, email: null, avatarColor: null };
        await app.store.accounts.createUser(
          { ...user, passwordHash: null, emailVerified: false, claimedAt: null },
          { id: `c_${newId()}`, hash: hashToken(token), userId: user.id, kind: 'pat', name: 'cli import', createdAt: now, expiresAt: now + config.tokenTtlMs, sharedComputer: false, userAgent: null },
        );
      }
      const title = values.title ?? path.basename(arg, path.extname(arg));
      const boardId = await app.boards.create(user, { title, text, format });
      process.stdout.write(`${JSON.stringify({ boardId, ownerId: user.id, ...(token ? { token } : {}) })}\n`);
      return 0;
    }
    if (command === 'users' && arg === 'reset-link') {
      const parsed = EmailSchema.safeParse(arg2);
      const account = parsed.success ? await app.store.accounts.userByEmail(parsed.data) : null;
      if (!account) throw new AppError('NOT_FOUND', `no account with the e-mail ${String(arg2)} in ${config.dataDir}`);
      process.stdout.write(`${await app.auth.accounts.createResetLink(account.id, 'cli')}\n`);
      return 0;
    }
    process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
    return 2;
  } catch (err) {
    const msg = err instanceof AppError ? `${err.code}: ${err.message}` : String((err as Error).stack ?? err);
    process.stderr.write(`${msg}\n`);
    return 1;
  } finally {
    await app.close();
  }
}
