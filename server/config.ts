/** Configuration, parsed once from the environment (README "Configuration"). */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PASSWORD_HASH_COST, MAX_PASSWORD_HASH_COST, MIN_PASSWORD_HASH_COST } from './auth/passwords.js';

const intFrom = (def: number) => z.coerce.number().int().nonnegative().default(def);

const EnvSchema = z.object({
  PORT: intFrom(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** Comma-separated origins allowed to open websockets besides the server's own. */
  ALLOWED_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().optional(),
  /** Cluster mode: the bound on one PostgreSQL query (client side and statement_timeout) [K7]. */
  PG_QUERY_TIMEOUT_MS: intFrom(2_000),
  PG_CONNECT_TIMEOUT_MS: intFrom(2_000),
  PG_POOL_SIZE: intFrom(4),
  /** Proxies whose X-Forwarded-For is believed (addresses, subnets, loopback/uniquelocal), comma-separated [K9]. */
  TRUST_PROXY: z.string().default(''),
  REDIS_URL: z.string().optional(),
  MAX_UPDATE_BYTES: intFrom(1024 * 1024),
  VALIDATE_TIMEOUT_MS: intFrom(2000),
  IDLE_EVICT_MS: intFrom(30_000),
  COMPACT_EVERY: intFrom(500),
  /** Under load, committed updates go out at most once per this many ms (0: every turn). */
  FANOUT_INTERVAL_MS: intFrom(10),
  MAX_AWARENESS_BYTES: intFrom(16 * 1024),
  MAX_BODY_BYTES: intFrom(4 * 1024 * 1024),
  /** Deadline for importing one article and suggesting its claims (in a worker). */
  IMPORT_TIMEOUT_MS: intFrom(15_000),
  /** On shutdown, requests still running get this long before their sockets are destroyed. */
  SHUTDOWN_GRACE_MS: intFrom(5000),
  /** Frames one connection may send per second (sustained, and in a burst). */
  RATE_FRAMES_PER_SEC: intFrom(300),
  RATE_FRAMES_BURST: intFrom(600),
  /** Websocket connection attempts per IP address per second (sustained, and in a burst). */
  CONNECTIONS_PER_IP_PER_SEC: intFrom(5),
  CONNECTIONS_PER_IP_BURST: intFrom(120),
  /** A user whose connection was closed for flooding may not connect again for this long. */
  FLOOD_COOLDOWN_MS: intFrom(10_000),
  /** REST requests per IP address per second (sustained, and in a burst). */
  REST_PER_IP_PER_SEC: intFrom(20),
  REST_PER_IP_BURST: intFrom(300),
  /** Realtime caps (README "Configuration"; PROTOCOL T11–T15, W5–W7). */
  CONNECT_TIMEOUT_MS: intFrom(10_000),
  MAX_PREAUTH_BYTES: intFrom(16 * 1024),
  MAX_AWARENESS_CLIENTS_PER_CONN: intFrom(4),
  AWARENESS_BYTES_PER_SEC: intFrom(32 * 1024),
  AWARENESS_BYTES_BURST: intFrom(128 * 1024),
  MAX_DOCS_PER_CONNECTION: intFrom(1024),
  DOC_OPENS_PER_SEC: intFrom(256),
  DOC_OPENS_BURST: intFrom(1024),
  UPDATE_BYTES_PER_SEC: intFrom(256 * 1024),
  UPDATE_BYTES_BURST: intFrom(1024 * 1024 + 1024),
  /** Lifetime of a token from POST /api/users or POST /api/me/tokens. */
  TOKEN_TTL_HOURS: intFrom(24 * 90),
  /** Base URL people reach this server at; links in exports use it. */
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http(s) URL' }).optional()),
  /** Lifetime of a browser session (the `cb_session` cookie). */
  SESSION_TTL_HOURS: intFrom(24 * 14),
  /** log2 of scrypt's N for new password hashes; lower only for test suites (server/auth/passwords.ts). */
  PASSWORD_HASH_COST: z.coerce.number().int().min(MIN_PASSWORD_HASH_COST).max(MAX_PASSWORD_HASH_COST).default(DEFAULT_PASSWORD_HASH_COST),
  /** Who may create an account: anyone, holders of a live invite, or nobody (operators add people). */
  SIGNUP: z.enum(['open', 'invite', 'closed']).default('open'),
  /**
   * The organisation named as author of ClaimReview exports, unless a board sets its own.
   * Unset (and no board setting): ClaimReview leaves every claim out ("no-publisher").
   */
  PUBLISHER_NAME: z.string().trim().max(200).optional(),
  PUBLISHER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
  /** Single sign-on (OpenID Connect): the issuer, and this server's client at it. */
  OIDC_ISSUER: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: z.string().trim().max(512).optional(),
  OIDC_CLIENT_SECRET: z.string().max(2048).optional(),
  /** Comma-separated e-mail domains allowed to sign in with SSO (empty: any). */
  OIDC_ALLOWED_DOMAINS: z.string().default(''),
  OIDC_LABEL: z.string().trim().min(1).max(80).default('Sign in with SSO'),
  /** Deadline of each request to the identity provider (discovery, token, user info, keys). */
  OIDC_TIMEOUT_MS: intFrom(5000),
  /** After a failed discovery, the next try comes this long later (doubling up to 10 minutes). */
  OIDC_RETRY_MS: intFrom(15_000),
  /** `smtp://` or `smtps://` (user and password in the URL if the relay wants them); unset: no e-mail. */
  SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' }).optional()),
  /** The From of every e-mail: one line, `Name <address>` or a bare address. */
  MAIL_FROM: z
    .string()
    .trim()
    .max(320)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'MAIL_FROM must be one line')
    .regex(/^(?:[^<>@]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'expected "Name <address>" or an address')
    .default('Claimboard <no-reply@localhost>'),
});

export interface Config {
  port: number;
  /** Cluster mode's PostgreSQL pool (README "Running several processes"). */
  pg: { queryTimeoutMs: number; connectTimeoutMs: number; poolSize: number };
  trustProxy: string[];
  host: string;
  dataDir: string;
  allowedOrigins: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  databaseUrl?: string;
  redisUrl?: string;
  /** Largest update (or sync step 2) accepted on any transport. */
  maxUpdateBytes: number;
  /** Deadline for decoding one batch of untrusted updates in the validator worker. */
  validateTimeoutMs: number;
  /** A document with no connection for this long is flushed and dropped from memory. */
  idleEvictMs: number;
  /** Stored updates of one document past which its log is compacted into one. */
  compactEvery: number;
  /**
   * Fan-out coalescing window for 80 recipients: after a flush to R connections, an update
   * committed within this × R / 80 ms (at most 2 × this) waits for the window's end, so
   * under load each recipient gets at most one frame per window carrying everything
   * committed in it; an update after a quiet spell goes at once (Hub, FANOUT_STRETCH_FROM).
   */
  fanoutIntervalMs: number;
  maxAwarenessBytes: number;
  /** Largest REST body, accepted on board creation only (other routes take far less). */
  maxBodyBytes: number;
  /** Past this, the import worker is terminated and the board creation answered 422. */
  importTimeoutMs: number;
  /** Shutdown waits this long for running requests, then destroys the remaining sockets. */
  shutdownGraceMs: number;
  publicUrl: string;
  publisher: { name: string; url?: string } | null;
  limits: {
    framesPerSec: number;
    framesBurst: number;
    connectionsPerIpPerSec: number;
    connectionsPerIpBurst: number;
    floodCooldownMs: number;
    restPerIpPerSec: number;
    restPerIpBurst: number;
  };
  tokenTtlMs: number;
  sessionTtlMs: number;
  /** log2 N of scrypt for new password hashes. */
  passwordHashCost: number;
  signup: 'open' | 'invite' | 'closed';
  realtime: RealtimeLimits;
  /** Outgoing e-mail (README "E-mail"); without `smtpUrl` nothing is sent. Never logged: it may hold a password. */
  mail: { smtpUrl?: string; from: string };
  /** Single sign-on; null when OIDC_ISSUER is unset. */
  oidc: OidcSettings | null;
}

/** OpenID Connect settings (README "Single sign-on"). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lower-cased e-mail domains allowed to sign in; empty: any. */
  allowedDomains: string[];
  label: string;
  timeoutMs: number;
  retryMs: number;
}

