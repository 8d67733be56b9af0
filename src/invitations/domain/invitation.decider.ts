import { type Actor, isCustomerGlobalAdmin, isPartnerUser } from '../../platform/domain/actor';
import { assertNever, type Decider, unhandled } from '../../platform/domain/decider';
import {
  conflict,
  type DomainError,
  forbidden,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../../platform/domain/domain-error';
import type { InvitationCommand } from './commands';
import type { EmailDraft, IntendedCustomer, InvitationEvent } from './events';
import { isSystemTenantId, quote } from '../../platform/domain/ids';
import { canSeeInvitation, isAddressedTo } from './invitation-visibility';
import { defaultEmailDraft, invitationUrl } from './invitation-link';
import {
  hasMoreCharactersThan,
  isPrintable,
  isPrintableText,
} from '../../platform/domain/printable-text';

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'CANCELLED' | 'EXPIRED';
/** What events decided; EXPIRED is not an event but the passing of time (R6). */
export type InvitationOutcome = Exclude<InvitationStatus, 'EXPIRED'>;

export type InvitationState =
  | { exists: false }
  | {
      exists: true;
      invitationId: string;
      partnerTenantId: string;
      partnerName: string;
      includeDelegatedAdmin: boolean;
      intendedCustomer: IntendedCustomer | null;
      invitationUrl: string;
      emailDraft: EmailDraft;
      expiresAt: Date;
      outcome: InvitationOutcome;
      acceptedBy?: string;
    };

type ExistingInvitation = Extract<InvitationState, { exists: true }>;

/** R6: a pending invitation is expired once its time has passed. */
export function invitationStatus(
  invitation: { outcome: InvitationOutcome; expiresAt: Date },
  now: Date,
): InvitationStatus {
  if (invitation.outcome !== 'PENDING') return invitation.outcome;
  return now.getTime() >= invitation.expiresAt.getTime() ? 'EXPIRED' : 'PENDING';
}

const SUBJECT_MAX = 255;
const BODY_MAX = 20_000;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function request(
  command: Extract<InvitationCommand, { type: 'RequestResellerRelationship' }>,
  state: InvitationState,
  now: Date,
): InvitationEvent[] {
  const { actor } = command;
  if (!isPartnerUser(actor, 'AdminAgent', 'SalesAgent')) {
    throw forbidden(
      'R1',
      'Only a partner Admin agent or Sales agent may request a reseller relationship.',
    );
  }
  if (state.exists) throw conflict(`Invitation ${command.invitationId} already exists.`);
  const intended = normaliseIntendedCustomer(command.intendedCustomer);
  if (intended?.tenantId?.toLowerCase() === actor.tenantId.toLowerCase()) {
    throw invalidInput(
      'A partner cannot invite its own tenant: a partner can never accept an invitation.',
      'R5',
    );
  }
  const link = invitationUrl(
    command.invitationBaseUrl,
    actor.tenantId,
    command.invitationId,
    command.includeDelegatedAdmin,
  );
  const partnerName = actor.tenantName ?? actor.tenantId;
  return [
    {
      type: 'InvitationCreated',
      data: {
        invitationId: command.invitationId,
        partnerTenantId: actor.tenantId,
        customerTenantId: intended?.tenantId ?? null,
        partnerName,
        includeDelegatedAdmin: command.includeDelegatedAdmin,
        intendedCustomer: intended,
        invitationUrl: link,
        emailDraft: defaultEmailDraft(partnerName, link, command.includeDelegatedAdmin),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + command.ttlMs).toISOString(),
      },
    },
  ];
}

function normaliseIntendedCustomer(intended: IntendedCustomer | null): IntendedCustomer | null {
  if (intended?.tenantId !== undefined && !intended.tenantId.trim()) {
    throw invalidInput(
      'customerTenantId cannot be blank; omit it to let any customer accept.',
      'R4',
    );
  }
  if (intended?.domain !== undefined && !intended.domain.trim()) {
    throw invalidInput('customerDomain cannot be blank; omit it to let any customer accept.', 'R4');
  }
  const tenantId = intended?.tenantId?.trim() || undefined;
  if (tenantId && isSystemTenantId(tenantId.toLowerCase())) {
    throw invalidInput(
      `${quote(tenantId)} is the product's own tenant id, never a customer's; no one could accept it.`,
      'R4',
    );
  }
  const domain = intended?.domain?.trim().toLowerCase() || undefined;
  if (domain && !DOMAIN_PATTERN.test(domain)) {
    throw invalidInput(
      `${quote(domain)} is not a domain name such as fabrikam.onmicrosoft.com.`,
      'R4',
    );
  }
  return tenantId || domain ? { tenantId, domain } : null;
}

