import type { DocumentNode } from 'graphql';
import { parse } from 'graphql';
import { VerifiedDocumentStore } from '../../src/platform/graphql/document-store';
import { currentCaller } from '../../src/platform/security/caller';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

describe('GRAPHQL_INTROSPECTION=anyone (development): anonymous callers may read the schema', () => {
  const app = appForSuite({ env: { GRAPHQL_INTROSPECTION: 'anyone' } });

  it('answers introspection anonymously, and still nothing else', async () => {
    const schema = await app.gql(null, '{ __schema { queryType { name } } }');
    expect(schema.data.__schema.queryType.name).toBe('Query');
    const me = await app.gql(null, '{ me { userId } }');
    expect(me.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const signedIn = await app.gql(await app.token(people.ann), '{ me { userId } }');
    expect(signedIn.data.me.userId).toBe('ann');
  });
});

describe('the document store keeps nothing for a caller whose token was not verified', () => {
  const document: DocumentNode = parse('{ me { userId } }');
  const verified = {
    verified: {
      actor: {
        userId: 'ann',
        name: 'Ann',
        tenantId: 'contoso-partners',
        tenantKind: 'partner' as const,
        roles: [],
      },
      exp: 0,
    },
  };

  it('stores a document for a verified caller, and not for an anonymous one', async () => {
    const store = new VerifiedDocumentStore(1024 * 1024);
    await currentCaller.run({}, () => store.set('anonymous', document));
    await store.set('outside any request', document);
    await currentCaller.run(verified, () => store.set('verified', document));
    expect(await store.get('anonymous')).toBeUndefined();
    expect(await store.get('outside any request')).toBeUndefined();
    expect(await store.get('verified')).toBe(document);
  });

  it('is bounded by bytes: the least recently used documents go first', async () => {
    const store = new VerifiedDocumentStore(20_000);
    await currentCaller.run(verified, async () => {
      for (let n = 0; n < 200; n++) await store.set(`d${n}`, document);
    });
    expect(await store.get('d0')).toBeUndefined();
    expect(await store.get('d199')).toBe(document);
  });
});