/** Loopback hosts: the only ones an issuer may be reached at over plain HTTP. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function oidcSettings(e: z.infer<typeof EnvSchema>): OidcSettings | null {
  if (!e.OIDC_ISSUER) return null;
  if (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) {
    throw new Error('OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too');
  }
  const issuer = new URL(e.OIDC_ISSUER);
  // Tokens and the provider's keys must not travel in the clear; a provider on this machine
  // (a test, a local Keycloak) is the exception.
  if (issuer.protocol === 'http:' && !LOOPBACK.has(issuer.hostname)) {
    throw new Error('OIDC_ISSUER must be https (plain http only for localhost)');
  }
  const domains = e.OIDC_ALLOWED_DOMAINS.split(',').map((s) => s.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  return {
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    allowedDomains: domains,
    label: e.OIDC_LABEL,
    timeoutMs: Math.max(1, e.OIDC_TIMEOUT_MS),
    retryMs: Math.max(1, e.OIDC_RETRY_MS),
  };
}

/** Per-connection caps of the realtime transports (both unless said otherwise). */
export interface RealtimeLimits {
  /** A Socket.IO connection that has not authenticated within this is closed. */
  connectTimeoutMs: number;
  /** Bytes a Socket.IO connection may send before it has authenticated. */
  maxPreauthBytes: number;
  /** Distinct awareness client ids one connection may introduce. */
  maxAwarenessClientsPerConn: number;
  /** Awareness bytes one connection may send per second (sustained, and in a burst). */
  awarenessBytesPerSec: number;
  awarenessBytesBurst: number;
  /** Documents one connection may be subscribed to at once. */
  maxDocsPerConnection: number;
  /** Document opens (sync:open entries and step 1s) per connection per second, and burst. */
  docOpensPerSec: number;
  docOpensBurst: number;
  /**
   * Update bytes one user may write per second over all their connections (sustained, and
   * in a burst): what they cost is validation, applying on the main thread and fan-out.
   */
  updateBytesPerSec: number;
  updateBytesBurst: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = EnvSchema.parse(env);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL || undefined,
    trustProxy: e.TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean),
    pg: { queryTimeoutMs: e.PG_QUERY_TIMEOUT_MS, connectTimeoutMs: e.PG_CONNECT_TIMEOUT_MS, poolSize: e.PG_POOL_SIZE },
    redisUrl: e.REDIS_URL || undefined,
    maxUpdateBytes: e.MAX_UPDATE_BYTES,
    validateTimeoutMs: e.VALIDATE_TIMEOUT_MS,
    idleEvictMs: e.IDLE_EVICT_MS,
    compactEvery: e.COMPACT_EVERY,
    fanoutIntervalMs: e.FANOUT_INTERVAL_MS,
    maxAwarenessBytes: e.MAX_AWARENESS_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    importTimeoutMs: e.IMPORT_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publisher: e.PUBLISHER_NAME ? { name: e.PUBLISHER_NAME, ...(e.PUBLISHER_URL ? { url: e.PUBLISHER_URL } : {}) } : null,
    limits: {
      framesPerSec: e.RATE_FRAMES_PER_SEC,
      framesBurst: e.RATE_FRAMES_BURST,
      connectionsPerIpPerSec: e.CONNECTIONS_PER_IP_PER_SEC,
      connectionsPerIpBurst: e.CONNECTIONS_PER_IP_BURST,
      floodCooldownMs: e.FLOOD_COOLDOWN_MS,
      restPerIpPerSec: e.REST_PER_IP_PER_SEC,
      restPerIpBurst: e.REST_PER_IP_BURST,
    },
    tokenTtlMs: e.TOKEN_TTL_HOURS * 3_600_000,
    mail: { ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}), from: e.MAIL_FROM },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    passwordHashCost: e.PASSWORD_HASH_COST,
    signup: e.SIGNUP,
    realtime: {
      connectTimeoutMs: e.CONNECT_TIMEOUT_MS,
      maxPreauthBytes: e.MAX_PREAUTH_BYTES,
      maxAwarenessClientsPerConn: e.MAX_AWARENESS_CLIENTS_PER_CONN,
      awarenessBytesPerSec: e.AWARENESS_BYTES_PER_SEC,
      awarenessBytesBurst: e.AWARENESS_BYTES_BURST,
      maxDocsPerConnection: e.MAX_DOCS_PER_CONNECTION,
      docOpensPerSec: e.DOC_OPENS_PER_SEC,
      docOpensBurst: e.DOC_OPENS_BURST,
      updateBytesPerSec: e.UPDATE_BYTES_PER_SEC,
      updateBytesBurst: e.UPDATE_BYTES_BURST,
    },
    oidc: oidcSettings(e),
  };
}
