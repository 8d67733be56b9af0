import {
  type AuditFields,
  type AuditRow,
  chainHash,
  GENESIS_HASH,
} from '../../../projections/audit/audit-columns';
import { auditProjection } from '../../../projections/audit/audit.projection';
import {
  at,
  projectionSpec,
  SPEC_ACTOR,
  SPEC_CUSTOMER_ACTOR,
  type SpecEvent,
} from '../../support/projection-spec';

const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };
const establishedV1 = {
  partnerTenantId: 'contoso-partners',
  partnerName: 'Contoso Partners',
  customer: { tenantId: 'fabrikam', name: 'Fabrikam' },
  invitationId: 'i1',
};
const established: SpecEvent = {
  type: 'RelationshipEstablished',
  streamId: 'relationship-contoso-partners_fabrikam',
  schemaVersion: 1,
  data: establishedV1,
  actor: SPEC_CUSTOMER_ACTOR,
};
const ended: SpecEvent = {
  type: 'RelationshipEnded',
  streamId: 'relationship-contoso-partners_fabrikam',
  data: pair,
};

/**
 * The rows with their hashes chained from the genesis, as verify re-derives them: each hash covers
 * the event's data, which the row does not hold.
 */
function chained(entries: Omit<AuditFields, 'hash'>[]): AuditRow[] {
  let previous = GENESIS_HASH;
  return entries.map(({ data, ...row }) => {
    previous = chainHash(previous, { ...row, data });
    return { ...row, hash: previous };
  });
}

const entry = (position: number) => ({
  position,
  event_id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  stream_id: 'relationship-contoso-partners_fabrikam',
  revision: position - 1,
  occurred_at: at(position - 1),
  correlation_id: `correlation-${position}`,
});

describe('audit projection: who did what, on whose behalf (R41)', () => {
  it('R41: each event is an entry naming its pair, with a summary, chained to the one before', () => {
    projectionSpec(auditProjection)
      .given(established)
      .when(ended)
      .then({
        audit_log: chained([
          {
            ...entry(1),
            type: 'RelationshipEstablished',
            actor_user_id: 'fay',
            actor_name: 'Fay',
            actor_tenant_id: 'fabrikam',
            actor_tenant_kind: 'customer',
            actor_tenant_name: 'Fabrikam',
            actor_roles: '["GlobalAdmin"]',
            partner_tenant_id: 'contoso-partners',
            customer_tenant_id: 'fabrikam',
            // The stored (version 1) data, not the upcast form: the hash covers what was stored.
            data: JSON.stringify(establishedV1),
            summary:
              'Fay (Fabrikam, GlobalAdmin) established the reseller relationship between Contoso Partners and Fabrikam',
          },
          {
            ...entry(2),
            type: 'RelationshipEnded',
            actor_user_id: SPEC_ACTOR.userId,
            actor_name: SPEC_ACTOR.name,
            actor_tenant_id: SPEC_ACTOR.tenantId,
            actor_tenant_kind: 'partner',
            actor_tenant_name: 'Contoso Partners',
            actor_roles: '["AdminAgent"]',
            partner_tenant_id: 'contoso-partners',
            customer_tenant_id: 'fabrikam',
            data: JSON.stringify(pair),
            summary:
              'Ann (Contoso Partners, AdminAgent) ended the reseller relationship with Fabrikam',
          },
        ]),
        audit_tenant_names: [
          { tenant_id: 'fabrikam', name: 'Fabrikam' },
          { tenant_id: 'contoso-partners', name: 'Contoso Partners' },
          // The accepted invitation introduced them: each may be named to the other (R17).
          { tenant_id: 'introduced:contoso-partners fabrikam', name: 'yes' },
        ],
      });
  });
});
