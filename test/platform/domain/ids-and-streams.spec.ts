import { DomainError } from '../../../src/platform/domain/domain-error';
import {
  checkUserId,
  normaliseEntityId,
  normaliseTenantId,
  quote,
} from '../../../src/platform/domain/ids';
import {
  pairStream,
  parseStreamId,
  singleStream,
  streamIds,
} from '../../../src/platform/domain/streams';
import { normaliseAutopilotId } from '../../../src/autopilot/domain/autopilot-ids';

const refused = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return 'accepted';
};

describe('ids: one format per kind, checked where input enters', () => {
  it('one tenant id rule: trimmed and lower-cased; GUIDs and the slugs of the stories stay valid', () => {
    expect(normaliseTenantId('  Contoso-Partners ')).toBe('contoso-partners');
    expect(normaliseTenantId('FABRIKAM')).toBe('fabrikam');
    expect(normaliseTenantId('72F988BF-86F1-41AF-91AB-2D7CD011DB47')).toBe(
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
    );
    expect(normaliseTenantId('customer-7')).toBe('customer-7');
    expect(normaliseTenantId('x'.repeat(64))).toHaveLength(64);
  });

  it.each([
    'a_b',
    '',
    ' ',
    '-a',
    'a-',
    'a b',
    'a/b',
    'ä',
    'x'.repeat(65),
    'a\u0000b',
    'K'.normalize(),
  ])('refuses the tenant id %j with INVALID_INPUT', (id) => {
    if (id === 'K') return expect(normaliseTenantId(id)).toBe('k');
    expect(refused(() => normaliseTenantId(id))).toBe('INVALID_INPUT');
  });

  it('user ids are kept as given, within their alphabet and 128 characters', () => {
    expect(checkUserId('Ann.Smith@contoso.com')).toBe('Ann.Smith@contoso.com');
    expect(refused(() => checkUserId('ann smith'))).toBe('INVALID_INPUT');
    expect(refused(() => checkUserId('a'.repeat(129)))).toBe('INVALID_INPUT');
  });

  it('entity ids are UUIDs', () => {
    expect(normaliseEntityId('0C1F6A3E-1B2C-4D5E-8F90-1234567890AB', 'invitation')).toBe(
      '0c1f6a3e-1b2c-4d5e-8f90-1234567890ab',
    );
    expect(refused(() => normaliseEntityId('inv-1', 'invitation'))).toBe('INVALID_INPUT');
    expect(() => normaliseEntityId('inv-1', 'invitation')).toThrow(
      '"inv-1" is not an invitation id (a UUID).',
    );
    expect(() => normaliseEntityId('sub-1', 'subscription')).toThrow(
      '"sub-1" is not a subscription id (a UUID).',
    );
  });

  it('Autopilot ids are a UUID and the tenant whose registry holds them, both canonical', () => {
    expect(normaliseAutopilotId(' 0C1F6A3E-1B2C-4D5E-8F90-1234567890AB@Fabrikam ', 'device')).toBe(
      '0c1f6a3e-1b2c-4d5e-8f90-1234567890ab@fabrikam',
    );
    for (const id of [
      '0c1f6a3e-1b2c-4d5e-8f90-1234567890ab',
      '@fabrikam',
      'x@fabrikam',
      '0c1f6a3e-1b2c-4d5e-8f90-1234567890ab@a_b',
    ])
      expect(refused(() => normaliseAutopilotId(id, 'profile'))).toBe('INVALID_INPUT');
  });

  it('a refusal quotes at most 40 characters of the input', () => {
    expect(quote('x'.repeat(1000))).toBe(JSON.stringify(`${'x'.repeat(40)}…`));
    try {
      normaliseTenantId('y'.repeat(10_000));
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(250);
    }
  });
});

describe('stream names: two different aggregates never share one', () => {
  const ids = ['a', 'b', 'a-b', 'b-c', 'a.b', 'c', '0', 'ab', 'bc'];

  it('distinct (category, ids) always make distinct names, and names split back into them', () => {
    const names = new Map<string, string>();
    for (const category of ['relationship', 'dapgrant', 'invitation']) {
      for (const first of ids) {
        const single = singleStream(category, first);
        expect(names.get(single)).toBeUndefined();
        names.set(single, `${category}:${first}`);
        expect(parseStreamId(single)).toEqual({ category, ids: [first] });
        for (const second of ids) {
          const pair = pairStream(category, first, second);
          expect(names.get(pair)).toBeUndefined();
          names.set(pair, `${category}:${first}:${second}`);
          expect(parseStreamId(pair)).toEqual({ category, ids: [first, second] });
        }
      }
    }
  });

  it('R50: an id that could forge a separator is refused before any stream is read', () => {
    expect(refused(() => streamIds.relationship('contoso', 'partners_fabrikam'))).toBe(
      'INVALID_INPUT',
    );
    expect(refused(() => streamIds.dapGrant('contoso_partners', 'fabrikam'))).toBe('INVALID_INPUT');
    expect(refused(() => streamIds.invitation('x_y'))).toBe('INVALID_INPUT');
    expect(refused(() => streamIds.autopilot('Fabrikam'))).toBe('INVALID_INPUT');
    expect(refused(() => streamIds.serviceRequests('contoso', 'x_y'))).toBe('INVALID_INPUT');
    expect(streamIds.relationship('contoso-partners', 'fabrikam')).toBe(
      'relationship-contoso-partners_fabrikam',
    );
  });

  it('history only reads names of this form', () => {
    for (const name of [
      '$all',
      'relationship',
      'relationship-',
      'relationship-a_b_c',
      '-a',
      'Relationship-a',
    ])
      expect(parseStreamId(name)).toBeNull();
  });
});
