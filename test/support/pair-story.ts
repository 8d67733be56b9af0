import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { removeDataDir, startApp, type TestApp } from './app';
import { EsdbDouble } from './esdb-double/esdb-double';
import { people } from './tenants';

/**
 * A pair story's app on one store, Contoso's Admin agent (`ann`) and Fabrikam's Global admin
 * (`fay`) signed in: started before each test of a `describeOnBothStores` block, closed after.
 */
export interface PairStory {
  readonly app: TestApp;
  readonly ann: string;
  readonly fay: string;
  eventStore(): EventStore;
  /** The types of the events on `streamId`, oldest first. */
  types(streamId: string): Promise<string[]>;
  /** Closes the app and starts it again on the same data, as after a crash; signs both in again. */
  restart(): Promise<void>;
}

export function pairStoryOn(onEsdb: boolean): PairStory {
  let double: EsdbDouble | undefined;
  let app!: TestApp;
  let ann = '';
  let fay = '';
  const env = (): Record<string, string> => (double ? { EVENTSTORE_URL: double.url } : {});
  const signIn = async () => {
    [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
  };
  const eventStore = () => app.app.get<EventStore>(EVENT_STORE);

  beforeEach(async () => {
    double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    app = await startApp({ env: env() });
    await signIn();
  });
  afterEach(async () => {
    await app.close();
    await double?.stop();
    removeDataDir(app.dataDir);
  });

  return {
    get app() {
      return app;
    },
    get ann() {
      return ann;
    },
    get fay() {
      return fay;
    },
    eventStore,
    types: async (streamId) =>
      (await eventStore().readStream(streamId)).map((event: RecordedEvent) => event.type),
    restart: async () => {
      const { dataDir } = app;
      await app.close();
      app = await startApp({ dataDir, env: env() });
      await signIn();
    },
  };
}
