import { CustomersResolver } from './customers/customers.resolver';
import { InvitationsResolver } from './invitations/invitations.resolver';
import { MeResolver } from './me.resolver';
import { OperatorResolver } from './operator/operator.resolver';

export const resolvers = [MeResolver, InvitationsResolver, CustomersResolver, OperatorResolver];
