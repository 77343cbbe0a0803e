import { KAFKA_ACCESS, PIPELINE, type Stage } from '@workpoint/contracts';
import { stageTopics } from './stage-app';

// KAFKA_ACCESS is what an administrator is told to create and grant (workpoint kafka-topics);
// a stage that ensures a topic the list lacks would fail to boot with KAFKA_CREATE_TOPICS=false.
describe.each(['inventory', 'configuration', 'deployment'] as Stage[])('the %s stage and its Kafka access list', (stage) => {
  const listed = new Set([...KAFKA_ACCESS[stage].consumes, ...KAFKA_ACCESS[stage].produces].map((t) => t.name));

  it('lists every topic the stage ensures at boot', () => {
    expect(stageTopics(stage).map((t) => t.name).filter((name) => !listed.has(name))).toEqual([]);
  });

  it('reads its pipeline input', () => {
    expect(KAFKA_ACCESS[stage].consumes.map((t) => t.name)).toContain(PIPELINE[stage].input.name);
  });
});
