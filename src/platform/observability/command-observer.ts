import { Injectable } from '@nestjs/common';
import { DomainError } from '../domain/domain-error';
import { Metrics } from './metrics';
import { inSpan } from './tracing';

/**
 * Times each command the gateway runs, by its class name and outcome (OK, a refusal's code,
 * ERROR), in a span of its own.
 */
@Injectable()
export class CommandObserver {
  constructor(private readonly metrics: Metrics) {}

  async observe<Outcome>(command: object, run: () => Promise<Outcome>): Promise<Outcome> {
    const name = command.constructor.name;
    const started = process.hrtime.bigint();
    let outcome = 'OK';
    try {
      return await inSpan(`command ${name}`, { 'ledger.command': name }, run);
    } catch (error) {
      outcome = error instanceof DomainError ? error.code : 'ERROR';
      throw error;
    } finally {
      this.metrics.commandSeconds.observe(
        { command: name, outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }
}
