/** Holds each of `count` parties at `arrive()` until all of them have arrived. */
export class Barrier {
  arrived = 0;
  private readonly all = Promise.withResolvers<void>();

  constructor(private readonly count: number) {}

  arrive(): Promise<void> {
    if (++this.arrived === this.count) this.all.resolve();
    return this.all.promise;
  }
}
