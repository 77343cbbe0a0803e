import { FIXED_TOPICS, KAFKA_ACCESS } from '@workpoint/contracts';
import { parseCliArgs } from './cli-args.parser';
import { kafkaTopicPlan } from './kafka-topic.plan';
import { type KafkaTopicsCommand, runKafkaTopics } from './kafka-topics.command';

const parse = (...argv: string[]) => parseCliArgs(['kafka-topics', ...argv], {});
const output = (command: ReturnType<typeof parse>): string => {
  let text = '';
  runKafkaTopics(command as KafkaTopicsCommand, { stdout: (t) => void (text += t) });
  return text;
};

describe('workpoint kafka-topics', () => {
  it('lists every fixed topic and each gateway response topic, with partitions, replication and configs', () => {
    const command = parse('--partitions', '24', '--replication-factor', '3', '--gateway-ids', 'gw-0,gw-1');
    const plan = kafkaTopicPlan(command as KafkaTopicsCommand);
    expect(plan.topics.map((t) => t.name)).toEqual([...FIXED_TOPICS.map((t) => t.name), 'wpi.response.ready.v1.gw-0', 'wpi.response.ready.v1.gw-1']);
    expect(plan.topics.every((t) => t.partitions === 24 && t.replicationFactor === 3)).toBe(true);
    expect(plan.topics.find((t) => t.name === 'wpi.contact.received.v1')?.configs).toEqual({ 'cleanup.policy': 'delete', 'max.message.bytes': '4194304', 'retention.ms': '604800000' });
    expect(plan.topics.find((t) => t.name === KAFKA_ACCESS.gateway.consumes[0]!.name)?.configs).toEqual({ 'cleanup.policy': 'compact', 'max.message.bytes': '4194304' });
  });

  it('grants each principal what its app reads, writes and its consumer groups', () => {
    const plan = kafkaTopicPlan(parse('--principal-prefix', 'User:wp-') as KafkaTopicsCommand);
    const of = (principal: string) => plan.acls.filter((a) => a.principal === principal).map((a) => `${a.resourceType}:${a.patternType}:${a.resource}=${a.operations.join(',')}`);
    expect(of('User:wp-gateway')).toEqual([
      'topic:literal:configuration.pending-jobs.v1=Read,Describe',
      'topic:literal:deployment.pending-jobs.v1=Read,Describe',
      'topic:literal:wpi.session.opened.v1=Read,Write,Describe',
      'topic:literal:wpi.session.closed.v1=Read,Write,Describe',
      'topic:literal:wpi.contact.received.v1=Write,Describe',
      'topic:literal:workpoint.dead-letter.v1=Write,Describe',
      'topic:prefixed:wpi.response.ready.v1.=Read,Describe',
      'group:prefixed:workpoint-gateway-=Read',
    ]);
    const inventory = of('User:wp-inventory');
    expect(inventory).toContain('topic:literal:wpi.contact.received.v1=Read,Write,Describe');
    expect(inventory).toContain('topic:prefixed:wpi.response.ready.v1.=Write,Describe');
    expect(inventory).toContain('group:prefixed:workpoint-inventory.=Read');
    expect(plan.acls.some((a) => a.operations.length === 0)).toBe(false);
  });

  it('prints a table with the broker settings, and says when no gateway id was given', () => {
    const text = output(parse());
    expect(text).toMatch(/^Broker settings Workpoint relies on:\n {2}- message\.max\.bytes >= 4194304/);
    expect(text).toMatch(/\nwpi\.contact\.received\.v1 +12 +3 +cleanup\.policy=delete max\.message\.bytes=4194304 retention\.ms=604800000\n/);
    expect(text).toContain('pass --gateway-ids');
    expect(text).toMatch(/\nUser:workpoint-deployment +group:workpoint-deployment\. +prefixed +Read\n/);
  });

  it('prints a shell script of kafka-topics.sh and kafka-acls.sh commands', () => {
    const text = output(parse('--script', '--apps', 'deployment', '--gateway-ids', 'gw-0'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines).toContain(
      'kafka-topics.sh --bootstrap-server "$BOOTSTRAP" ${COMMAND_CONFIG:+--command-config "$COMMAND_CONFIG"} --create --if-not-exists --topic \'wpi.response.ready.v1.gw-0\' --partitions 12 --replication-factor 3 --config cleanup.policy=delete --config max.message.bytes=4194304 --config retention.ms=604800000',
    );
    expect(lines).toContain(
      'kafka-acls.sh --bootstrap-server "$BOOTSTRAP" ${COMMAND_CONFIG:+--command-config "$COMMAND_CONFIG"} --add --allow-principal \'User:workpoint-deployment\' --operation Read --operation Write --operation Describe --topic \'configuration.contact.passed.v1\' --topic \'deployment.job.requested.v1\' --resource-pattern-type literal',
    );
    expect(lines.filter((l) => l.startsWith('kafka-topics.sh'))).toHaveLength(kafkaTopicPlan(parse('--apps', 'deployment', '--gateway-ids', 'gw-0') as KafkaTopicsCommand).topics.length);
    expect(text).not.toContain('User:workpoint-gateway');
  });

  it.each([
    [['--partitions', '0'], '--partitions must be a whole number from 1 to 1000'],
    [['--apps', 'gateway,billing'], '--apps must name some of gateway, inventory, configuration, deployment'],
    [['--gateway-ids', 'bad id'], 'not a GATEWAY_ID: bad id'],
    [['--json'], 'kafka-topics takes no --json'],
    [['extra'], 'kafka-topics takes no arguments'],
  ])('refuses %j', (argv, message) => {
    expect(parse(...argv)).toEqual({ kind: 'usage-error', message });
  });

  it('keeps its options to itself', () => {
    expect(parseCliArgs(['import', 'x.csv', '--script'], { apiKey: 'k' })).toEqual({ kind: 'usage-error', message: 'import takes no --script' });
  });
});
