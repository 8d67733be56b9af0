import type { TokenClaims } from '../../src/platform/auth/token-claims';

/** Token claims for the people of the tests' story. */
export const people = {
  ann: {
    sub: 'ann',
    name: 'Ann',
    tid: 'contoso-partners',
    tenant_kind: 'partner',
    tenant_name: 'Contoso Partners',
    roles: ['AdminAgent'],
  },
  sam: {
    sub: 'sam',
    name: 'Sam',
    tid: 'contoso-partners',
    tenant_kind: 'partner',
    tenant_name: 'Contoso Partners',
    roles: ['SalesAgent'],
  },
  hal: {
    sub: 'hal',
    name: 'Hal',
    tid: 'contoso-partners',
    tenant_kind: 'partner',
    tenant_name: 'Contoso Partners',
    roles: ['HelpdeskAgent'],
  },
  otto: {
    sub: 'otto',
    name: 'Otto',
    tid: 'other-partners',
    tenant_kind: 'partner',
    tenant_name: 'Other Partners',
    roles: ['AdminAgent'],
  },
  fay: {
    sub: 'fay',
    name: 'Fay',
    tid: 'fabrikam',
    tenant_kind: 'customer',
    tenant_name: 'Fabrikam',
    tenant_domain: 'fabrikam.onmicrosoft.com',
    roles: ['GlobalAdmin'],
  },
  fred: {
    sub: 'fred',
    name: 'Fred',
    tid: 'fabrikam',
    tenant_kind: 'customer',
    tenant_name: 'Fabrikam',
    tenant_domain: 'fabrikam.onmicrosoft.com',
    roles: [],
  },
  wes: {
    sub: 'wes',
    name: 'Wes',
    tid: 'woodgrove',
    tenant_kind: 'customer',
    tenant_name: 'Woodgrove',
    tenant_domain: 'woodgrove.onmicrosoft.com',
    roles: ['GlobalAdmin'],
  },
  opal: {
    sub: 'opal',
    name: 'Opal',
    tid: 'operator',
    tenant_kind: 'operator',
    tenant_name: 'Operator',
    roles: ['Operator'],
  },
} satisfies Record<string, TokenClaims>;

export function customerAdmin(index: number): TokenClaims {
  return {
    sub: `admin-${index}`,
    name: `Admin ${index}`,
    tid: `customer-${index}`,
    tenant_kind: 'customer',
    tenant_name: `Customer ${String(index).padStart(3, '0')}`,
    tenant_domain: `customer${index}.onmicrosoft.com`,
    roles: ['GlobalAdmin'],
  };
}
