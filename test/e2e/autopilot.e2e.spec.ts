import { appForSuite } from '../support/app';
import { AUTOPILOT, headPosition, relate } from '../support/autopilot';
import { people } from '../support/tenants';

const HASH_1 = 'T0FfSGFyZHdhcmVIYXNoLTE=';
const ACCESS = `query ($partner: ID!, $role: PartnerRole) {
  effectiveAccess(partnerTenantId: $partner, customerTenantId: "fabrikam", role: $role) { capabilities { role action allowed reason rule } } }`;
const END = `mutation ($customer: ID!) { endResellerRelationship(customerTenantId: $customer) { tenantId } }`;
const REMOVE_DAP = `mutation ($partner: ID!) { removeDelegatedAdminPrivileges(partnerTenantId: $partner, confirm: true) { partnerTenantId } }`;

interface Device {
  id: string;
  serialNumber: string | null;
  profileId: string | null;
  addedBy: { source: string; partnerTenantId: string | null };
  allowedOperations: string[];
}

describe('Windows Autopilot over GraphQL, policy current', () => {
  const app = appForSuite();
  let ann: string;
  let sam: string;
  let fay: string;

  const devices = async (token: string): Promise<Device[]> =>
    (await app.gql(token, AUTOPILOT.devices, { customer: 'fabrikam' })).data.autopilotDevices;
  const deviceOf = async (token: string, id: string) =>
    (await devices(token)).find((device) => device.id === id);

  beforeAll(async () => {
    ann = await app.token(people.ann);
    sam = await app.token(people.sam);
    fay = await app.token(people.fay);
    await relate(app, ann, false);
  });

  it('R30–R34, R36: the profile and device story, from creation to deletion', async () => {
    // R30: an Admin Agent without DAP creates and updates a profile; a Sales Agent may not.
    const created = await app.gql(ann, AUTOPILOT.create, {
      input: {
        customerTenantId: 'fabrikam',
        name: 'Sales laptops',
        settings: ['SKIP_EULA', 'SKIP_PRIVACY_SETTINGS'],
      },
    });
    expect(created.errors).toBeUndefined();
    const profile = created.data.createAutopilotProfile;
    expect(profile).toMatchObject({
      name: 'Sales laptops',
      description: null,
      settings: ['SKIP_PRIVACY_SETTINGS', 'SKIP_EULA'],
      devicesAssignedCount: 0,
      allowedOperations: ['UPDATE_PROFILE', 'DELETE_PROFILE'],
    });
    const bySam = await app.gql(sam, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'Nope' },
    });
    expect(bySam.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
    const updated = await app.gql(ann, AUTOPILOT.update, {
      input: { profileId: profile.id, description: 'For the field team', settings: ['SKIP_EULA'] },
    });
    expect(updated.data.updateAutopilotProfile).toMatchObject({
      name: 'Sales laptops',
      description: 'For the field team',
      settings: ['SKIP_EULA'],
    });

    // R30, R31: a Sales Agent adds a batch; each device records who added it.
    const added = await app.gql(sam, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        devices: [
          { hardwareHash: HASH_1, serialNumber: 'SN-1' },
          { serialNumber: 'SN-2', manufacturer: 'Contoso', model: 'Book 3' },
        ],
      },
    });
    expect(added.errors).toBeUndefined();
    const [first, second] = added.data.addAutopilotDevices as Device[];
    expect(first).toMatchObject({
      serialNumber: 'SN-1',
      hardwareHash: HASH_1,
      addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
      profileId: null,
      allowedOperations: [],
    });
    expect(second.serialNumber).toBe('SN-2');

    // R33: one device without an accepted identifier set refuses the whole batch; nothing appended.
    const before = await headPosition(app);
    const malformed = await app.gql(ann, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        devices: [{ productKey: 'PK-3' }, { serialNumber: 'SN-4' }, { productKey: 'PK-5' }],
      },
    });
    expect(malformed.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_INPUT',
      rule: 'R33',
      details: { problems: [{ index: 1, problem: expect.stringContaining('serial number') }] },
    });
    expect(malformed.errors?.[0].message).toMatch(/^1 of 3 devices cannot be added, so none was/);
    // R33: a duplicate of a registered device is refused, naming that device; nothing appended.
    const duplicate = await app.gql(ann, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        devices: [{ productKey: 'PK-3' }, { hardwareHash: HASH_1, serialNumber: 'SN-other' }],
      },
    });
    expect(duplicate.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'R33',
      details: { problems: [{ index: 1, existingDeviceId: first.id }] },
    });
    expect(duplicate.errors?.[0].message).toContain(`device ${first.id} (serial number SN-1)`);
    expect(await headPosition(app)).toBe(before);
    expect(await devices(ann)).toHaveLength(2);

    // R31, R32: the customer adds a device through the Store; no partner may manage it.
    const byFay = await app.gql(fay, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        source: 'STORE_FOR_BUSINESS',
        devices: [{ productKey: 'PK-FAY' }],
      },
    });
    const fays: Device = byFay.data.addAutopilotDevices[0];
    expect(fays).toMatchObject({
      addedBy: { source: 'STORE_FOR_BUSINESS', partnerTenantId: null },
      allowedOperations: [],
    });
    expect((await devices(ann)).map((d) => [d.serialNumber, d.allowedOperations])).toEqual([
      ['SN-1', ['ASSIGN_PROFILE', 'REMOVE_DEVICE']],
      ['SN-2', ['ASSIGN_PROFILE', 'REMOVE_DEVICE']],
      [null, []],
    ]);
    const onFays = await app.gql(ann, AUTOPILOT.assign, {
      input: { deviceId: fays.id, profileId: profile.id },
    });
    expect(onFays.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R32' });
    expect((await app.gql(ann, AUTOPILOT.remove, { id: fays.id })).errors?.[0].extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'R32',
    });

    // R34: assign to two devices, remove from one: the profile stays.
    for (const device of [first, second]) {
      const assigned = await app.gql(ann, AUTOPILOT.assign, {
        input: { deviceId: device.id, profileId: profile.id },
      });
      expect(assigned.data.assignAutopilotProfile).toMatchObject({
        profileId: profile.id,
        allowedOperations: ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE'],
      });
    }
    const unassigned = await app.gql(ann, AUTOPILOT.unassign, { id: first.id });
    expect(unassigned.data.unassignAutopilotProfile.profileId).toBeNull();
    const profiles = (await app.gql(ann, AUTOPILOT.profiles, { customer: 'fabrikam' })).data
      .autopilotProfiles;
    expect(profiles).toEqual([
      expect.objectContaining({ id: profile.id, devicesAssignedCount: 1 }),
    ]);

    // R34: deleting the profile first removes it from its devices.
    expect((await app.gql(ann, AUTOPILOT.delete, { id: profile.id })).data).toEqual({
      deleteAutopilotProfile: true,
    });
    expect((await deviceOf(ann, second.id))?.profileId).toBeNull();
    expect(
      (await app.gql(ann, AUTOPILOT.profiles, { customer: 'fabrikam' })).data.autopilotProfiles,
    ).toEqual([]);
    const toDeleted = await app.gql(ann, AUTOPILOT.assign, {
      input: { deviceId: first.id, profileId: profile.id },
    });
    expect(toDeleted.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // R32, R33: removing a device frees its identifiers: the same device can be added again.
    expect((await app.gql(ann, AUTOPILOT.remove, { id: first.id })).data).toEqual({
      removeAutopilotDevice: true,
    });
    expect(await deviceOf(ann, first.id)).toBeUndefined();
    const again = await app.gql(ann, AUTOPILOT.add, {
      input: { customerTenantId: 'fabrikam', devices: [{ hardwareHash: HASH_1 }] },
    });
    expect(again.errors).toBeUndefined();
    expect(again.data.addAutopilotDevices[0].id).not.toBe(first.id);
  });

  it('R17, R30: other tenants see nothing; the customer’s other users may not look', async () => {
    const otto = await app.token(people.otto);
    const wes = await app.token(people.wes);
    const fred = await app.token(people.fred);
    const someDevice = (await devices(ann))[0];
    for (const token of [otto, wes]) {
      const listed = await app.gql(token, AUTOPILOT.devices, { customer: 'fabrikam' });
      expect(listed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const removed = await app.gql(token, AUTOPILOT.remove, { id: someDevice.id });
      expect(removed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    // An id that names no registry (a plain UUID of the former layout, or none at all) is bad input.
    for (const id of [someDevice.id.split('@')[0], 'device-1', '@fabrikam']) {
      const malformed = await app.gql(ann, AUTOPILOT.remove, { id });
      expect([id, malformed.errors?.[0].extensions?.code]).toEqual([id, 'INVALID_INPUT']);
    }
    const byOtto = await app.gql(otto, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'Not mine' },
    });
    expect(byOtto.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
    const byFred = await app.gql(fred, AUTOPILOT.profiles, { customer: 'fabrikam' });
    expect(byFred.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
    const fays = await devices(fay);
    expect(fays.length).toBeGreaterThan(0);
    expect(fays.every((device) => device.allowedOperations.length === 0)).toBe(true);
  });

  it('R40: effectiveAccess answers the Autopilot actions under the current policy', async () => {
    const report = await app.gql(fay, ACCESS, { partner: 'contoso-partners' });
    const autopilot = report.data.effectiveAccess.capabilities
      .filter((c: { action: string }) => c.action.includes('AUTOPILOT'))
      .map((c: { role: string; action: string; allowed: boolean; rule: string }) =>
        [c.role, c.action, c.allowed, c.rule].join(' '),
      );
    expect(autopilot).toEqual([
      'ADMIN_AGENT MANAGE_AUTOPILOT_PROFILES true R30',
      'ADMIN_AGENT ADD_AUTOPILOT_DEVICES true R30',
      'ADMIN_AGENT MANAGE_AUTOPILOT_DEVICES true R32',
      'SALES_AGENT MANAGE_AUTOPILOT_PROFILES false R30',
      'SALES_AGENT ADD_AUTOPILOT_DEVICES true R30',
      'SALES_AGENT MANAGE_AUTOPILOT_DEVICES false R30',
      'HELPDESK_AGENT MANAGE_AUTOPILOT_PROFILES false R30',
      'HELPDESK_AGENT ADD_AUTOPILOT_DEVICES false R30',
      'HELPDESK_AGENT MANAGE_AUTOPILOT_DEVICES false R30',
    ]);
  });

  it('R9, R30: ending the reseller relationship ends the partner’s Autopilot rights', async () => {
    const device = (await devices(ann))[0];
    const ended = await app.gql(ann, END, { customer: 'fabrikam' });
    expect(ended.errors).toBeUndefined();
    const create = await app.gql(ann, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'After the end' },
    });
    expect(create.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R30' });
    const listed = await app.gql(ann, AUTOPILOT.devices, { customer: 'fabrikam' });
    expect(listed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const removed = await app.gql(ann, AUTOPILOT.remove, { id: device.id });
    expect(removed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await devices(fay)).map((d) => d.id)).toContain(device.id);
  });
});

