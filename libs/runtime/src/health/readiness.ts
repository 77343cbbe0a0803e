import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { BrokerHealthIndicator } from './broker.health';
import { ConsumersHealthIndicator } from './consumers.health';
import { HEALTH_SETTINGS, type HealthSettings } from './health.settings';
import { ProcessLifecycle } from './process-lifecycle';

/**
 * The process's answers to its probes, for every listener that serves them (the health app,
 * the gateway's DCMP listener and its phone edge):
 * - live: no consumer stopped for good;
 * - ready: running (not starting, not draining), the broker answers (cached, bounded), and `SELECT 1` succeeds on the
 *   data source within the timeout where the process has one.
 * A change of readiness is logged once, with the checks that failed.
 */
@Injectable()
export class Readiness {
  private readonly checks: HealthIndicatorFunction[];
  private wasReady?: boolean;

  constructor(
    private readonly health: HealthCheckService,
    private readonly consumers: ConsumersHealthIndicator,
    private readonly lifecycle: ProcessLifecycle,
    private readonly logger: Logger,
    broker: BrokerHealthIndicator,
    database: TypeOrmHealthIndicator,
    @Inject(HEALTH_SETTINGS) settings: HealthSettings,
    @Optional() dataSource?: DataSource,
  ) {
    this.checks = [
      () => broker.check('broker'),
      ...(dataSource ? [() => database.pingCheck('database', { connection: dataSource, timeout: settings.checkTimeoutMs })] : []),
    ];
  }

  alive(): boolean {
    return this.consumers.check('consumers').consumers?.status === 'up';
  }

  async ready(): Promise<boolean> {
    if (this.lifecycle.phase !== 'running') return this.changed(false, [this.lifecycle.phase]);
    try {
      await this.health.check(this.checks);
      return this.changed(true, []);
    } catch (error) {
      // Terminus reports a failed check as 503 with its result; anything else is a bug of ours.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown> };
      return this.changed(false, Object.keys(result.error ?? {}));
    }
  }

  private changed(ready: boolean, down: string[]): boolean {
    if (this.wasReady !== ready) {
      if (ready) this.logger.info('ready');
      else this.logger.warn('not ready', { down });
    }
    this.wasReady = ready;
    return ready;
  }
}
