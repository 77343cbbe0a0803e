import { FIXED_TOPICS, GATEWAY_RESPONSE_TOPIC_PREFIX, gatewayResponseTopic, KAFKA_ACCESS, type TopicContract, topicConfigs, type WorkpointApp } from '@workpoint/contracts';

export const WORKPOINT_APPS = Object.keys(KAFKA_ACCESS) as WorkpointApp[];

export interface TopicPlanRow {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export type AclOperation = 'Read' | 'Write' | 'Describe';

export interface AclPlanRow {
  principal: string;
  resourceType: 'topic' | 'group';
  patternType: 'literal' | 'prefixed';
  resource: string;
  operations: AclOperation[];
}

export interface KafkaTopicPlan {
  topics: TopicPlanRow[];
  acls: AclPlanRow[];
}

export interface KafkaTopicPlanOptions {
  /** KAFKA_TOPIC_PARTITIONS of the apps (the apps refuse a topic with fewer). */
  partitions: number;
  replicationFactor: number;
  /** GATEWAY_ID of each gateway instance: each has its own response topic. */
  gatewayIds: readonly string[];
  /** Each app's principal, e.g. `User:workpoint-gateway`. */
  principals: Readonly<Record<WorkpointApp, string>>;
  /** Only these apps' topics and ACLs (default: all). */
  apps?: readonly WorkpointApp[];
}

const OPERATION_ORDER: AclOperation[] = ['Read', 'Write', 'Describe'];

/**
 * The topics, configs and ACLs an administrator creates when the apps may not
 * (KAFKA_CREATE_TOPICS=false), generated from the contracts the apps use (KAFKA_ACCESS,
 * topicConfigs). The producers are not idempotent and use no transactions, so no
 * IDEMPOTENT_WRITE or transactional-id ACL is needed; with KAFKA_CREATE_TOPICS=true an app
 * also needs CREATE on the cluster (or on the topics).
 */
export function kafkaTopicPlan(options: KafkaTopicPlanOptions): KafkaTopicPlan {
  const apps = options.apps ?? WORKPOINT_APPS;
  const row = (topic: TopicContract<unknown>): TopicPlanRow => ({ name: topic.name, partitions: options.partitions, replicationFactor: options.replicationFactor, configs: topicConfigs(topic) });
  const needed = new Set(apps.flatMap((app) => [...KAFKA_ACCESS[app].consumes, ...KAFKA_ACCESS[app].produces].map((t) => t.name)));
  const responses = apps.length > 0 ? options.gatewayIds.map(gatewayResponseTopic) : [];
  const topics = [...FIXED_TOPICS.filter((t) => needed.has(t.name)), ...responses].map(row);
  return { topics, acls: apps.flatMap((app) => aclsOf(app, options.principals[app])) };
}

function aclsOf(app: WorkpointApp, principal: string): AclPlanRow[] {
  const access = KAFKA_ACCESS[app];
  const ops = new Map<string, Set<AclOperation>>();
  const grant = (topic: string, ...operations: AclOperation[]) => {
    const set = ops.get(topic) ?? new Set<AclOperation>();
    operations.forEach((o) => set.add(o));
    ops.set(topic, set);
  };
  // A service re-publishes replayed dead letters (`workpoint dlq replay`) to the topics it consumes.
  for (const t of access.consumes) grant(t.name, 'Read', 'Describe', ...(app === 'gateway' ? [] : (['Write'] as const)));
  for (const t of access.produces) grant(t.name, 'Write', 'Describe');
  const sorted = (set: Set<AclOperation>) => OPERATION_ORDER.filter((o) => set.has(o));
  return [
    ...[...ops].map(([resource, set]): AclPlanRow => ({ principal, resourceType: 'topic', patternType: 'literal', resource, operations: sorted(set) })),
    { principal, resourceType: 'topic', patternType: 'prefixed', resource: GATEWAY_RESPONSE_TOPIC_PREFIX, operations: access.responses === 'read' ? ['Read', 'Describe'] : ['Write', 'Describe'] },
    { principal, resourceType: 'group', patternType: 'prefixed', resource: access.groupPrefix, operations: ['Read'] },
  ];
}

/** The broker settings Workpoint relies on, printed with the plan. */
export const BROKER_REQUIREMENTS = [
  'message.max.bytes >= 4194304 (or the topics\' max.message.bytes below, which they carry)',
  'replica.fetch.max.bytes >= 4194304 where it is set lower than message.max.bytes',
  'auto.create.topics.enable=false (recommended: a mistyped topic then fails instead of appearing)',
  'the consumer-offsets topic available (Workpoint commits offsets in Kafka)',
];
