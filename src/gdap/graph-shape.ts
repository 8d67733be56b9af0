import { invalidInput, type RuleId } from '../platform/domain/domain-error';
import { normaliseTenantId } from '../platform/domain/ids';
import type { RequestedRole } from './domain/commands';
import type {
  DelegatedAdminAccessContainerInput,
  DelegatedAdminAccessDetailsInput,
  DelegatedAdminRelationshipCustomerParticipantInput,
} from './graph-shape.inputs';

type Given<T> = T | null | undefined;

/**
 * The one value given in this API's flat form or in Graph's (graph-shape.inputs.ts): both at
 * once could disagree, so that is refused as much as neither is when `required`.
 */
function eitherForm<T>(
  flat: Given<T>,
  graph: Given<T>,
  names: readonly [flat: string, graph: string],
  rule: RuleId,
  required: boolean,
): T | undefined {
  if (flat != null && graph != null) {
    throw invalidInput(`Give ${names[0]} or ${names[1]}, not both.`, rule);
  }
  const given = flat ?? graph ?? undefined;
  if (given === undefined && required) {
    throw invalidInput(`Give ${names[0]} (or Graph's ${names[1]}).`, rule);
  }
  return given;
}

const rolesOfDetails = (details: Given<DelegatedAdminAccessDetailsInput>) =>
  details?.unifiedRoles.map((role) => role.roleDefinitionId);

/** R60, R65: a relationship's requested roles, as `roles` or Graph's `accessDetails`. */
function requestedRoles(
  input: {
    roles?: Given<RequestedRole[]>;
    accessDetails?: Given<DelegatedAdminAccessDetailsInput>;
  },
  required: boolean,
): RequestedRole[] | undefined {
  const graph = rolesOfDetails(input.accessDetails)?.map((roleTemplateId) => ({ roleTemplateId }));
  return eitherForm(input.roles, graph, ['roles', 'accessDetails'], 'R60', required);
}

/** R60, R61: the customer's name as customerDisplayName or Graph's customer.displayName. */
const customerName = (
  input: {
    customerDisplayName?: Given<string>;
    customer?: Given<DelegatedAdminRelationshipCustomerParticipantInput>;
  },
  rule: RuleId,
): string | undefined =>
  eitherForm(
    input.customerDisplayName,
    input.customer?.displayName,
    ['customerDisplayName', 'customer.displayName'],
    rule,
    false,
  );

/**
 * R60: the customer and roles of a relationship being created, from either form; the customer's
 * id checked as a tenant id under the name of the field it came in, and its name if given in
 * either form (checked by the domain).
 */
export function relationshipToCreate(input: {
  customerTenantId?: Given<string>;
  customerDisplayName?: Given<string>;
  customer?: Given<DelegatedAdminRelationshipCustomerParticipantInput>;
  roles?: Given<RequestedRole[]>;
  accessDetails?: Given<DelegatedAdminAccessDetailsInput>;
}): { customerTenantId: string; customerDisplayName?: string; roles: RequestedRole[] } {
  const customerTenantId = eitherForm(
    input.customerTenantId,
    input.customer?.tenantId,
    ['customerTenantId', 'customer'],
    'R60',
    true,
  )!;
  const field = input.customerTenantId != null ? 'customerTenantId' : 'customer.tenantId';
  return {
    customerTenantId: normaliseTenantId(customerTenantId, field),
    customerDisplayName: customerName(input, 'R60'),
    roles: requestedRoles(input, true)!,
  };
}

/**
 * R61: the customer in an edit: Graph's customer's id checked as a tenant id (the domain refuses
 * another customer), and its name in either form, which a created relationship's partner may change.
 */
export const customerToUpdate = (input: {
  customerDisplayName?: Given<string>;
  customer?: Given<DelegatedAdminRelationshipCustomerParticipantInput>;
}): { customerTenantId?: string; customerDisplayName?: string } => ({
  ...(input.customer
    ? { customerTenantId: normaliseTenantId(input.customer.tenantId, 'customer.tenantId') }
    : {}),
  customerDisplayName: customerName(input, 'R61'),
});

/** R61, R65: the roles an edit asks for, from either form; undefined leaves them as they are. */
export const rolesToUpdate = (input: {
  roles?: Given<RequestedRole[]>;
  accessDetails?: Given<DelegatedAdminAccessDetailsInput>;
}): RequestedRole[] | undefined => requestedRoles(input, false);

/** R66: the roles an access assignment is to give, as roleTemplateIds or Graph's accessDetails. */
export const assignmentRoles = (input: {
  roleTemplateIds?: Given<string[]>;
  accessDetails?: Given<DelegatedAdminAccessDetailsInput>;
}): string[] =>
  eitherForm(
    input.roleTemplateIds,
    rolesOfDetails(input.accessDetails),
    ['roleTemplateIds', 'accessDetails'],
    'R66',
    true,
  )!;

/** R66: the group and roles of an access assignment being created, from either form. */
export function assignmentToCreate(input: {
  securityGroupId?: Given<string>;
  roleTemplateIds?: Given<string[]>;
  accessContainer?: Given<DelegatedAdminAccessContainerInput>;
  accessDetails?: Given<DelegatedAdminAccessDetailsInput>;
}): { securityGroupId: string; roleTemplateIds: string[] } {
  return {
    securityGroupId: eitherForm(
      input.securityGroupId,
      input.accessContainer?.accessContainerId,
      ['securityGroupId', 'accessContainer'],
      'R66',
      true,
    )!,
    roleTemplateIds: assignmentRoles(input),
  };
}
