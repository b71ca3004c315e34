/** Configuration, parsed once from the environment (README "Configuration"). */
import path from 'node:path';
import { z } from 'zod';

const intFrom = (def: number) => z.coerce.number().int().nonnegative().default(def);

const EnvSchema = z.object({
  PORT: intFrom(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** Comma-separated origins allowed to open websockets besides the server's own. */
  ALLOWED_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().optional(),
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
  /**
   * The organisation named as author of ClaimReview exports, unless a board sets its own.
   * Unset (and no board setting): ClaimReview leaves every claim out ("no-publisher").
   */
  PUBLISHER_NAME: z.string().trim().max(200).optional(),
  PUBLISHER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
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
  realtime: RealtimeLimits;
  /** Outgoing e-mail (README "E-mail"); without `smtpUrl` nothing is sent. Never logged: it may hold a password. */
  mail: { smtpUrl?: string; from: string };
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
  };
}
