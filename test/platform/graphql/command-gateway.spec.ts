import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { loadSettings } from '../../../src/platform/config/settings';
import { CallerWrites } from '../../../src/platform/consistency/caller-writes';
import {
  notePreviousVersions,
  recordedPosition,
} from '../../../src/platform/consistency/consistency-token';
import { notFound } from '../../../src/platform/domain/domain-error';
import {
  CommandGateway,
  RecordedButGoneError,
  RecordedButNotVisibleError,
} from '../../../src/platform/graphql/command-gateway';
import { formatError } from '../../../src/platform/graphql/error-formatting';
import type { CommandObserver } from '../../../src/platform/observability/command-observer';
import type { Projector } from '../../../src/platform/projection-engine/projector';

/** A gateway whose command records at position 7 and whose read models show it at once. */
function gateway() {
  const bus = { execute: () => Promise.resolve({ position: 7 }) } as unknown as CommandBus;
  const engine = {
    visiblePosition: () => 7,
    waitFor: () => Promise.resolve(),
  } as unknown as Projector;
  const observer = { observe: (_command: unknown, run: () => unknown) => run() };
  return new CommandGateway(
    bus,
    engine,
    loadSettings({ DATA_DIR: '/nonexistent' }),
    observer as unknown as CommandObserver,
    new CallerWrites(),
  );
}

describe('a recorded command whose answer cannot be read', () => {
  const format = formatError(new Logger('test'));

  it('what a later change removed before the answer was read is NOT_FOUND with recorded: true, not NOT_READY (reading again would never show it)', async () => {
    const answered = gateway().execute({} as never, () => {
      throw notFound('No such Autopilot device.');
    });
    const error = await answered.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordedButGoneError);
    expect(format({ message: 'raw' }, error)).toEqual({
      message: expect.stringMatching(
        /^Your change was recorded \(position 7\), but a later change removed .*No such Autopilot device\./,
      ),
      extensions: { code: 'NOT_FOUND', recorded: true, position: 7 },
    });
  });

  it('nothing found in a previous version, which this process may not keep up, is still NOT_READY', async () => {
    const error = await recordedPosition.run({ position: 0 }, async () => {
      notePreviousVersions([{ readModel: 'autopilot', version: 2, position: 3 }]);
      return gateway()
        .execute({} as never, () => {
          throw notFound('No such Autopilot device.');
        })
        .catch((caught: unknown) => caught);
    });
    expect(error).toBeInstanceOf(RecordedButNotVisibleError);
  });

  it('anything else in the way of the answer is still NOT_READY with recorded: true', async () => {
    const answered = gateway().execute({} as never, () => {
      throw new Error('the read model is being rebuilt');
    });
    const error = await answered.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordedButNotVisibleError);
    expect(format({ message: 'raw' }, error).extensions).toEqual({
      code: 'NOT_READY',
      recorded: true,
      position: 7,
    });
  });
});
