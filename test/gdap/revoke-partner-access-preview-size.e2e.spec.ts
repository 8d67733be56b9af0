import { randomUUID } from 'node:crypto';
import { gdapStreamId } from '../../src/gdap/domain/gdap-ids';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { newEvent } from '../support/events';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';
import { readModelsCaughtUp } from '../support/caught-up';

const PARTNER = 'contoso-partners';
const RELATIONSHIPS = 501;
const PREVIEW = `{ previewRevokePartnerAccess(partnerTenantId: "${PARTNER}") { grants { kind } } }`;
const nia = { ...people.fay, sub: 'nia', name: 'Nia', tid: 'northwind', tenant_name: 'Northwind' };

/** One active GDAP relationship of the partner with northwind, as its events record it. */
function activeRelationship(index: number) {
  const pair = {
    relationshipId: `${randomUUID()}@${PARTNER}`,
    partnerTenantId: PARTNER,
    customerTenantId: 'northwind',
  };
  const at = '2026-11-30T09:00:00.000Z';
  return [
    newEvent('DelegatedAdminRelationshipCreated', {
      ...pair,
      partnerName: 'Contoso Partners',
      displayName: `Northwind ${index}`,
      duration: 'P730D',
      roles: [DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR],
      autoExtendDuration: null,
    }),
    newEvent('DelegatedAdminRelationshipApprovalRequested', {
      ...pair,
      approvalUrl: `https://admin.microsoft.com/approve/${index}`,
      emailDraft: { subject: 'Approve', body: 'Approve' },
      expiresAt: '2027-02-28T09:00:00.000Z',
    }),
    newEvent('DelegatedAdminRelationshipApproved', {
      ...pair,
      approvedByUserId: 'nia',
      activatedAt: at,
      endDateTime: '2028-11-29T09:00:00.000Z',
    }),
  ];
}

describe('the revocation preview of a partner with many GDAP relationships', () => {
  const app = appForSuite();

  it('R68: lists every granting relationship, past any page size (revokePartnerAccess ends them all)', async () => {
    const store = app.app.get<EventStore>(EVENT_STORE);
    const events = Array.from({ length: RELATIONSHIPS }, (_, index) =>
      activeRelationship(index),
    ).flat();
    await store.append(gdapStreamId(PARTNER), events, 'any');
    await readModelsCaughtUp(app, 30_000);

    const answer = await app.gql(await app.token(nia), PREVIEW);
    expect(answer.errors).toBeUndefined();
    const kinds = answer.data.previewRevokePartnerAccess.grants.map(
      (grant: { kind: string }) => grant.kind,
    );
    expect(kinds.filter((kind: string) => kind === 'GDAP_RELATIONSHIP')).toHaveLength(
      RELATIONSHIPS,
    );
  });
});
