import { z } from 'zod';
import { DeadLetterTopic, defineTopic } from '@workpoint/contracts';
import { createLogger } from '@workpoint/logging';
import type { DeliveryObserver } from './delivery';
import { InProcessBus } from './in-process.bus';

const Topic = defineTopic('test.observed.happened.v1', z.object({ n: z.number().int() }), 'test');
const quiet = () => createLogger('test', 'error', () => undefined);

/** What the bus tells the process's metrics: retries, dead letters, and the messages it still holds (lag). */
describe('delivery observed (metrics)', () => {
  it('tells every retry and dead letter, with group, topic and why', async () => {
    const seen: string[] = [];
    const observer: DeliveryObserver = {
      retried: (group, topic, failure) => void seen.push(`retried ${group} ${topic} ${failure}`),
      deadLettered: (group, topic, code) => void seen.push(`dead ${group} ${topic} ${code}`),
    };
    const bus = new InProcessBus(quiet(), { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, observer);
    let letter!: () => void;
    const lettered = new Promise<void>((r) => (letter = r));
    await bus.subscribe({ topic: DeadLetterTopic, groupId: 'ops', handle: async () => letter() });
    await bus.subscribe({
      topic: Topic,
      groupId: 'a',
      handle: async () => {
        throw new Error('no idea why');
      },
    });
    await bus.publish(Topic, 'k', { n: 1 });
    await lettered;
    await bus.close();
    expect(seen).toEqual([
      'retried a test.observed.happened.v1 unknown',
      'retried a test.observed.happened.v1 unknown',
      'dead a test.observed.happened.v1 attempts-exhausted',
    ]);
  });

  it('counts the messages a group has not done yet as its lag', async () => {
    const bus = new InProcessBus(quiet());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await bus.subscribe({ topic: Topic, groupId: 'slow', handle: () => gate });
    for (let n = 0; n < 3; n++) await bus.publish(Topic, 'k', { n });
    expect(await bus.lag()).toEqual([{ groupId: 'slow', topic: Topic.name, messages: 3 }]);
    release();
    await bus.close();
    expect(await bus.lag()).toEqual([{ groupId: 'slow', topic: Topic.name, messages: 0 }]);
  });
});
