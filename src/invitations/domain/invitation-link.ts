import type { EmailDraft } from './events';

/** R3: the personalised link identifies the partner and the request. */
export function invitationUrl(
  baseUrl: string,
  partnerTenantId: string,
  invitationId: string,
  includeDelegatedAdmin: boolean,
): string {
  const url = new URL(baseUrl);
  url.searchParams.set('invType', 'ResellerRelationship');
  url.searchParams.set('partnerId', partnerTenantId);
  url.searchParams.set('invitationId', invitationId);
  url.searchParams.set('DAP', String(includeDelegatedAdmin));
  return url.toString();
}

export function defaultEmailDraft(
  partnerName: string,
  link: string,
  includeDelegatedAdmin: boolean,
): EmailDraft {
  const rights = includeDelegatedAdmin
    ? ' and to grant us delegated administration privileges for Azure Active Directory and Office 365'
    : '';
  return {
    subject: `${partnerName} would like to become your Microsoft Cloud Solution Provider`,
    body: [
      'Dear customer,',
      '',
      `${partnerName} invites you to a reseller relationship${rights}.`,
      'To accept, a Global admin of your organisation selects the link below and follows the steps in the Microsoft 365 admin center:',
      '',
      link,
      '',
      `Regards,`,
      partnerName,
    ].join('\n'),
  };
}

/** The product sends no mail (R3): the partner opens this in their own mail program. */
export function mailtoUrl(draft: EmailDraft): string {
  return `mailto:?subject=${encodeURIComponent(draft.subject)}&body=${encodeURIComponent(draft.body)}`;
}
