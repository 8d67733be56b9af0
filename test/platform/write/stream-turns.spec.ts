import { StreamTurns } from '../../../src/platform/write/stream-turns';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamTurns: one command at a time per stream, in arrival order', () => {
  it('runs the work of one stream one after another, and of other streams meanwhile', async () => {
    const turns = new StreamTurns();
    const log: string[] = [];
    const gate: Record<string, () => void> = {};
    const work = (name: string) => () =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        gate[name] = () => {
          log.push(`end ${name}`);
          resolve(name);
        };
      });
    const first = turns.take('a', work('a1'));
    const second = turns.take('a', work('a2'));
    const other = turns.take('b', work('b1'));
    await settle();
    expect(log).toEqual(['start a1', 'start b1']);
    gate.a1();
    await settle();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    gate.a2();
    gate.b1();
    expect(await Promise.all([first, second, other])).toEqual(['a1', 'a2', 'b1']);
  });

  it('a failed turn answers its caller and lets the next one run', async () => {
    const turns = new StreamTurns();
    const failed = turns.take('a', () => Promise.reject(new Error('refused')));
    const next = turns.take('a', () => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
  });
});
