import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BUS, type Bus } from '@workpoint/messaging';

/** Up while the process's bus is connected (Kafka's producer and consumers; always for the in-process bus). */
@Injectable()
export class BusHealthIndicator {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly indicator: HealthIndicatorService,
  ) {}

  check(key: string): HealthIndicatorResult {
    const session = this.indicator.check(key);
    return this.bus.healthy() ? session.up() : session.down();
  }
}
