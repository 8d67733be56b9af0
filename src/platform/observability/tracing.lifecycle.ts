import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SETTINGS, type Settings } from '../config/settings';
import { startTracing } from './tracing';

/** Tracing for the server's lifetime, when an OTLP endpoint is set; what is pending is sent at shutdown. */
@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  private readonly stop?: () => Promise<void>;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.stop = startTracing(settings);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }
}
