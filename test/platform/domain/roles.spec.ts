import { rolesWithoutRights } from '../../../src/platform/domain/actor';

describe('roles that give a user nothing', () => {
  it.each([
    ['partner', ['AdminAgent', 'SalesAgent', 'HelpdeskAgent', 'tier-2'], []],
    [
      'partner',
      ['AdminAgnet', 'GlobalAdmin', 'Operator'],
      ['AdminAgnet', 'GlobalAdmin', 'Operator'],
    ],
    ['customer', ['GlobalAdmin', 'finance-team'], []],
    ['customer', ['AdminAgent', 'Finance Team'], ['AdminAgent', 'Finance Team']],
    ['operator', ['Operator'], []],
    ['operator', ['finance-team', 'GlobalAdmin'], ['finance-team', 'GlobalAdmin']],
  ] as const)('a %s user with %j: %j', (kind, roles, idle) => {
    expect(rolesWithoutRights(kind, roles)).toEqual(idle);
  });
});
