import { VisiblePosition } from '../../../src/platform/projection-engine/visible-position';

describe('VisiblePosition', () => {
  it('tells its listeners only when the position or a read model of its own moves', () => {
    const visible = new VisiblePosition();
    const heard: [number, Record<string, number>][] = [];
    const stop = visible.onMoved((position, positions) => heard.push([position, { ...positions }]));

    visible.publish(5, { audit: 5, customers: 7 });
    visible.publish(5, { audit: 5, customers: 7 });
    visible.publish(5, { audit: 5, customers: 8 });
    visible.publish(5, { audit: 5 });
    stop();
    visible.publish(9, { audit: 9 });

    expect(heard).toEqual([
      [5, { audit: 5, customers: 7 }],
      [5, { audit: 5, customers: 8 }],
      [5, { audit: 5 }],
    ]);
  });

  it('resolves a waiter for named read models once they alone reached the position', async () => {
    const visible = new VisiblePosition();
    const waiting = visible.waitFor(10, 1000, ['customers']);
    visible.publish(3, { audit: 3, customers: 10 });
    await expect(waiting).resolves.toBeUndefined();
    expect(visible.reached(10)).toBe(false);
  });
});
