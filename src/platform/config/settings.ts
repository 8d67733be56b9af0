import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/**
 * A number written in decimal digits, then checked by `schema`: `z.coerce.number()` alone would
 * also take `1e3`, `0x10` or `0b1` and read them as numbers nobody wrote.
 */
const decimal = (schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .regex(/^-?[0-9]+(\.[0-9]+)?$/, 'expected a number in decimal digits (not 1e3, 0x10 or 1_000)')
    .transform(Number)
    .pipe(schema);

const limit = (safeDefault: number) => decimal(z.number().int().positive()).default(safeDefault);

/** The longest delay a Node.js timer keeps; past it setTimeout waits 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration the server waits with a timer: at most MAX_TIMER_MS (about 24.8 days). */
const milliseconds = (least: 0 | 1, safeDefault: number) =>
  decimal(
    z
      .number()
      .int()
      .min(least)
      .max(
        MAX_TIMER_MS,
        `at most ${MAX_TIMER_MS} (about 24.8 days), the longest timer Node.js keeps`,
      ),
  ).default(safeDefault);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const settingsSchema = z
  .object({
    PORT: decimal(z.number().int().min(0).max(65535)).default(3000),
    // Checked here, before a store is opened, so that a typo names HOST and leaves DATA_DIR untouched.
    HOST: z
      // Digits and dots alone are an IPv4 address or nothing (256.1.1.1 and 1.2.3 are host names to zod).
      .union([z.ipv4(), z.ipv6(), z.hostname().regex(/[^\d.]/)], {
        error: 'must be an IP address (0.0.0.0, 127.0.0.1, ::) or a host name',
      })
      .default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    EVENTSTORE_URL: optionalText,
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    AUTH_SECRET: optionalText.refine(
      (secret) => secret === undefined || Buffer.byteLength(secret) >= 32,
      'must be at least 32 bytes (e.g. `openssl rand -hex 32`); a shorter HS256 secret can be guessed',
    ),
    // Keys fetched in the clear could be swapped on the way: https, or this machine's own loopback.
    AUTH_JWKS_URL: optionalText.pipe(
      z
        .url()
        .refine((url) => {
          const { protocol, hostname } = new URL(url);
          return protocol === 'https:' || (protocol === 'http:' && LOOPBACK.has(hostname));
        }, 'must be https (http only to localhost, 127.0.0.1 or [::1]): keys fetched in the clear could be swapped on the way')
        .optional(),
    ),
    AUTH_ISSUER: optionalText,
    AUTH_AUDIENCE: optionalText,
    INVITATION_TTL_DAYS: decimal(z.number().positive().max(3650)).default(90),
    // Mailed to customers to click: a javascript: or data: link would run in their browser.
    INVITATION_BASE_URL: z
      .url({
        protocol: /^https?$/,
        error: 'must be an http or https URL (it is mailed to customers)',
      })
      .default('https://admin.microsoft.com/Adminportal/Home#/BillingAccounts/partner-invitation'),
    AUTOPILOT_POLICY: z.enum(['current', 'dap-required']).default('current'),
    GDAP_SCHEDULER_MAX_SLEEP_MS: decimal(z.number().int().positive().max(86_400_000)).default(
      60_000,
    ),
    PROJECTION_THREAD: z.enum(['worker', 'main']).default('worker'),
    PROJECTION_PARALLEL_REPLAY: z.enum(['on', 'off']).default('on'),
    PROJECTION_PARALLEL_REPLAY_MIN_EVENTS: decimal(z.number().int().nonnegative()).default(100_000),
    PROJECTION_BATCH_SIZE: decimal(z.number().int().positive().max(100_000)).default(5000),
    READ_MODELS_CHECK: z.enum(['quick', 'off']).default('quick'),
    READ_YOUR_WRITES_TIMEOUT_MS: milliseconds(1, 5000),
    POLICY_LEASE_TTL_MS: decimal(z.number().int().min(300).max(600_000)).default(15_000),
    REVOCATION_STALLED_AFTER_MS: decimal(z.number().int().min(0).max(60_000)).default(2000),
    NOT_READY_WAIT_MS: milliseconds(0, 10_000),
    STORE_LOCK_WAIT_MS: milliseconds(0, 2000),
    DISK_FREE_MIN_BYTES: decimal(z.number().int().nonnegative()).default(64 * 1024 * 1024),
    INTEGRITY_CHECK_INTERVAL_MS: milliseconds(0, 3_600_000),
    WORKER_HEARTBEAT_TIMEOUT_MS: milliseconds(1, 10_000),
    PROJECTION_BUILD_LEASE_MS: decimal(z.number().int().min(100).max(600_000)).default(15_000),
    // Positions are events on SQLite, bytes of the log on EventStoreDB: the default follows the store.
    PROJECTION_MAX_LAG: decimal(z.number().int().nonnegative()).optional(),
    SHUTDOWN_TIMEOUT_MS: milliseconds(1, 10_000),
    GRAPHQL_RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
    IDEMPOTENCY_KEY_TTL_HOURS: decimal(
      z
        .number()
        .positive()
        .max(24 * 30),
    ).default(24),
    AUDIT_SEAL_KEY: optionalText.pipe(
      z.string().min(32, 'AUDIT_SEAL_KEY must be at least 32 characters').optional(),
    ),
    AUDIT_SEAL_EVERY_EVENTS: decimal(z.number().int().positive()).default(1000),
    AUDIT_SEAL_INTERVAL_MS: milliseconds(1, 60_000),
    GRAPHQL_INTROSPECTION: z.enum(['signed-in', 'anyone']).default('signed-in'),
    GRAPHQL_MAX_DEPTH: limit(10),
    GRAPHQL_MAX_ALIASES: limit(15),
    GRAPHQL_MAX_DIRECTIVES: limit(20),
    GRAPHQL_MAX_TOKENS: limit(2_000),
    GRAPHQL_MAX_FIELDS: limit(500),
    GRAPHQL_MAX_COST: limit(100_000),
    GRAPHQL_MAX_DATA_SIZED_FIELDS: limit(3),
    GRAPHQL_MAX_RESPONSE_BYTES: limit(10 * 1024 * 1024),
    GRAPHQL_MAX_LIST_ITEMS: limit(5_000),
    GRAPHQL_DOCUMENT_CACHE_BYTES: limit(2 * 1024 * 1024),
    GRAPHQL_RESPONSE_CACHE_BYTES: limit(16 * 1024 * 1024),
    GRAPHQL_WS_MAX_SUBSCRIPTIONS: limit(20),
    GRAPHQL_WS_MAX_SOCKETS_PER_CALLER: limit(10),
    GRAPHQL_WS_MAX_SUBSCRIBE_BYTES: limit(64 * 1024),
    GRAPHQL_WS_MAX_BUFFERED_BYTES: limit(16 * 1024 * 1024),
    RATE_LIMIT_PER_MINUTE: decimal(z.number().int().min(0)).default(600),
    TRUST_PROXY: decimal(z.number().int().min(0).max(10)).default(0),
    HTTP_HEADERS_TIMEOUT_MS: milliseconds(1, 10_000),
    HTTP_REQUEST_TIMEOUT_MS: milliseconds(1, 30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(1, 5_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url().optional()),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText.pipe(z.url().optional()),
    OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
    GRAPHQL_IDE: z.enum(['on', 'off']).default('on'),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
            message: 'each origin as scheme://host[:port], e.g. https://admin.example.com',
          }),
        ),
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .refine((env) => env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_REQUEST_TIMEOUT_MS, {
    message: 'HTTP_HEADERS_TIMEOUT_MS cannot exceed HTTP_REQUEST_TIMEOUT_MS',
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
  })
  .refine((env) => !env.AUTH_JWKS_URL || (env.AUTH_ISSUER && env.AUTH_AUDIENCE), {
    message: 'AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE',
    path: ['AUTH_JWKS_URL'],
  });

/** About 10,000 events either way: an EventStoreDB event takes about a kilobyte of its log. */
export const DEFAULT_PROJECTION_MAX_LAG = { sqlite: 10_000, eventstoredb: 10_000_000 };

const settingsWithStoreDefaults = settingsSchema.transform((env) => ({
  ...env,
  PROJECTION_MAX_LAG:
    env.PROJECTION_MAX_LAG ??
    DEFAULT_PROJECTION_MAX_LAG[env.EVENTSTORE_URL ? 'eventstoredb' : 'sqlite'],
}));

export type Settings = z.infer<typeof settingsWithStoreDefaults>;

/** Every variable the server reads (documented in the README and `.env.example`). */
export const SETTING_NAMES = Object.keys(settingsSchema.shape);

export class InvalidSettingsError extends Error {}

/** Reads and validates the environment once; an invalid value stops start-up with a clear list. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // `RATE_LIMIT_PER_MINUTE=` (an env file's empty line) is unset: its default, never a coerced 0,
  // which for several limits means "off".
  const set = Object.entries(env).filter(([, value]) => value?.trim());
  const parsed = settingsWithStoreDefaults.safeParse(Object.fromEntries(set));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new InvalidSettingsError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export const SETTINGS = Symbol('Settings');
