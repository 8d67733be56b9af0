import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const settingsSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    EVENTSTORE_URL: optionalText,
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    AUTH_SECRET: optionalText,
    AUTH_JWKS_URL: optionalText.pipe(z.url().optional()),
    AUTH_ISSUER: optionalText,
    AUTH_AUDIENCE: optionalText,
    INVITATION_TTL_DAYS: z.coerce.number().positive().max(3650).default(90),
    INVITATION_BASE_URL: z
      .url()
      .default('https://admin.microsoft.com/Adminportal/Home#/BillingAccounts/partner-invitation'),
    AUTOPILOT_POLICY: z.enum(['current', 'dap-required']).default('current'),
    PROJECTION_THREAD: z.enum(['worker', 'main']).default('worker'),
    READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    NOT_READY_WAIT_MS: z.coerce.number().int().nonnegative().default(10_000),
    GRAPHQL_RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
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
  .refine((env) => !env.AUTH_JWKS_URL || (env.AUTH_ISSUER && env.AUTH_AUDIENCE), {
    message: 'AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE',
    path: ['AUTH_JWKS_URL'],
  });

export type Settings = z.infer<typeof settingsSchema>;

/** Every variable the server reads (documented in the README and `.env.example`). */
export const SETTING_NAMES = Object.keys(settingsSchema.shape);

export class InvalidSettingsError extends Error {}

/** Reads and validates the environment once; an invalid value stops start-up with a clear list. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new InvalidSettingsError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export const SETTINGS = Symbol('Settings');
