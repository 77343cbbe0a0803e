import { ContactReceivedTopic, DeadLetterTopic, KAFKA_ACCESS } from '@workpoint/contracts';
import { GATEWAY_VIEW_TOPICS } from './gateway-views.subscriber';

// What `workpoint kafka-topics` tells an administrator to create and grant for the gateway must
// cover what GatewayService ensures at boot, or KAFKA_CREATE_TOPICS=false fails its boot.
describe('the gateway and its Kafka access list', () => {
  const names = (topics: readonly { name: string }[]) => topics.map((t) => t.name);

  it('reads every view topic and writes contacts and dead letters', () => {
    expect(names(KAFKA_ACCESS.gateway.consumes)).toEqual(expect.arrayContaining(names(GATEWAY_VIEW_TOPICS)));
    expect(names(KAFKA_ACCESS.gateway.produces)).toEqual(expect.arrayContaining([ContactReceivedTopic.name, DeadLetterTopic.name]));
    expect(KAFKA_ACCESS.gateway.responses).toBe('read');
  });
});
