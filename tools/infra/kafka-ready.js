#!/usr/bin/env node
// Readiness probe for tools/infra/kafka.sh: an open port is not enough, the
// broker must answer real client requests through the same client library
// the apps use (kafkajs), with its controller elected and metadata served.
//
// Usage: node kafka-ready.js <host:port> <timeout-seconds> [broker-pid]
// Exit: 0 ready, 1 timed out, 2 the broker process died.
'use strict';

const { repoRequire, untilReady } = require('./ready-loop');

const { Kafka, logLevel } = repoRequire('kafkajs');

const [broker, timeoutArg, pidArg] = process.argv.slice(2);
if (!broker) {
  console.error('usage: kafka-ready.js <host:port> <timeout-seconds> [broker-pid]');
  process.exit(64);
}

async function probeOnce() {
  const kafka = new Kafka({
    clientId: 'workpoint-infra-probe',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.controller === null || cluster.controller < 0) throw new Error('no active controller yet');
    await admin.listTopics();
    return cluster;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// The first FindCoordinator creates __consumer_offsets; doing it here keeps
// that cost (and the "coordinator not available" retries) out of the first test.
async function warmGroupCoordinator() {
  const kafka = new Kafka({ clientId: 'workpoint-infra-probe', brokers: [broker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeGroups(['workpoint-infra-probe']);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

untilReady({
  what: `broker ${broker}`,
  timeoutSeconds: Number(timeoutArg || 120),
  pid: pidArg ? Number(pidArg) : undefined,
  intervalMs: 250,
  probe: async () => {
    const cluster = await probeOnce();
    await warmGroupCoordinator();
    return cluster;
  },
  onReady: (cluster) =>
    console.log(`cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')}`),
});