describe('Windows Autopilot over GraphQL, AUTOPILOT_POLICY=dap-required', () => {
  const app = appForSuite({ env: { AUTOPILOT_POLICY: 'dap-required' } });
  let ann: string;
  let otto: string;
  let fay: string;

  const devices = async (token: string): Promise<Device[]> =>
    (await app.gql(token, AUTOPILOT.devices, { customer: 'fabrikam' })).data.autopilotDevices;
  const add = async (token: string, device: object, source?: string): Promise<Device> => {
    const added = await app.gql(token, AUTOPILOT.add, {
      input: { customerTenantId: 'fabrikam', source, devices: [device] },
    });
    expect(added.errors).toBeUndefined();
    return added.data.addAutopilotDevices[0];
  };

  beforeAll(async () => {
    ann = await app.token(people.ann);
    otto = await app.token(people.otto);
    fay = await app.token(people.fay);
    await relate(app, ann, false);
    await relate(app, otto, true);
  });

  it('R35: DAP decides profiles and other parties’ devices; without it a partner removes only its own', async () => {
    const refused = await app.gql(ann, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'Without DAP' },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R35' });
    const created = await app.gql(otto, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'With DAP' },
    });
    const profile = created.data.createAutopilotProfile;
    expect(profile.allowedOperations).toEqual(['UPDATE_PROFILE', 'DELETE_PROFILE']);

    // Adding devices needs no DAP under either policy.
    const anns = await add(ann, { productKey: 'PK-ANN' });
    const ottos = await add(otto, { productKey: 'PK-OTTO' });
    const fays = await add(fay, { productKey: 'PK-FAY' }, 'INTUNE');

    expect((await devices(ann)).map((d) => d.allowedOperations)).toEqual([
      ['REMOVE_DEVICE'],
      [],
      [],
    ]);
    // R31, R17: a partner is told another partner added a device, not which; the customer is told.
    expect((await devices(ann)).map((d) => d.addedBy)).toEqual([
      { source: 'PARTNER', partnerTenantId: people.ann.tid },
      { source: 'PARTNER', partnerTenantId: null },
      { source: 'INTUNE', partnerTenantId: null },
    ]);
    expect((await devices(fay)).map((d) => d.addedBy.partnerTenantId)).toEqual([
      people.ann.tid,
      people.otto.tid,
      null,
    ]);
    for (const [device, operation] of [
      [anns, AUTOPILOT.assign],
      [ottos, AUTOPILOT.remove],
      [fays, AUTOPILOT.remove],
    ] as const) {
      const result = await app.gql(ann, operation, {
        id: device.id,
        input: { deviceId: device.id, profileId: profile.id },
      });
      expect(result.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R35' });
    }

    // With DAP: any device, the customer's included.
    expect((await devices(otto)).map((d) => d.allowedOperations)).toEqual([
      ['ASSIGN_PROFILE', 'REMOVE_DEVICE'],
      ['ASSIGN_PROFILE', 'REMOVE_DEVICE'],
      ['ASSIGN_PROFILE', 'REMOVE_DEVICE'],
    ]);
    const onFays = await app.gql(otto, AUTOPILOT.assign, {
      input: { deviceId: fays.id, profileId: profile.id },
    });
    expect(onFays.data.assignAutopilotProfile).toMatchObject({
      profileId: profile.id,
      allowedOperations: ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE'],
    });
    expect((await app.gql(otto, AUTOPILOT.remove, { id: fays.id })).errors).toBeUndefined();
    // Without DAP a partner still removes a device it added itself.
    expect((await app.gql(ann, AUTOPILOT.remove, { id: anns.id })).errors).toBeUndefined();
    expect((await devices(otto)).map((d) => d.id)).toEqual([ottos.id]);

    // R12, R35: the confirmation answer tells the customer what removal means for Autopilot here.
    const unconfirmed = await app.gql(fay, REMOVE_DAP.replace('true', 'false'), {
      partner: 'other-partners',
    });
    expect(unconfirmed.errors?.[0].extensions).toEqual({
      code: 'CONFIRMATION_REQUIRED',
      rule: 'R12',
    });
    expect(unconfirmed.errors?.[0].message).toMatch(
      /dap-required Autopilot policy Autopilot narrows/,
    );
    // R35, R13: once the customer removes its DAP, the partner manages profiles no more.
    await app.gql(fay, REMOVE_DAP, { partner: 'other-partners' });
    const afterRemoval = await app.gql(otto, AUTOPILOT.update, {
      input: { profileId: profile.id, name: 'Renamed' },
    });
    expect(afterRemoval.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R35' });
    expect(afterRemoval.errors?.[0].message).toMatch(/removed/);
    const listed = (await app.gql(otto, AUTOPILOT.profiles, { customer: 'fabrikam' })).data
      .autopilotProfiles;
    expect(listed).toEqual([expect.objectContaining({ id: profile.id, allowedOperations: [] })]);
  });

  it('R40: effectiveAccess names the dap-required policy in its reasons', async () => {
    const report = await app.gql(ann, ACCESS, { partner: 'contoso-partners', role: 'ADMIN_AGENT' });
    const byAction = Object.fromEntries(
      report.data.effectiveAccess.capabilities.map((c: { action: string }) => [c.action, c]),
    );
    expect(byAction.MANAGE_AUTOPILOT_PROFILES).toMatchObject({ allowed: false, rule: 'R35' });
    expect(byAction.MANAGE_AUTOPILOT_DEVICES).toMatchObject({ allowed: true, rule: 'R35' });
    expect(byAction.MANAGE_AUTOPILOT_DEVICES.reason).toContain('Autopilot policy dap-required');
  });
});
