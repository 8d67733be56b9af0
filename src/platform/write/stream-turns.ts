/**
 * Gives the commands of one stream their turn one after another, in arrival order, within this
 * process. Commands racing for a stream many callers share (a tenant's Autopilot registry) then
 * wait for each other instead of all but one failing the expected revision and reading and
 * deciding again, until they run out of attempts. Other processes are still ordered by the
 * expected revision alone. Work must never wait for another turn on its own stream: that turn
 * comes only after it.
 */
export class StreamTurns {
  private readonly last = new Map<string, Promise<void>>();

  take<Result>(streamId: string, work: () => Promise<Result>): Promise<Result> {
    const previous = this.last.get(streamId) ?? Promise.resolve();
    const result = previous.then(work);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(streamId, done);
    void done.then(() => {
      if (this.last.get(streamId) === done) this.last.delete(streamId);
    });
    return result;
  }
}
