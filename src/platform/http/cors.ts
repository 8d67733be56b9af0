import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Settings } from '../config/settings';

/**
 * Cross-origin access for the browser apps in CORS_ORIGINS (exact origins), none by default:
 * without it, browsers on other origins cannot read the answers.
 */
export function corsOptions(settings: Pick<Settings, 'CORS_ORIGINS'>): CorsOptions | undefined {
  if (settings.CORS_ORIGINS.length === 0) return undefined;
  return {
    origin: settings.CORS_ORIGINS,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'x-request-id',
      'traceparent',
      'apollo-require-preflight',
      'consistency-token',
      'idempotency-key',
    ],
    exposedHeaders: ['x-request-id', 'traceparent', 'consistency-token', 'idempotent-replayed'],
    credentials: false,
    maxAge: 600,
  };
}
