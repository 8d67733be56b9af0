import type { AutopilotFacts, AutopilotPolicy } from '../../src/domain/access/autopilot-access';
import type { AddAutopilotDevices, KeyHolder } from '../../src/domain/autopilot-profile/commands';
import {
  ABANDONED_RESERVATION_MS,
  decideDeviceBatch,
} from '../../src/domain/autopilot-profile/device-batch';
import {
  deviceKeys,
  type DeviceIdentityInput,
  normaliseIdentity,
} from '../../src/domain/autopilot-profile/device-identity';
import type { DeviceSource } from '../../src/domain/autopilot-profile/events';
import type { Actor } from '../../src/domain/shared/actor';
import { DomainError } from '../../src/domain/shared/domain-error';
import { customerGlobalAdmin, customerUser, partnerUser } from '../support/given';

const NOW = new Date('2026-06-01T12:00:00Z');
const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';
const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO });
const contosoSales = partnerUser(['SalesAgent'], { tenantId: CONTOSO });
const contosoHelpdesk = partnerUser(['HelpdeskAgent'], { tenantId: CONTOSO });
const fabrikamAdmin = customerGlobalAdmin({ tenantId: FABRIKAM });

const HASH = 'T0FfSGFyZHdhcmVIYXNo';
const facts = (policy: AutopilotPolicy = 'current', relationshipActive = true): AutopilotFacts => ({
  relationshipActive,
  dapStatus: 'NONE',
  policy,
});

/** Builds the command as the handler does: every identifier's holder looked up (free unless given). */
function batch(
  devices: DeviceIdentityInput[],
  options: {
    actor?: Actor;
    source?: DeviceSource | null;
    facts?: AutopilotFacts;
    held?: { identity: DeviceIdentityInput; holder: KeyHolder }[];
  } = {},
): AddAutopilotDevices {
  const holders = new Map<string, KeyHolder | null>();
  for (const device of devices) {
    for (const key of deviceKeys(FABRIKAM, normaliseIdentity(device)))
      holders.set(key.streamId, null);
  }
  for (const { identity, holder } of options.held ?? []) {
    for (const key of deviceKeys(FABRIKAM, normaliseIdentity(identity)))
      holders.set(key.streamId, holder);
  }
  return {
    actor: options.actor ?? contosoAdmin,
    facts: options.facts ?? facts(),
    customerTenantId: FABRIKAM,
    source: options.source ?? null,
    devices,
    deviceIds: devices.map((_, index) => `device-${index}`),
    holders,
    now: NOW,
  };
}

