import { Command, InvalidArgumentError } from 'commander';
import { resolveHmacSecret } from '../platform/auth/local-secret';
import { mintToken } from '../platform/auth/token-minter';
import { parseTokenClaims, type TokenClaims } from '../platform/auth/token-claims';
import { resolve } from 'node:path';
import { loadSettings } from '../platform/config/settings';
import { BUILT_IN_ROLES, rolesWithoutRights } from '../platform/domain/actor';
import { isSystemTenantId } from '../platform/domain/ids';
import { isPrintable } from '../platform/domain/printable-text';
import { tenantIdArgument, userIdArgument } from './arguments';

const TENANT_KINDS = ['partner', 'customer', 'operator'] as const;

function tenantKind(value: string): (typeof TENANT_KINDS)[number] {
  const kind = TENANT_KINDS.find((candidate) => candidate === value);
  if (!kind) throw new InvalidArgumentError(`one of ${TENANT_KINDS.join(', ')}`);
  return kind;
}

const SECONDS_PER = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const LONGEST_TTL_SECONDS = 366 * SECONDS_PER.d;

function ttl(value: string): string {
  const match = /^(\d{1,9})\s*([smhdw])$/.exec(value);
  const seconds = match && Number(match[1]) * SECONDS_PER[match[2] as keyof typeof SECONDS_PER];
  if (!seconds || seconds > LONGEST_TTL_SECONDS)
    throw new InvalidArgumentError('a duration such as 30m, 1h or 7d, of at most 366d');
  return value;
}

/** A name the server shows other tenants, so one it accepts (R60): no control characters. */
function shownName(value: string): string {
  if (!isPrintable(value))
    throw new InvalidArgumentError('a name without control or text-direction characters (R60)');
  return value;
}

export const tokenCommand = new Command('token')
  .description(
    'Mint a local HS256 bearer token (signed with AUTH_SECRET, or the dev secret in DATA_DIR)',
  )
  .requiredOption('--tenant <id>', 'tenant id (tid), lower-cased', tenantIdArgument)
  .requiredOption('--kind <kind>', 'tenant kind: partner, customer or operator', tenantKind)
  .option('--roles <roles>', 'comma-separated roles, e.g. AdminAgent,SalesAgent or GlobalAdmin', '')
  .requiredOption('--user <id>', 'user id (sub)', userIdArgument)
  .requiredOption('--name <name>', 'user display name', shownName)
  .option('--tenant-name <name>', 'tenant display name', shownName)
  .option('--domain <domain>', 'tenant primary domain (customers)', shownName)
  .option('--ttl <duration>', 'lifetime', ttl, '1h')
  .action(async (options: Record<string, string>) => {
    if (options.kind !== 'operator' && isSystemTenantId(options.tenant)) {
      throw new Error(
        `--tenant ${options.tenant} is reserved for the product's own actors; a ${options.kind} tenant cannot have it (the server refuses such tokens).`,
      );
    }
    const settings = loadSettings();
    if (settings.AUTH_JWKS_URL) {
      throw new Error(
        `AUTH_JWKS_URL is set (${settings.AUTH_JWKS_URL}): the server accepts only tokens of that identity provider, ` +
          'so a local HS256 token would be refused. Get a token from the identity provider, or unset AUTH_JWKS_URL for local use.',
      );
    }
    const claims: TokenClaims = {
      sub: options.user,
      name: options.name,
      tid: options.tenant,
      tenant_kind: options.kind as (typeof TENANT_KINDS)[number],
      ...(options.tenantName ? { tenant_name: options.tenantName } : {}),
      ...(options.domain ? { tenant_domain: options.domain } : {}),
      roles: options.roles
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean),
    };
    // Checked as the server checks it (lengths, the number of roles): never a token it refuses.
    const parsed = parseTokenClaims(claims);
    if ('invalid' in parsed) {
      throw new Error(
        `the server would refuse this token (its claims ${parsed.invalid} are not valid: names of at most 200 characters, a domain of 253, at most 50 roles of 64); nothing was minted.`,
      );
    }
    const token = await mintToken(resolveHmacSecret(settings), claims, {
      ttl: options.ttl,
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
    });
    console.error(
      `partner-ledger: signed with ${
        settings.AUTH_SECRET
          ? 'AUTH_SECRET'
          : `the secret in ${resolve(settings.DATA_DIR, 'auth-secret')}`
      }`,
    );
    const idle = rolesWithoutRights(claims.tenant_kind, claims.roles ?? []);
    if (idle.length > 0) {
      const groups = claims.tenant_kind === 'operator' ? '' : ', or a group: a lower-case slug';
      console.error(
        `partner-ledger: roles that give a ${claims.tenant_kind} user nothing here: ${idle.join(', ')} (known: ${BUILT_IN_ROLES[claims.tenant_kind].join(', ')}${groups})`,
      );
    }
    process.stdout.write(`${token}\n`);
  });
