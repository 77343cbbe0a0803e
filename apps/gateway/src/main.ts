import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { GatewayEnvSchema, loadConfig, readKeyFile, TracingEnvSchema } from '@workpoint/config';
import { drainAndCloseGateway, gatewaySettingsFrom, startGatewayApp } from '@workpoint/gateway';
import { createLogger, NestLoggerAdapter } from '@workpoint/logging';
import { createKafkaBus, createProcessMetrics, exitOnBootFailure, healthSettingsFrom, onShutdownSignal, ProcessLifecycle, startHealthApp, watchConsumerLag } from '@workpoint/runtime';
import { tracingSettingsFrom } from '@workpoint/tracing';

async function main(): Promise<void> {
  const env = loadConfig(GatewayEnvSchema);
  // Defaults to the host name, which is the pod name under Kubernetes: stable per replica, so
  // a restarted instance reuses its response topic instead of leaving a new one behind.
  const gatewayId = env.GATEWAY_ID ?? hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  const logger = createLogger('gateway', env.LOG_LEVEL, undefined, { maxLineBytes: env.LOG_MAX_LINE_BYTES }).child({ gatewayId });
  const metrics = createProcessMetrics(env);
  const bus = createKafkaBus(env, `gateway-${gatewayId}`, logger, metrics.delivery);
  watchConsumerLag(metrics, bus);
  const lifecycle = new ProcessLifecycle();
  // A Nest Fastify app listening on DCMP_HOST:DCMP_PORT; the phone edge (node:https) opens before it.
  const gateway = await startGatewayApp(
    {
      bus,
      logger,
      metrics,
      tracing: tracingSettingsFrom(loadConfig(TracingEnvSchema), 'gateway'),
      lifecycle,
      health: healthSettingsFrom(env),
      settings: gatewaySettingsFrom(env, {
        gatewayId,
        cert: readFileSync(env.TLS_CERT_FILE),
        // Refused when group or others may read or write it (a read-only Secret mount is warned about).
        key: readKeyFile(env.TLS_KEY_FILE, (msg, fields) => logger.warn(msg, fields)),
        sessionSecret: env.SESSION_SECRET,
      }),
    },
    new NestLoggerAdapter(logger),
  );
  // /healthz, /readyz and /metrics for the orchestrator and Prometheus, apart from the phones' ports.
  const health = env.HEALTH_PORT
    ? await startHealthApp(env.HEALTH_PORT, { bus, logger, metrics, lifecycle, health: healthSettingsFrom(env) }, new NestLoggerAdapter(logger))
    : undefined;
  lifecycle.started();
  // In-flight phones get their answers (the response consumer still runs), then the consumers
  // stop, then the app (DCMP, views, parse workers) and the producer.
  onShutdownSignal(
    logger,
    async () => {
      await drainAndCloseGateway(gateway, bus);
      await bus.close();
      await health?.close();
    },
    { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, lifecycle },
  );
}

main().catch(exitOnBootFailure('gateway'));
