import type {
  AutopilotFacts,
  AutopilotPolicy,
} from '../../../src/autopilot/domain/autopilot-access';
import { autopilotRegistryDecider } from '../../../src/autopilot/domain/autopilot-registry.decider';
import type { AutopilotCommandOf } from '../../../src/autopilot/domain/commands';
import type { DeviceIdentityInput } from '../../../src/autopilot/domain/device-identity';
import type {
  AutopilotEvent,
  DeviceIdentity,
  DeviceSource,
} from '../../../src/autopilot/domain/events';
import type { Actor } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { callerOf } from '../../support/autopilot-registry';
import { customerGlobalAdmin, customerUser, partnerUser } from '../../support/given';

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

/** A device registered in the tenant before the batch. */
const registered = (deviceId: string, identity: DeviceIdentity): AutopilotEvent => ({
  type: 'AutopilotDeviceAdded',
  data: {
    deviceId,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
    identity,
    addedBy: { source: 'PARTNER', partnerTenantId: CONTOSO },
  },
});
const removed = (deviceId: string): AutopilotEvent => ({
  type: 'AutopilotDeviceRemoved',
  data: { deviceId, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
});

function batch(
  devices: DeviceIdentityInput[],
  options: { actor?: Actor; source?: DeviceSource | null; facts?: AutopilotFacts } = {},
): AutopilotCommandOf<'AddAutopilotDevices'> {
  return {
    ...callerOf(options.actor ?? contosoAdmin, FABRIKAM, options.facts ?? facts()),
    type: 'AddAutopilotDevices',
    source: options.source ?? null,
    devices,
    deviceIds: devices.map((_, index) => `device-${index}`),
  };
}

/** The devices the batch adds to a registry holding `history`. */
function added(command: AutopilotCommandOf<'AddAutopilotDevices'>, history: AutopilotEvent[] = []) {
  const events = autopilotRegistryDecider.decide(
    command,
    fold(autopilotRegistryDecider, history),
    NOW,
  );
  return events.map((event) => (event.type === 'AutopilotDeviceAdded' ? event.data : null));
}

function refusal(
  command: AutopilotCommandOf<'AddAutopilotDevices'>,
  history: AutopilotEvent[] = [],
): DomainError {
  try {
    added(command, history);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('The batch was accepted');
}

describe('adding a batch of Autopilot devices to the registry', () => {
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
    const [device] = added(batch([identity]));
    expect(device?.identity).toEqual(identity);
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

  it('R33: an identifier holding a control or text-direction character is refused (audit summaries and lists show it)', () => {
    const error = refusal(
      batch([
        { serialNumber: 'SN-1\u202eexe.', manufacturer: 'M', model: 'X' },
        { productKey: 'PK\u0007' },
        { serialNumber: 'SN-3', manufacturer: 'M\u001b[2J', model: 'X' },
        { hardwareHash: HASH, model: 'X\u2066' },
      ]),
    );
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R33' });
    expect(error.details?.problems).toEqual([
      { index: 0, problem: 'its serial number holds a control or text-direction character' },
      { index: 1, problem: 'its product key holds a control or text-direction character' },
      { index: 2, problem: 'its manufacturer holds a control or text-direction character' },
      { index: 3, problem: 'its model holds a control or text-direction character' },
    ]);
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
    const error = refusal(
      batch([{ productKey: 'PK-9' }, { hardwareHash: HASH, serialNumber: 'NEW-1' }]),
      [registered('device-old', { serialNumber: 'OLD-1', hardwareHash: HASH })],
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

  it('R33: spaces around an identifier are not part of it: the same device pasted with a trailing space is a duplicate', () => {
    const [device] = added(batch([{ hardwareHash: ` ${HASH}\n`, serialNumber: 'SN-1 ' }]));
    expect(device?.identity).toEqual({ hardwareHash: HASH, serialNumber: 'SN-1' });
    const error = refusal(batch([{ hardwareHash: `${HASH} ` }]), [
      registered('device-old', { hardwareHash: HASH }),
    ]);
    expect(error.code).toBe('CONFLICT');
  });

  it('R33: a full-width identifier is the one it reads as, so a known device is a duplicate; an invisible character is refused', () => {
    const [device] = added(batch([{ productKey: 'ＰＫ－１', serialNumber: 'ＳＮ１' }]));
    expect(device?.identity).toEqual({ productKey: 'PK-1', serialNumber: 'SN1' });
    const known = [registered('device-old', { productKey: 'PK-1' })];
    expect(refusal(batch([{ productKey: 'ＰＫ-1' }]), known).code).toBe('CONFLICT');

    const error = refusal(
      batch([
        { productKey: 'PK-\u200b1' },
        { serialNumber: 'SN-1', manufacturer: 'M\u2060', model: 'X' },
      ]),
      known,
    );
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R33' });
    expect(error.details?.problems).toEqual([
      {
        index: 0,
        problem: 'its product key holds an invisible character (a zero-width space, say)',
      },
      {
        index: 1,
        problem: 'its manufacturer holds an invisible character (a zero-width space, say)',
      },
    ]);
  });

  it('R33: product key alone and serial + manufacturer + model identify duplicates too', () => {
    for (const identity of [
      { productKey: 'PK-1' },
      { serialNumber: 'SN-1', manufacturer: 'M', model: 'X' },
    ]) {
      const error = refusal(batch([identity]), [registered('device-old', identity)]);
      expect(error.code).toBe('CONFLICT');
    }
  });

  it('R33: serial + manufacturer + model compare case-sensitively; a serial alone is no identifier', () => {
    const history = [
      registered('device-old', { serialNumber: 'sn-1', manufacturer: 'M', model: 'X' }),
    ];
    expect(
      added(batch([{ serialNumber: 'SN-1', manufacturer: 'M', model: 'X' }]), history),
    ).toHaveLength(1);
    const withSerial = [registered('device-old', { serialNumber: 'SN-1', hardwareHash: HASH })];
    expect(added(batch([{ serialNumber: 'SN-1', productKey: 'PK-2' }]), withSerial)).toHaveLength(
      1,
    );
  });

  it('R33: a removed device’s identifiers are free again, in the same event that removes it', () => {
    const history = [registered('device-old', { productKey: 'PK-1', hardwareHash: HASH })];
    expect(fold(autopilotRegistryDecider, history).identifiers.size).toBe(2);
    const after = fold(autopilotRegistryDecider, [...history, removed('device-old')]);
    expect(after.identifiers.size).toBe(0);
    expect(
      added(batch([{ productKey: 'PK-1', hardwareHash: HASH }]), [
        ...history,
        removed('device-old'),
      ]),
    ).toHaveLength(1);
  });

  it('R33: a batch is one event per device, each with its own new id, recorded together', () => {
    const command = batch([{ productKey: 'PK-1' }, { productKey: 'PK-2' }]);
    const events = autopilotRegistryDecider.decide(
      command,
      fold(autopilotRegistryDecider, []),
      NOW,
    );
    expect(
      events.map((event) => [event.type, (event.data as { deviceId: string }).deviceId]),
    ).toEqual([
      ['AutopilotDeviceAdded', 'device-0'],
      ['AutopilotDeviceAdded', 'device-1'],
    ]);
    const after = events.reduce(
      autopilotRegistryDecider.evolve,
      fold(autopilotRegistryDecider, []),
    );
    expect(refusal(batch([{ productKey: 'PK-2' }]), events).code).toBe('CONFLICT');
    expect(after.devices.size).toBe(2);
  });

  it('R31: partners always add as PARTNER, recorded with the partner', () => {
    for (const source of [null, 'PARTNER'] as const) {
      const [device] = added(batch([{ productKey: 'PK-1' }], { source }));
      expect(device?.addedBy).toEqual({ source: 'PARTNER', partnerTenantId: CONTOSO });
    }
    const error = refusal(batch([{ productKey: 'PK-1' }], { source: 'INTUNE' }));
    expect({ code: error.code, rule: error.rule }).toEqual({ code: 'INVALID_INPUT', rule: 'R31' });
  });

  it.each(['STORE_FOR_BUSINESS', 'STORE_FOR_EDUCATION', 'INTUNE'] as const)(
    'R31: the customer’s Global admin adds devices through %s',
    (source) => {
      const [device] = added(batch([{ productKey: 'PK-1' }], { actor: fabrikamAdmin, source }));
      expect(device).toMatchObject({
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
    'R30: Admin and Sales Agents add devices without DAP; Helpdesk Agents may not, and another customer’s Global admin finds no such customer (policy %s)',
    (policy) => {
      for (const actor of [contosoAdmin, contosoSales]) {
        expect(
          added(batch([{ productKey: 'PK-1' }], { actor, facts: facts(policy) })),
        ).toHaveLength(1);
      }
      const refusedTo = [
        { actor: contosoHelpdesk, facts: facts(policy) },
        { actor: contosoAdmin, facts: facts(policy, false) },
        { actor: customerUser([], { tenantId: FABRIKAM }), source: 'INTUNE' as const },
      ];
      for (const options of refusedTo) {
        const error = refusal(batch([{ productKey: 'PK-1' }], options));
        expect({ code: error.code, rule: error.rule }).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
      }
      const woodgroveAdmin = customerGlobalAdmin({ tenantId: 'customer-woodgrove' });
      expect(
        refusal(batch([{ productKey: 'PK-1' }], { actor: woodgroveAdmin, source: 'INTUNE' })).code,
      ).toBe('NOT_FOUND');
    },
  );

  it('R33: a batch of 1 to 1,000 devices', () => {
    expect(refusal(batch([])).code).toBe('INVALID_INPUT');
    const many = Array.from({ length: 1001 }, (_, n) => ({ productKey: `PK-${n}` }));
    expect(refusal(batch(many)).code).toBe('INVALID_INPUT');
  });
});
