import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../server/persistence/sqlite-migrations.js';
import { tempDir } from '../helpers/server.js';

const newest = MIGRATIONS.at(-1)!.version;
const open = (file: string) => new Database(file);

describe('versioned migrations of the embedded store', () => {
  it('brings a new file to the newest version, and running again changes nothing', () => {
    const db = open(path.join(tempDir(), 'a.sqlite'));
    expect(migrate(db)).toBe(newest);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(migrate(db)).toBe(newest);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual(tables);
    db.close();
  });

  it('upgrades the data file of the version before migrations, keeping its rows', () => {
    const dir = tempDir();
    fs.copyFileSync('tests/fixtures/datadir-v0/claimboard.sqlite', path.join(dir, 'c.sqlite'));
    const db = open(path.join(dir, 'c.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    const users = db.prepare('SELECT id, name FROM users ORDER BY name').all();
    expect(users).toHaveLength(2);
    expect(migrate(db)).toBe(newest);
    expect(db.prepare('SELECT id, name FROM users ORDER BY name').all()).toEqual(users);
    db.close();
  });

  it('[AC9] migration 2 turns every stored token into a legacy credential with the same hash, and drops tokens', () => {
    const dir = tempDir();
    fs.copyFileSync('tests/fixtures/datadir-v0/claimboard.sqlite', path.join(dir, 'c.sqlite'));
    const db = open(path.join(dir, 'c.sqlite'));
    const tokens = db.prepare('SELECT hash, user_id, created_at, expires_at, revoked_at FROM tokens ORDER BY hash').all();
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    migrate(db);
    const creds = db.prepare("SELECT hash, user_id, created_at, expires_at, revoked_at FROM credentials WHERE kind = 'legacy' ORDER BY hash").all();
    expect(creds).toEqual(tokens);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'tokens'").get()).toBeUndefined();
    const users = db.prepare('SELECT email, password_hash, email_verified, claimed_at FROM users').all();
    expect(users.every((u) => JSON.stringify(u) === JSON.stringify({ email: null, password_hash: null, email_verified: 0, claimed_at: null }))).toBe(true);
    // One account per e-mail.
    db.prepare("UPDATE users SET email = 'a@example.test' WHERE rowid = (SELECT MIN(rowid) FROM users)").run();
    expect(() => db.prepare("UPDATE users SET email = 'a@example.test' WHERE rowid = (SELECT MAX(rowid) FROM users)").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('adds the columns a pre-checksum file lacks', () => {
    const db = open(path.join(tempDir(), 'old.sqlite'));
    db.exec('CREATE TABLE updates (doc_key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_key, seq)) WITHOUT ROWID');
    db.exec('CREATE TABLE boards (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL)');
    migrate(db);
    const cols = (t: string) => (db.pragma(`table_info(${t})`) as Array<{ name: string }>).map((c) => c.name);
    expect(cols('updates')).toContain('crc');
    expect(cols('boards')).toContain('archived_at');
    db.close();
  });

  it('refuses a file written by a newer Claimboard', () => {
    const db = open(path.join(tempDir(), 'new.sqlite'));
    db.pragma(`user_version = ${newest + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this Claimboard knows/);
    db.close();
  });

  it('rolls a failing migration back whole, leaving the version where it was', () => {
    const db = open(path.join(tempDir(), 'fail.sqlite'));
    migrate(db);
    const broken = [...MIGRATIONS, { version: newest + 1, name: 'broken', up: (d: Database.Database) => { d.exec('CREATE TABLE half (x)'); throw new Error('boom'); } }];
    expect(() => migrate(db, broken)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(newest);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });
});