/**
 * The invitation a partner Admin or Sales agent of its partner may change. One the caller cannot
 * see (another partner's, or addressed to another customer) is NOT_FOUND; one it sees but may not
 * change (a customer's Global admin it is addressed to, a Helpdesk agent, the Operator), `refusal`.
 */
function ownInvitation(
  state: InvitationState,
  actor: Actor,
  now: Date,
  refusal: DomainError,
): ExistingInvitation {
  const seen =
    state.exists &&
    canSeeInvitation(actor, {
      partnerTenantId: state.partnerTenantId,
      intendedCustomer: state.intendedCustomer,
      acceptedBy: state.acceptedBy ?? null,
      pending: invitationStatus(state, now) === 'PENDING',
    });
  if (!seen) throw notFound('No such invitation.');
  if (!isPartnerUser(actor, 'AdminAgent', 'SalesAgent')) throw refusal;
  return state;
}

function editEmail(
  command: Extract<InvitationCommand, { type: 'EditInvitationEmail' }>,
  state: InvitationState,
  now: Date,
): InvitationEvent[] {
  const invitation = ownInvitation(
    state,
    command.actor,
    now,
    forbidden('R1', 'Only a partner Admin agent or Sales agent may edit an invitation email.'),
  );
  const status = invitationStatus(invitation, now);
  if (status !== 'PENDING') {
    throw preconditionFailed(
      'R3',
      `The invitation is ${status.toLowerCase()}; its email can be edited only before acceptance.`,
    );
  }
  if (!command.subject.trim()) throw invalidInput('The email subject cannot be empty.', 'R3');
  if (
    hasMoreCharactersThan(command.subject, SUBJECT_MAX) ||
    hasMoreCharactersThan(command.body, BODY_MAX)
  ) {
    throw invalidInput(
      `An email subject has at most ${SUBJECT_MAX} characters and a body at most ${BODY_MAX}.`,
      'R3',
    );
  }
  // The customer's Global admin reads both: they must read as typed (a subject is one line).
  if (!isPrintable(command.subject) || !isPrintableText(command.body)) {
    throw invalidInput(
      'An email subject holds no control or text-direction characters, nor a body any but line breaks and tabs.',
      'R3',
    );
  }
  if (!containsExactLink(command.body, invitation.invitationUrl)) {
    throw invalidInput(
      'The email body must contain the exact invitation link: it is personalised to connect the customer to your account.',
      'R3',
    );
  }
  return [
    {
      type: 'InvitationEmailEdited',
      data: {
        invitationId: invitation.invitationId,
        emailDraft: { subject: command.subject, body: command.body },
      },
    },
  ];
}

/**
 * What may stand between white space (or the start) and the link in the same word: nothing, one
 * opening punctuation mark, or a label and a colon (`Link:`). Not another address: a mail program
 * would make `https://evil.example/r:<link>` one link to evil.example.
 */
