import type { EmailDraft } from '../../invitations/domain/events';

/** Where Microsoft 365 shows a customer's Global admin a GDAP request (Graph's link). */
export const GDAP_APPROVAL_BASE_URL =
  'https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships';

/** R61: the link a customer's Global admin follows to review and approve the relationship. */
export function approvalUrl(baseUrl: string, relationshipId: string): string {
  return `${baseUrl}/${encodeURIComponent(relationshipId)}`;
}

/** R61, like R3: the product sends no mail; the partner sends this draft from its own mail. */
export function approvalEmailDraft(
  partnerName: string,
  relationshipName: string,
  roles: readonly { displayName: string }[],
  duration: string,
  link: string,
): EmailDraft {
  return {
    subject: `${partnerName} asks for granular delegated admin privileges`,
    body: [
      'Dear customer,',
      '',
      `${partnerName} asks for a granular delegated admin relationship “${relationshipName}” for ${duration}, with these Microsoft Entra roles: ${roles.map((role) => role.displayName).join(', ')}.`,
      'To approve, a Global admin of your organisation selects the link below and reviews the request in the Microsoft 365 admin center:',
      '',
      link,
      '',
      'Regards,',
      partnerName,
    ].join('\n'),
  };
}
