/**
 * A decider folds an aggregate's history into state and turns a command into new events.
 * `decide` is the only place business rules live; it is pure: time, ids and settings arrive
 * through its arguments, never from the environment.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, now: Date): Event[];
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

/**
 * The default of an `evolve` switch: exhaustive at compile time (every event of the aggregate is
 * handled), and at run time a known event of another aggregate leaves the state as it is.
 */
export function unhandled<State>(state: State, _event: never): State {
  return state;
}
