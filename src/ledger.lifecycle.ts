import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AuditSealer } from './audit/audit-sealer';
import { IdempotencyKeys } from './graphql/idempotency/idempotency-keys';
import { FollowUpReactor } from './commands/follow-ups/follow-up.reactor';
import { SETTINGS, type Settings } from './config/settings';
import { EVENT_STORE, type EventStore } from './event-store/event-store';
import { PROJECTOR, type Projector } from './projection-engine/projector';
import { READ_STORE, type ReadStore } from './read-store/read-store';

/**
 * Before the server answers: read models caught up, then any follow-up a crash interrupted
 * completed and visible; the audit sealer then follows the store. On shutdown the writers stop
 * first and the stores close last.
 */
@Injectable()
export class LedgerLifecycle
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly followUps: FollowUpReactor,
    private readonly sealer: AuditSealer,
    private readonly idempotencyKeys: IdempotencyKeys,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.engine.start();
  }

  /** Follow-ups dispatch commands, whose handlers the command bus registers at bootstrap. */
  async onApplicationBootstrap(): Promise<void> {
    await this.followUps.start();
    await this.engine.waitFor(
      await this.store.headPosition(),
      this.settings.READ_YOUR_WRITES_TIMEOUT_MS,
    );
    this.sealer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sealer.stop();
    await this.followUps.stop();
    await this.engine.stop();
    this.readStore.close();
    this.idempotencyKeys.close();
    await this.store.close();
  }
}
