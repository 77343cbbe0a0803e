import { AclOperationTypes, AclPermissionTypes, Kafka, logLevel, ResourcePatternTypes, AclResourceTypes } from 'kafkajs';
import { loadConfig, ServiceEnvSchema } from '@workpoint/config';
import { gatewayResponseTopic, type TopicContract } from '@workpoint/contracts';
import { ClassifiedFailure, MissingTopicsError } from '@workpoint/messaging';
import { createKafkaBus } from '@workpoint/runtime';
import { capturingLogger, infraFromEnv, randomId, securedKafkaFromEnv } from '@workpoint/testing';
import { type AclPlanRow, kafkaTopicPlan, type KafkaTopicPlan, WORKPOINT_APPS } from './kafka-topic.plan';

const infra = infraFromEnv();
const broker = securedKafkaFromEnv();
const { logger } = capturingLogger('kafka-topics-int');

/** What an administrator's kafka-topics.sh / kafka-acls.sh would do with the plan, through the admin API (the PLAINTEXT listener is a super user here). */
async function applyPlan(plan: KafkaTopicPlan): Promise<void> {
  const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: randomId('admin'), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = plan.topics.filter((t) => !existing.has(t.name));
    await admin.createTopics({ topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: t.replicationFactor, configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })) })) });
    const operation = { Read: AclOperationTypes.READ, Write: AclOperationTypes.WRITE, Describe: AclOperationTypes.DESCRIBE } as const;
    const acl = (row: AclPlanRow) =>
      row.operations.map((op) => ({
        resourceType: row.resourceType === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
        resourceName: row.resource,
        resourcePatternType: row.patternType === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
        principal: row.principal,
        host: '*',
        operation: operation[op],
        permissionType: AclPermissionTypes.ALLOW,
      }));
    await admin.createAcls({ acl: plan.acls.flatMap(acl) });
  } finally {
    await admin.disconnect();
  }
}

describe('KAFKA_CREATE_TOPICS=false against the secured broker', () => {
  // The gateway, connected as a SCRAM user that may not create topics anywhere ACLs name them.
  const gatewayId = randomId('gw');
  const env = loadConfig(ServiceEnvSchema, {
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: broker.saslSsl,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: broker.file('ca.pem'),
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'scram512',
    KAFKA_SASL_PASSWORD_FILE: broker.file('scram512.password'),
    KAFKA_CREATE_TOPICS: 'false',
    KAFKA_TOPIC_PARTITIONS: '2',
  });
  const plan = kafkaTopicPlan({
    partitions: 2,
    replicationFactor: 1,
    gatewayIds: [gatewayId],
    apps: ['gateway'],
    principals: Object.fromEntries(WORKPOINT_APPS.map((app) => [app, 'User:scram512'])) as Record<(typeof WORKPOINT_APPS)[number], string>,
  });
  const gatewayTopics = plan.topics.map((t) => ({ name: t.name }) as TopicContract<unknown>);
  const responses = gatewayResponseTopic(gatewayId);

  it('fails the boot naming the missing topics, then starts once the plan is applied', async () => {
    const before = createKafkaBus(env, 'gateway', logger);
    const error = await before.ensureTopics(gatewayTopics).then(
      () => undefined,
      (e: unknown) => e,
    );
    await before.close();
    expect(error).toBeInstanceOf(ClassifiedFailure);
    expect((error as ClassifiedFailure).kind).toBe('permanent');
    const missing = ((error as ClassifiedFailure).cause as MissingTopicsError).missing;
    expect(missing).toContain(`${responses.name} (missing)`);
    expect((error as Error).message).toMatch(/^KAFKA_CREATE_TOPICS=false and \d+ topic\(s\) are missing or too small; create them as `workpoint kafka-topics --script` prints:\n {2}- /);
    // Nothing was created.
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: randomId('check'), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(responses.name);
    await admin.disconnect();

    await applyPlan(plan);
    const bus = createKafkaBus(env, 'gateway', logger);
    try {
      await bus.ensureTopics(gatewayTopics);
      // The topic and group ACLs let it join its responses' consumer group (subscribe resolves on the join).
      await expect(bus.subscribe({ topic: responses, groupId: `workpoint-gateway-${gatewayId}`, fromBeginning: true, handle: async () => undefined })).resolves.toBeUndefined();
    } finally {
      await bus.close();
    }
    // The ACLs are enforced: another principal does not even see the gateway's response topic.
    const other = createKafkaBus({ ...env, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'scram256', KAFKA_SASL_PASSWORD: broker.password('scram256') }, 'other', logger);
    const refused = await other.ensureTopics([responses]).then(
      () => undefined,
      (e: unknown) => e as ClassifiedFailure,
    );
    await other.close();
    expect((refused?.cause as MissingTopicsError | undefined)?.missing).toEqual([`${responses.name} (missing)`]);
  });
});
