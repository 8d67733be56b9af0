import { ruledOutByName } from '../../src/audit/domain/audit-visibility';
import { parseStreamId, streamIds } from '../../src/platform/domain/streams';
import { gdapStreamId, partnerAccessStreamId } from '../../src/gdap/domain/gdap-ids';
import { customerGlobalAdmin, operator, partnerUser } from '../support/given';

const contoso = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
const litware = partnerUser(['AdminAgent'], { tenantId: 'litware' });
const fabrikam = customerGlobalAdmin({ tenantId: 'fabrikam.example' });
const woodgrove = customerGlobalAdmin({ tenantId: 'woodgrove' });

const ruledOut = (actor: Parameters<typeof ruledOutByName>[0], streamId: string) =>
  ruledOutByName(actor, parseStreamId(streamId)!);

describe('history: a stream whose name rules the caller out is refused before it is read', () => {
  const pairStreams = [
    streamIds.relationship('contoso-partners', 'fabrikam.example'),
    streamIds.dapGrant('contoso-partners', 'fabrikam.example'),
    streamIds.serviceRequests('contoso-partners', 'fabrikam.example'),
    partnerAccessStreamId('contoso-partners', 'fabrikam.example'),
    streamIds.revocationClaim('contoso-partners', 'fabrikam.example', 'DELEGATED_ADMIN'),
  ];

  it('R17, R42: a pair’s stream is for that partner and that customer (a dotted tenant id too), and the Operator', () => {
    for (const streamId of pairStreams) {
      expect({ streamId, contoso: ruledOut(contoso, streamId) }).toEqual({
        streamId,
        contoso: false,
      });
      expect({ streamId, fabrikam: ruledOut(fabrikam, streamId) }).toEqual({
        streamId,
        fabrikam: false,
      });
      expect(ruledOut(operator(), streamId)).toBe(false);
      expect(ruledOut(litware, streamId)).toBe(true);
      expect(ruledOut(woodgrove, streamId)).toBe(true);
    }
  });

  it('R17, R42: among partners only the partner reads its GDAP stream, among customers only the customer its Autopilot registry; the others are judged by the events', () => {
    expect(ruledOut(contoso, gdapStreamId('contoso-partners'))).toBe(false);
    expect(ruledOut(litware, gdapStreamId('contoso-partners'))).toBe(true);
    expect(ruledOut(fabrikam, gdapStreamId('contoso-partners'))).toBe(false);
    expect(ruledOut(fabrikam, streamIds.autopilot('fabrikam.example'))).toBe(false);
    expect(ruledOut(woodgrove, streamIds.autopilot('fabrikam.example'))).toBe(true);
    expect(ruledOut(litware, streamIds.autopilot('fabrikam.example'))).toBe(false);
    for (const actor of [contoso, litware, fabrikam, woodgrove]) {
      expect(ruledOut(actor, streamIds.subscription('5f1b6c0e-2d7a-4f39-9a51-0c2f3e4d5a6b'))).toBe(
        false,
      );
      expect(ruledOut(actor, streamIds.invitation('0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b'))).toBe(
        false,
      );
    }
  });
});
