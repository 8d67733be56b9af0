import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { SETTINGS, type Settings } from '../config/settings';
import { type Command, CommandBus } from '@nestjs/cqrs';
import type { DomainEvent } from '../../events';
import type { RevocableFact } from '../domain/revocation-fences';
import type { Decider } from '../domain/decider';
import { AggregateStore } from '../write/aggregate-store';
import type { CommandOutcome } from '../write/command-context';
import { Revocations } from '../write/revocations';
import type { PolicyContext } from './policy';

/** A follow-up that decides a command on one stream (from a room's `domain/policies.ts`). */
export interface DecideFollowUp<DomainCommand> {
  kind: 'decide';
  streamId: string;
  command: DomainCommand;
  /**
   * Decide nothing if the stream recorded anything after the trigger: what it recorded since
   * happened after the trigger, and the command, decided as of the trigger, would undo it. A command
   * that tells by its facts what happened since (`withFacts`) leaves this unset.
   */
  unlessChangedSinceTrigger?: true;
  /**
   * The command takes this fact of the pair away: it is decided as a revocation, which fences the
   * partner's streams that depend on the fact first (revocations.ts).
   */
  revokes?: {
    fact: RevocableFact;
    partnerTenantId: string;
    customerTenantId: string;
    /** Why its events revoke the fact, recorded on the fences (Revocation.reasonOf). */
    reasonOf?: (events: readonly DomainEvent[]) => string | undefined;
    /** The revocation it follows fenced those streams already (Revocation.alreadyFenced). */
    alreadyFenced?: true;
  };
}

/** How a room finishes a revocation that fenced the partner's streams and then stopped. */
export interface Resumption {
  /** The revocation's fact stream, and the revision its fences were decided on. */
  factStream: string;
  factRevision: number;
  /** The room's use case, told to finish the revocation at that revision. */
  command: Command<CommandOutcome>;
}

const isDecision = <DomainCommand, Other extends { kind: string }>(
  followUp: DecideFollowUp<DomainCommand> | Other,
): followUp is DecideFollowUp<DomainCommand> => followUp.kind === 'decide';

/**
 * What every policy does with the follow-ups its room's pure `react` returns, in order: decide
 * each command on its stream, as of the trigger, inline or replayed alike; finish each
 * interrupted revocation through the room's use case, unless this process is finishing it already.
 */
@Injectable()
export class FollowUps {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly commandBus: CommandBus,
    private readonly revocations: Revocations,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** Resolves with the position of the last event appended (0: none). */
  async run<DomainCommand, Event extends DomainEvent, State, Resume extends { kind: string }>(
    followUps: readonly (DecideFollowUp<DomainCommand> | Resume)[],
    context: PolicyContext,
    decider: Decider<DomainCommand, Event, State>,
    resumption: (followUp: Resume) => Resumption,
    withFacts?: (command: DomainCommand) => Promise<DomainCommand>,
  ): Promise<number> {
    let position = 0;
    for (const followUp of followUps) {
      const appended = isDecision(followUp)
        ? await this.decide(followUp, context, decider, withFacts)
        : await this.resume(resumption(followUp), context);
      position = Math.max(position, appended);
    }
    return position;
  }

  private async decide<DomainCommand, Event extends DomainEvent, State>(
    { streamId, command, unlessChangedSinceTrigger, revokes }: DecideFollowUp<DomainCommand>,
    context: PolicyContext,
    decider: Decider<DomainCommand, Event, State>,
    withFacts?: (command: DomainCommand) => Promise<DomainCommand>,
  ): Promise<number> {
    if (revokes) {
      const { fact, reasonOf, alreadyFenced, ...pair } = revokes;
      const { position } = await this.revocations.revoke({
        streamId,
        decider,
        command,
        revoking: fact,
        pair,
        context,
        withFacts,
        reasonOf,
        alreadyFenced,
      });
      return position;
    }
    const decided = await this.aggregates.decide(streamId, decider, command, context, {
      unlessChangedAfter: unlessChangedSinceTrigger ? context.triggeredAt : undefined,
      withFacts,
    });
    return decided.position;
  }

  private async resume(
    { factStream, factRevision, command }: Resumption,
    { occurredAt }: PolicyContext,
  ): Promise<number> {
    const here = this.revocations.ranHere(factStream, factRevision);
    if (here && (await here)) return 0;
    // Begun a moment ago on another instance, which is most likely finishing it: this one finishes
    // it only once it has stalled, or finds it finished (the use case then does nothing). One this
    // process began and failed is finished at once.
    const stalledAfter = this.settings.REVOCATION_STALLED_AFTER_MS;
    const sinceBegun = occurredAt ? Date.now() - occurredAt.getTime() : stalledAfter;
    if (!here && sinceBegun < stalledAfter) await sleep(stalledAfter - Math.max(0, sinceBegun));
    const { position } = await this.commandBus.execute(command);
    return position;
  }
}
