#!/usr/bin/env node
// Readiness probe for tools/infra/kafka.sh: an open port is not enough, the
// broker must answer real client requests through the same client library
// the apps use (kafkajs), with its controller elected and metadata served.
//
// Usage: node kafka-ready.js <host:port> <timeout-seconds> [broker-pid]
// Exit: 0 ready, 1 timed out, 2 the broker process died.
'use strict';

const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
// Resolve kafkajs from the repo, not from wherever node happens to look first.
const { Kafka, logLevel } = require(require.resolve('kafkajs', { paths: [repoRoot] }));

const [broker, timeoutArg, pidArg] = process.argv.slice(2);
if (!broker) {
  console.error('usage: kafka-ready.js <host:port> <timeout-seconds> [broker-pid]');
  process.exit(64);
}
const deadline = Date.now() + Number(timeoutArg || 120) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;

const alive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

(async () => {
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (pid !== undefined && !alive(pid)) {
      console.error(`broker process ${pid} exited`);
      process.exit(2);
    }
    try {
      const cluster = await probeOnce();
      await warmGroupCoordinator();
      console.log(`cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')}`);
      process.exit(0);
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
      await sleep(250);
    }
  }
  console.error(`broker ${broker} not ready in time: ${lastError}`);
  process.exit(1);
})();
