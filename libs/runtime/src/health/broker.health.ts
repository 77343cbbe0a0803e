import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BUS, type Bus } from '@workpoint/messaging';
import { HEALTH_SETTINGS, type HealthSettings } from './health.settings';

/**
 * Up while the broker answers a metadata request (Bus.reachable: kafkajs describeCluster; the
 * in-process bus while open). The answer is cached for `brokerCacheMs`, and one question at a
 * time goes to the broker: probes every second from several orchestrators cost one round trip.
 * A broker that does not answer within `checkTimeoutMs` counts as down, so a hung broker shows
 * as not ready within seconds instead of after kafkajs's 30 s request timeout.
 */
@Injectable()
export class BrokerHealthIndicator {
  private last?: { at: number; up: boolean };
  /** The question in flight to the broker, reused until it settles (even past its timeout). */
  private asking?: Promise<void>;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    return (await this.up()) ? session.up() : session.down();
  }

  private async up(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < this.settings.brokerCacheMs) return this.last.up;
    this.asking ??= this.bus.reachable().finally(() => (this.asking = undefined));
    const up = await withinTimeout(this.asking, this.settings.checkTimeoutMs);
    this.last = { at: Date.now(), up };
    return up;
  }
}

function withinTimeout(question: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    question.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(false)),
    );
  });
}
