import { appForSuite } from '../support/app';
import { AUTOPILOT, relate } from '../support/autopilot';
import { people } from '../support/tenants';
import {
  type Adder,
  type Row,
  rowTitle,
  TABLE_ROWS,
} from '../autopilot/domain/autopilot-expectations';

/**
 * R32, R35, R36: the permission table, driven through the real handlers over GraphQL and compared
 * with the allowedOperations the same caller is shown. Ann's partner holds DAP, Otto's does not;
 * each row acts on a fresh device, added by whom the row says.
 */
describe.each(['current', 'dap-required'] as const)('AUTOPILOT_POLICY=%s', (policy) => {
  const app = appForSuite({ env: { AUTOPILOT_POLICY: policy } });
  let tokens: Record<'ann' | 'otto' | 'fay', string>;
  let profileId: string;
  let serial = 0;

  beforeAll(async () => {
    tokens = {
      ann: await app.token(people.ann),
      otto: await app.token(people.otto),
      fay: await app.token(people.fay),
    };
    await relate(app, tokens.ann, true);
    await relate(app, tokens.otto, false);
    const created = await app.gql(tokens.ann, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'Standard' },
    });
    profileId = created.data.createAutopilotProfile.id;
  });

  async function addDevice(caller: 'ann' | 'otto', adder: Adder): Promise<string> {
    const partnerAdds = adder === 'THIS_PARTNER' || adder === 'OTHER_PARTNER';
    const other = caller === 'ann' ? 'otto' : 'ann';
    const token = partnerAdds ? tokens[adder === 'THIS_PARTNER' ? caller : other] : tokens.fay;
    const added = await app.gql(token, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        source: partnerAdds ? undefined : adder,
        devices: [{ productKey: `PK-${policy}-${++serial}` }],
      },
    });
    expect(added.errors).toBeUndefined();
    return added.data.addAutopilotDevices[0].id;
  }

  const rows = TABLE_ROWS.filter((row) => row.policy === policy);

  it.each(rows.map((row) => [rowTitle(row), row] as const))('%s', async (_, row: Row) => {
    const caller = row.dap ? 'ann' : 'otto';
    const deviceId = await addDevice(caller, row.adder);
    if (row.operation === 'UNASSIGN_PROFILE') {
      // Give the device a profile if anyone may: Ann, holding DAP, may wherever any partner may.
      await app.gql(tokens.ann, AUTOPILOT.assign, { input: { deviceId, profileId } });
    }
    const listed = await app.gql(tokens[caller], AUTOPILOT.devices, { customer: 'fabrikam' });
    const device = listed.data.autopilotDevices.find((d: { id: string }) => d.id === deviceId);
    const offered: boolean = device.allowedOperations.includes(row.operation);

    const result =
      row.operation === 'ASSIGN_PROFILE'
        ? await app.gql(tokens[caller], AUTOPILOT.assign, { input: { deviceId, profileId } })
        : await app.gql(
            tokens[caller],
            row.operation === 'REMOVE_DEVICE' ? AUTOPILOT.remove : AUTOPILOT.unassign,
            { id: deviceId },
          );
    const done = result.errors
      ? { allowed: false, extensions: result.errors[0].extensions }
      : { allowed: true };

    expect(done).toEqual(
      row.allowed
        ? { allowed: true }
        : { allowed: false, extensions: { code: 'FORBIDDEN', rule: row.rule } },
    );
    expect(offered).toBe(row.allowed);
  });
});