const OPENS_LINK = /^(?:[(<["']|[A-Za-z]*:)?$/;

/**
 * The link must stand on its own, as a mail program makes it clickable: opening its word (above),
 * and followed by the end, white space or closing punctuation.
 */
function containsExactLink(body: string, link: string): boolean {
  for (let at = body.indexOf(link); at !== -1; at = body.indexOf(link, at + 1)) {
    // A label is short: a word longer than the window read before the link opens nothing.
    const before = body.slice(Math.max(0, at - 64), at);
    const word = /\S*$/.exec(before)![0];
    const opens = (word.length < before.length || at <= 64) && OPENS_LINK.test(word);
    const next = body.charAt(at + link.length);
    if (opens && (next === '' || /[\s)>\].,;:!?"']/.test(next))) return true;
  }
  return false;
}

function cancel(
  command: Extract<InvitationCommand, { type: 'CancelInvitation' }>,
  state: InvitationState,
  now: Date,
): InvitationEvent[] {
  const invitation = ownInvitation(
    state,
    command.actor,
    now,
    forbidden('R6', 'Only a partner Admin agent or Sales agent may cancel an invitation.'),
  );
  const status = invitationStatus(invitation, now);
  if (status !== 'PENDING') {
    throw preconditionFailed(
      'R6',
      `Only a pending invitation can be cancelled; this one is ${status.toLowerCase()}.`,
    );
  }
  return [
    {
      type: 'InvitationCancelled',
      data: { invitationId: invitation.invitationId, partnerTenantId: invitation.partnerTenantId },
    },
  ];
}

function accept(
  command: Extract<InvitationCommand, { type: 'AcceptResellerInvitation' }>,
  state: InvitationState,
  now: Date,
): InvitationEvent[] {
  const { actor } = command;
  if (!isCustomerGlobalAdmin(actor)) {
    throw forbidden(
      'R5',
      actor.tenantKind === 'partner'
        ? 'A partner can never accept a reseller invitation; the customer’s Global admin accepts it.'
        : 'Only a Global admin of the customer tenant may accept a reseller invitation.',
    );
  }
  if (!state.exists) throw notFound('No such invitation.');
  // Tenant ids are normalised where they enter (ids.ts), so one tenant has one id here.
  if (actor.tenantId === state.partnerTenantId) {
    throw forbidden(
      'R5',
      'A partner can never accept its own invitation, not even with a customer token for its own tenant.',
    );
  }
  // R6 before R4: the invitation's own state is reported before whom it is addressed to.
  const status = invitationStatus(state, now);
  if (status === 'ACCEPTED') throw conflict('This invitation has already been accepted.', 'R6');
  if (status !== 'PENDING') {
    throw preconditionFailed(
      'R6',
      `This invitation is ${status.toLowerCase()} and can no longer be accepted; ask the partner for a new one.`,
    );
  }
  if (!isAddressedTo(state.intendedCustomer, actor)) {
    throw forbidden(
      'R4',
      'This invitation is addressed to another customer; only that customer can accept it.',
    );
  }
  return [
    {
      type: 'InvitationAccepted',
      data: {
        invitationId: state.invitationId,
        partnerTenantId: state.partnerTenantId,
        customerTenantId: actor.tenantId,
        partnerName: state.partnerName,
        includeDelegatedAdmin: state.includeDelegatedAdmin,
        customer: {
          tenantId: actor.tenantId,
          name: actor.tenantName ?? actor.tenantId,
          ...(actor.tenantDomain ? { domain: actor.tenantDomain.toLowerCase() } : {}),
        },
      },
    },
  ];
}

export const invitationDecider: Decider<InvitationCommand, InvitationEvent, InvitationState> = {
  initialState: { exists: false },

  evolve(state, event) {
    switch (event.type) {
      case 'InvitationCreated':
        return {
          exists: true,
          invitationId: event.data.invitationId,
          partnerTenantId: event.data.partnerTenantId,
          partnerName: event.data.partnerName,
          includeDelegatedAdmin: event.data.includeDelegatedAdmin,
          intendedCustomer: event.data.intendedCustomer,
          invitationUrl: event.data.invitationUrl,
          emailDraft: event.data.emailDraft,
          expiresAt: new Date(event.data.expiresAt),
          outcome: 'PENDING',
        };
      case 'InvitationEmailEdited':
        return state.exists ? { ...state, emailDraft: event.data.emailDraft } : state;
      case 'InvitationCancelled':
        return state.exists ? { ...state, outcome: 'CANCELLED' } : state;
      case 'InvitationAccepted':
        return state.exists
          ? { ...state, outcome: 'ACCEPTED', acceptedBy: event.data.customer.tenantId }
          : state;
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state, now) {
    switch (command.type) {
      case 'RequestResellerRelationship':
        return request(command, state, now);
      case 'EditInvitationEmail':
        return editEmail(command, state, now);
      case 'CancelInvitation':
        return cancel(command, state, now);
      case 'AcceptResellerInvitation':
        return accept(command, state, now);
      default:
        return assertNever(command);
    }
  },
};
