import { usersProjection } from '../../../projections/delegated-admin/users.projection';
import { at, projectionSpec, SPEC_ACTOR } from '../../support/projection-spec';

const ended = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

describe('users projection: who holds which role (R11, R40)', () => {
  it('R40: every acting user is kept with the roles their token last presented', () => {
    projectionSpec(usersProjection)
      .given({ type: 'RelationshipEnded', data: ended, occurredAt: at(1) })
      .when(
        {
          type: 'RelationshipEnded',
          data: ended,
          actor: { ...SPEC_ACTOR, roles: ['AdminAgent', 'SalesAgent'] },
          occurredAt: at(2),
        },
        {
          type: 'RelationshipEnded',
          data: ended,
          actor: {
            userId: 'fay',
            name: 'Fay',
            tenantId: 'fabrikam',
            tenantKind: 'customer',
            roles: ['GlobalAdmin'],
          },
          occurredAt: at(3),
        },
      )
      .then({
        users: [
          {
            tenant_id: 'contoso-partners',
            user_id: 'ann',
            tenant_kind: 'partner',
            name: 'Ann',
            roles: '["AdminAgent","SalesAgent"]',
          },
          {
            tenant_id: 'fabrikam',
            user_id: 'fay',
            tenant_kind: 'customer',
            name: 'Fay',
            roles: '["GlobalAdmin"]',
          },
        ],
      });
  });

  it('R40: a user acting several times in one batch is kept as their last event left them', () => {
    const ann = (roles: string[], minute: number) => ({
      type: 'RelationshipEnded' as const,
      data: ended,
      actor: { ...SPEC_ACTOR, roles },
      occurredAt: at(minute),
    });
    projectionSpec(usersProjection)
      .given(ann(['AdminAgent'], 1), ann(['SalesAgent'], 2))
      .when(ann(['HelpdeskAgent'], 3), ann(['AdminAgent', 'HelpdeskAgent'], 4))
      .then({
        users: [
          {
            tenant_id: 'contoso-partners',
            user_id: 'ann',
            tenant_kind: 'partner',
            name: 'Ann',
            roles: '["AdminAgent","HelpdeskAgent"]',
          },
        ],
      });
  });

  it.each([
    ['name', { ...SPEC_ACTOR, name: 'Ann Smith' }],
    ['roles', { ...SPEC_ACTOR, roles: ['HelpdeskAgent'] }],
  ])("R40: a later batch that changes only the user's %s updates their row", (_change, actor) => {
    projectionSpec(usersProjection)
      .given({ type: 'RelationshipEnded', data: ended, occurredAt: at(1) })
      .when(
        { type: 'RelationshipEnded', data: ended, occurredAt: at(2) },
        { type: 'RelationshipEnded', data: ended, actor, occurredAt: at(3) },
      )
      .then({
        users: [
          {
            tenant_id: actor.tenantId,
            user_id: actor.userId,
            tenant_kind: actor.tenantKind,
            name: actor.name,
            roles: JSON.stringify(actor.roles),
          },
        ],
      });
  });
});
