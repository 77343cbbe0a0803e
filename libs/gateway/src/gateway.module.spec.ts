import { Test } from '@nestjs/testing';
import { BUS, type Bus, InProcessBus } from '@workpoint/messaging';
import { ProcessCoreModule } from '@workpoint/runtime';
import { capturingLogger } from '@workpoint/testing';
import { generate } from 'selfsigned';
import { GatewayModule } from './gateway.module';
import { GatewayService } from './gateway.service';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings';
import { gatewayTestSettings } from './testing/gateway-test-doubles';

describe('GatewayModule.forRootAsync', () => {
  it('builds the gateway from the settings its factory resolves, on the bus the test puts in', async () => {
    const { logger } = capturingLogger();
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
    const bus = new InProcessBus(logger);
    const groups: string[] = [];
    const recording: Bus = {
      publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
      subscribe: (subscription) => {
        groups.push(subscription.groupId);
        return bus.subscribe(subscription);
      },
      ensureTopics: async () => undefined,
      reachable: () => bus.reachable(),
      live: () => bus.live(),
      stopConsuming: () => bus.stopConsuming(),
      close: () => bus.close(),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        ProcessCoreModule.forRoot({ bus, logger }),
        GatewayModule.forRootAsync({ useFactory: async (): Promise<GatewaySettings> => gatewayTestSettings(pems, { gatewayId: 'gw-async' }) }),
      ],
    })
      .overrideProvider(BUS)
      .useValue(recording)
      .compile();
    try {
      expect(moduleRef.get<GatewaySettings>(GATEWAY_SETTINGS).gatewayId).toBe('gw-async');
      await moduleRef.init();
      expect(groups).toContain('workpoint-gateway-gw-async');
      expect(moduleRef.get(GatewayService).port).toBeGreaterThan(0);
    } finally {
      await moduleRef.close();
      await bus.close();
    }
  }, 30_000);
});
