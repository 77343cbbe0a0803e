import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BUS, type Bus } from '@workpoint/messaging';

/** Down once a consumer stopped for good (Bus.live): liveness fails, and the orchestrator restarts the process. */
@Injectable()
export class ConsumersHealthIndicator {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly indicator: HealthIndicatorService,
  ) {}

  check(key: string): HealthIndicatorResult {
    const session = this.indicator.check(key);
    return this.bus.live() ? session.up() : session.down();
  }
}
