/**
 * Writes server/auth/password-list/common-passwords.txt: the 10,000 most common passwords, one a
 * line, most common first, taken from the ranked list that `@zxcvbn-ts/language-common`
 * ships (MIT; see server/auth/password-list/README.md). Run once, by hand, and commit the result:
 *
 *   node --import tsx tools/passwords/build-common-list.ts
 *
 * It asks the npm registry for that one package at the pinned version (`npm pack`); the
 * server never does: it reads the committed file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@zxcvbn-ts/language-common@4.1.3';
const COUNT = 10_000;
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/auth/password-list/common-passwords.txt');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'common-passwords-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  execFileSync('tar', ['xzf', path.join(dir, tarball), '-C', dir]);
  const ranked = JSON.parse(fs.readFileSync(path.join(dir, 'package/src/passwords.json'), 'utf8')) as unknown;
  if (!Array.isArray(ranked) || !ranked.every((p) => typeof p === 'string')) throw new Error('passwords.json is not a list of strings');
  const top = ranked.slice(0, COUNT) as string[];
  if (top.length !== COUNT || new Set(top).size !== COUNT) throw new Error(`expected ${COUNT} distinct passwords`);
  if (top.some((p) => /[\r\n]/.test(p) || p !== p.toLowerCase())) throw new Error('expected lower-case, one-line entries');
  fs.writeFileSync(OUT, `${top.join('\n')}\n`);
  process.stdout.write(`wrote ${top.length} passwords from ${PACKAGE} to ${path.relative(process.cwd(), OUT)}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
