import type { Actor, PartnerRole } from '../../src/platform/domain/actor';
import { type Decider, fold } from '../../src/platform/domain/decider';
import {
  DomainError,
  type DomainErrorCode,
  type RuleId,
} from '../../src/platform/domain/domain-error';

/** What a decider answered to one command: the events it decided, or the error it threw. */
export interface Outcome<Event> {
  /** The decided events; fails the test (rethrowing) if the command was refused. */
  events(): Event[];
  /** Asserts the command decided no events at all. */
  thenNothing(): void;
  /** Asserts the command was refused with a DomainError of this code and rule (undefined: none). */
  thenThrows(code: DomainErrorCode, rule: RuleId | undefined): DomainError;
}

export interface Scenario<Command, Event, State> {
  /** The state folded from the history. */
  readonly state: State;
  when(command: Command, now: Date): Outcome<Event>;
}

/** `given(decider, history).when(command, now)`: folds the history, then decides the command. */
export function given<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  history: readonly Event[] = [],
): Scenario<Command, Event, State> {
  const state = fold(decider, history);
  return {
    state,
    when(command, now) {
      let decided: Event[] | undefined;
      let thrown: unknown;
      try {
        decided = decider.decide(command, state, now);
      } catch (error) {
        thrown = error;
      }
      return {
        events() {
          if (decided === undefined) throw thrown;
          return decided;
        },
        thenNothing() {
          if (decided === undefined) throw thrown;
          expect(decided).toEqual([]);
        },
        thenThrows(code, rule) {
          if (decided !== undefined) {
            throw new Error(
              `Expected ${code} (${rule ?? 'no rule'}), but decided ${JSON.stringify(decided)}`,
            );
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect({ code: error.code, rule: error.rule }).toEqual({ code, rule });
          expect(error.message.length).toBeGreaterThan(0);
          return error;
        },
      };
    },
  };
}

/** Function form: fold `history`, decide `command` at `now`, return the events (or throw). */
export const decideOn = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
  history: readonly Event[],
  command: Command,
  now: Date,
): Event[] => decider.decide(command, fold(decider, history), now);

let userCounter = 0;
const nextUserId = (prefix: string): string => `${prefix}-${++userCounter}`;

export function partnerUser(
  roles: PartnerRole[] = ['AdminAgent'],
  overrides: Partial<Actor> = {},
): Actor {
  return {
    userId: nextUserId('partner-user'),
    name: 'Ann Partner',
    tenantId: 'partner-contoso',
    tenantKind: 'partner',
    tenantName: 'Contoso Partner',
    roles,
    ...overrides,
  };
}

export function customerUser(roles: string[] = [], overrides: Partial<Actor> = {}): Actor {
  return {
    userId: nextUserId('customer-user'),
    name: 'Carl Customer',
    tenantId: 'customer-fabrikam',
    tenantKind: 'customer',
    tenantName: 'Fabrikam',
    tenantDomain: 'fabrikam.onmicrosoft.com',
    roles,
    ...overrides,
  };
}

export const customerGlobalAdmin = (overrides: Partial<Actor> = {}): Actor =>
  customerUser(['GlobalAdmin'], overrides);

export const operator = (overrides: Partial<Actor> = {}): Actor => ({
  userId: nextUserId('operator'),
  name: 'Olga Operator',
  tenantId: 'operator',
  tenantKind: 'operator',
  roles: ['Operator'],
  ...overrides,
});
