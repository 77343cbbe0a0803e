import { randomBytes } from 'node:crypto';
import { JOB_TOPICS, type JobStage, SessionClosedTopic, SessionOpenedTopic, type TopicContract } from '@workpoint/contracts';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import type { PendingJobsView } from './pending-jobs.view';
import type { SessionNonceView } from './session-nonce.view';

/** Every topic a gateway instance reads into its in-memory views. */
export const GATEWAY_VIEW_TOPICS: readonly TopicContract<unknown>[] = [
  JOB_TOPICS.configuration.pending,
  JOB_TOPICS.deployment.pending,
  SessionOpenedTopic,
  SessionClosedTopic,
];

export interface GatewayViews {
  pending: PendingJobsView;
  nonces: SessionNonceView;
}

/** Consumer groups of one instance's views; `bootId` differs at every start of the instance. */
export function gatewayViewGroups(gatewayId: string, bootId: string): Record<JobStage | 'sessions' | 'sessionsClosed', string> {
  const prefix = `workpoint-gateway-${gatewayId}-views`;
  return {
    // A fresh group at each start: the view lives in memory only, so it must be rebuilt from
    // the compacted topic's beginning every time, never resumed from offsets a previous run of
    // this instance committed.
    configuration: `${prefix}-configuration-pending-${bootId}`,
    deployment: `${prefix}-deployment-pending-${bootId}`,
    // Resumed across restarts: only the last SESSION_TTL_SECONDS of sessions matter.
    sessions: `${prefix}-sessions`,
    // Resumed too: a restarted instance catches up on the interactions that ended while it was
    // down. A brand-new instance starts from now, so a cookie of an interaction that ended
    // before it first started is still accepted there until it expires (SESSION_TTL_SECONDS).
    sessionsClosed: `${prefix}-sessions-closed`,
  };
}

/**
 * Subscribes one gateway instance's views, on Kafka and on the in-process bus alike. One group
 * per topic and per instance: each instance needs every message of each topic, and a kafkajs
 * group whose members subscribe to different topics hands partitions to members that then drop
 * them (its assigners only look at the leader's topics).
 */
export async function subscribeGatewayViews(bus: Bus, gatewayId: string, views: GatewayViews, logger: Logger): Promise<void> {
  const groups = gatewayViewGroups(gatewayId, `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
  for (const stage of ['configuration', 'deployment'] as const) {
    await bus.subscribe({
      topic: JOB_TOPICS[stage].pending,
      groupId: groups[stage],
      fromBeginning: true,
      handle: async ({ value }) => {
        views.pending.apply(stage, value);
        logger.debug('pending jobs', { mac: value.mac, stage, queued: value.queued });
      },
    });
  }
  await bus.subscribe({
    topic: SessionOpenedTopic,
    groupId: groups.sessions,
    // A new instance needs only sessions opened from now on, not the topic's whole retention
    // (which could delay the live ones it needs by minutes).
    fromBeginning: false,
    handle: async ({ value }) => views.nonces.remember(value),
  });
  await bus.subscribe({
    topic: SessionClosedTopic,
    groupId: groups.sessionsClosed,
    fromBeginning: false,
    // Also refuses the interaction's cookie: the view shares its ended interactions with SessionCookies.
    handle: async ({ value }) => views.nonces.end(value),
  });
}
