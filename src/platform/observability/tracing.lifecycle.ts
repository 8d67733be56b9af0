import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SETTINGS, type Settings } from '../config/settings';
import { startTracing, type StopTracing } from './tracing';

/**
 * Tracing for the server's lifetime, when an OTLP endpoint is set; what is pending is sent at
 * shutdown, unless the collector is down or slow: then the spans are dropped with a warning and
 * the server stops as it would without tracing.
 */
@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private readonly stop?: StopTracing;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.stop = startTracing(settings);
  }

  async onApplicationShutdown(): Promise<void> {
    const unsent = await this.stop?.();
    if (unsent) this.logger.warn(`pending spans were not sent: ${unsent}`);
  }
}