function refusal(command: AddAutopilotDevices): DomainError {
  try {
    decideDeviceBatch(command);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('The batch was accepted');
}

describe('adding Autopilot devices', () => {
  it.each([
    ['hardware hash', { hardwareHash: HASH }],
    ['hardware hash + product key', { hardwareHash: HASH, productKey: 'PK-1' }],
    ['hardware hash + serial number', { hardwareHash: HASH, serialNumber: 'SN-1' }],
    [
      'hardware hash + product key + serial number',
      { hardwareHash: HASH, productKey: 'PK-1', serialNumber: 'SN-1' },
    ],
    ['product key', { productKey: 'PK-1' }],
    [
      'serial number + manufacturer + model',
      { serialNumber: 'SN-1', manufacturer: 'M', model: 'X' },
    ],
    ['product key with a model alongside', { productKey: 'PK-1', model: 'X' }],
  ])('R33: a device identified by %s is accepted', (_, identity) => {
    const [planned] = decideDeviceBatch(batch([identity]));
    expect(planned.register.identity).toEqual(identity);
  });

  it.each([
    ['nothing', {}],
    ['a serial number alone', { serialNumber: 'SN-1' }],
    ['serial number + manufacturer', { serialNumber: 'SN-1', manufacturer: 'M' }],
    ['manufacturer + model', { manufacturer: 'M', model: 'X' }],
    ['blank identifiers', { hardwareHash: '  ', productKey: '' }],
  ])('R33: a device identified by %s is refused', (_, identity) => {
    const error = refusal(batch([identity]));
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R33' });
  });

  it('R33: one bad device refuses the whole batch, and every problem is listed', () => {
    const error = refusal(
      batch([
        { productKey: 'PK-1' },
        { serialNumber: 'SN-2' },
        { hardwareHash: HASH },
        { manufacturer: 'M', model: 'X' },
        { productKey: 'PK-1' },
      ]),
    );
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R33' });
    expect(error.details?.problems).toEqual([
      { index: 1, problem: expect.stringContaining('it has serial number') },
      { index: 3, problem: expect.stringContaining('it has manufacturer, model') },
      { index: 4, problem: 'has the same product key as devices[0]' },
    ]);
    expect(error.message).toMatch(/^3 of 5 devices cannot be added, so none was: devices\[1\]/);
  });

  it('R33: a device already registered in the tenant is a duplicate, named in the refusal', () => {
    const existing: KeyHolder = {
      deviceId: 'device-old',
      deviceStatus: 'REGISTERED',
      reservedAt: NOW,
      identity: { serialNumber: 'OLD-1', hardwareHash: HASH },
    };
    const error = refusal(
      batch([{ productKey: 'PK-9' }, { hardwareHash: HASH, serialNumber: 'NEW-1' }], {
        held: [{ identity: { hardwareHash: HASH }, holder: existing }],
      }),
    );
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'CONFLICT', rule: 'R33' });
    expect(error.details?.problems).toEqual([
      {
        index: 1,
        existingDeviceId: 'device-old',
        problem: expect.stringContaining(
          'same hardware hash as device device-old (serial number OLD-1)',
        ),
      },
    ]);
  });

  it('R33: product key alone and serial + manufacturer + model identify duplicates too', () => {
    const holder: KeyHolder = {
      deviceId: 'device-old',
      deviceStatus: 'REGISTERED',
      reservedAt: NOW,
      identity: {},
    };
    for (const identity of [
      { productKey: 'PK-1' },
      { serialNumber: 'SN-1', manufacturer: 'M', model: 'X' },
    ]) {
      const error = refusal(batch([identity], { held: [{ identity, holder }] }));
      expect(error.code).toBe('CONFLICT');
    }
  });

  it('R33: serial + manufacturer + model compare case-sensitively; a serial alone is no identifier', () => {
    const holder: KeyHolder = {
      deviceId: 'device-old',
      deviceStatus: 'REGISTERED',
      reservedAt: NOW,
      identity: {},
    };
    const registered = { serialNumber: 'sn-1', manufacturer: 'M', model: 'X' };
    const planned = decideDeviceBatch(
      batch([{ serialNumber: 'SN-1', manufacturer: 'M', model: 'X' }], {
        held: [{ identity: registered, holder }],
      }),
    );
    expect(planned).toHaveLength(1);
    expect(deviceKeys(FABRIKAM, { serialNumber: 'SN-1', hardwareHash: HASH })).toHaveLength(1);
  });

  it('R33: a key reserved by a batch that never registered its device is taken over once abandoned', () => {
    const reservedAt = new Date(NOW.getTime() - ABANDONED_RESERVATION_MS);
    const holder: KeyHolder = {
      deviceId: 'device-lost',
      deviceStatus: 'NONE',
      reservedAt,
      identity: {},
    };
    const [planned] = decideDeviceBatch(
      batch([{ productKey: 'PK-1' }], { held: [{ identity: { productKey: 'PK-1' }, holder }] }),
    );
    expect(planned.reservations).toEqual([
      expect.objectContaining({ keyKind: 'PRODUCT_KEY', takeOverFrom: 'device-lost' }),
    ]);
  });

  it('R33: a key a batch reserved a moment ago still counts: that batch is still registering', () => {
    const reservedAt = new Date(NOW.getTime() - ABANDONED_RESERVATION_MS + 1000);
    const holder: KeyHolder = {
      deviceId: 'device-coming',
      deviceStatus: 'NONE',
      reservedAt,
      identity: {},
    };
    const error = refusal(
      batch([{ productKey: 'PK-1' }], { held: [{ identity: { productKey: 'PK-1' }, holder }] }),
    );
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'CONFLICT', rule: 'R33' });
  });

  it('R33: a removed device’s identifier may be registered again', () => {
    const holder: KeyHolder = {
      deviceId: 'device-old',
      deviceStatus: 'REMOVED',
      reservedAt: NOW,
      identity: {},
    };
    const [planned] = decideDeviceBatch(
      batch([{ productKey: 'PK-1' }], { held: [{ identity: { productKey: 'PK-1' }, holder }] }),
    );
    expect(planned.reservations).toEqual([
      expect.objectContaining({ keyKind: 'PRODUCT_KEY', takeOverFrom: 'device-old' }),
    ]);
  });

  it('R31: partners always add as PARTNER, recorded with the partner', () => {
    for (const source of [null, 'PARTNER'] as const) {
      const [planned] = decideDeviceBatch(batch([{ productKey: 'PK-1' }], { source }));
      expect(planned.register.addedBy).toEqual({ source: 'PARTNER', partnerTenantId: CONTOSO });
    }
    const error = refusal(batch([{ productKey: 'PK-1' }], { source: 'INTUNE' }));
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R31' });
  });

  it.each(['STORE_FOR_BUSINESS', 'STORE_FOR_EDUCATION', 'INTUNE'] as const)(
    'R31: the customer’s Global admin adds devices through %s',
    (source) => {
      const [planned] = decideDeviceBatch(
        batch([{ productKey: 'PK-1' }], { actor: fabrikamAdmin, source, facts: facts() }),
      );
      expect(planned.register).toMatchObject({
        addedBy: { source, partnerTenantId: null },
        partnerTenantId: null,
      });
    },
  );

  it('R31: the customer must say how it added its devices, and never as PARTNER', () => {
    for (const source of [null, 'PARTNER'] as const) {
      const error = refusal(batch([{ productKey: 'PK-1' }], { actor: fabrikamAdmin, source }));
      expect({ code: error.code, rule: error.rule }).toEqual({
        code: 'INVALID_INPUT',
        rule: 'R31',
      });
    }
  });

  it.each(['current', 'dap-required'] as const)(
    'R30: Admin and Sales Agents add devices without DAP; Helpdesk Agents and other customers’ users may not (policy %s)',
    (policy) => {
      for (const actor of [contosoAdmin, contosoSales]) {
        expect(
          decideDeviceBatch(batch([{ productKey: 'PK-1' }], { actor, facts: facts(policy) })),
        ).toHaveLength(1);
      }
      const refusedTo = [
        { actor: contosoHelpdesk, facts: facts(policy) },
        { actor: contosoAdmin, facts: facts(policy, false) },
        { actor: customerUser([], { tenantId: FABRIKAM }), source: 'INTUNE' as const },
        {
          actor: customerGlobalAdmin({ tenantId: 'customer-woodgrove' }),
          source: 'INTUNE' as const,
        },
      ];
      for (const options of refusedTo) {
        const error = refusal(batch([{ productKey: 'PK-1' }], options));
        expect({ code: error.code, rule: error.rule }).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
      }
    },
  );

  it('R33: a batch of 1 to 1,000 devices', () => {
    expect(refusal(batch([])).code).toBe('INVALID_INPUT');
    const many = Array.from({ length: 1001 }, (_, n) => ({ productKey: `PK-${n}` }));
    expect(refusal(batch(many)).code).toBe('INVALID_INPUT');
  });
});
