import { ConnectionType } from '../platform/graphql/connection.type';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType()
export class EmailDraft {
  @Field() subject!: string;
  @Field() body!: string;
}

@ObjectType({ description: 'A reseller relationship request (R1–R6).' })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field(() => InvitationStatus) status!: InvitationStatus;
  @Field() includeDelegatedAdmin!: boolean;
  @Field({ description: 'The personalised link the customer opens to accept (R3).' })
  invitationUrl!: string;
  @Field(() => EmailDraft) emailDraft!: EmailDraft;
  @Field({ description: 'Opens the draft in the partner’s own mail program; nothing is sent.' })
  mailtoUrl!: string;
  @Field() createdAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => ID) partnerTenantId!: string;
  @Field() partnerName!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The customer it is meant for, or that accepted it.',
  })
  customerTenantId?: string | null;
  @Field(() => String, { nullable: true, description: 'The customer domain it is meant for (R4).' })
  customerDomain?: string | null;
}

@InputType()
export class RequestResellerRelationshipInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Also ask for delegated admin privileges (R2); null is as omitted: true.',
  })
  includeDelegatedAdmin?: boolean | null;
  @Field(() => ID, { nullable: true }) customerTenantId?: string;
  @Field({ nullable: true }) customerDomain?: string;
}

@InputType()
export class EditInvitationEmailInput {
  @Field(() => ID) invitationId!: string;
  @Field() subject!: string;
  @Field() body!: string;
}

@ObjectType()
export class InvitationConnection extends ConnectionType(Invitation) {}
