import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@workpoint/http-api';
import { generate } from 'selfsigned';
import { AppProcess, REPO_ROOT } from './app-process';
import { startOnFreePorts } from './free-port';

export interface RunningStack {
  /** Phone URL of each gateway, e.g. https://127.0.0.1:PORT/DeploymentService/LoginService */
  urls: string[];
  /**
   * DCMP base URL of each gateway, same order as `urls`, e.g. http://127.0.0.1:PORT — what a
   * phone is given as its DCMP URL; it polls `<base>/dcmp/contact-me?device-id=<MAC>`.
   */
  dcmpUrls: string[];
  /** Embedded mode only: its embedded PostgreSQL. */
  databaseUrl?: string;
  /**
   * The operator API's base URL (e.g. http://127.0.0.1:PORT; its routes are under /api/v1).
   * Commands (job and contact-me requests) go to `POST <apiUrl>/api/v1/commands/<topic>` in
   * both modes.
   */
  apiUrl: string;
  /** An admin API key for it. */
  apiKey: string;
  /** Each process's Prometheus endpoint (`/metrics` on its HEALTH_PORT), by process name (`inventory`, `gateway-1`, `embedded`, …). */
  metricsUrls: Record<string, string>;
  /** Embedded mode only: the ports it was given, to restart it on the same ones. */
  ports?: { gateway: number; dcmp: number; postgres: number; api: number };
  processes: AppProcess[];
  stop(): Promise<void>;
}

export interface DistributedOptions {
  kafkaBrokers: string;
  databaseUrl: string;
  gateways?: number;
  logDir?: string;
  /** Extra environment for every app (e.g. ANSWER_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Unique per stack so several stacks (or test runs) never share a gateway topic. */
  runId?: string;
}

const STAGES = ['inventory', 'configuration', 'deployment'] as const;

/** The distributed deployment as separate processes: N gateways and the three services. */
export async function startDistributed(opts: DistributedOptions): Promise<RunningStack> {
  const runId = opts.runId ?? randomBytes(3).toString('hex');
  const logDir = opts.logDir ?? join(REPO_ROOT, 'tmp', 'stack', runId);
  const tls = await writeTestCertificate(join(logDir, 'tls'));
  const shared = {
    KAFKA_BROKERS: opts.kafkaBrokers,
    DATABASE_URL: opts.databaseUrl,
    LOG_LEVEL: 'info',
    // Traces of a stack under test (bench, kill matrix) go where the caller's OTEL_* say; each app names its own service.
    ...otelEnvOf(process.env),
    ...opts.env,
  };
  const gatewayCount = opts.gateways ?? 1;
  // A port taken between its pick and the bind: everything is stopped and started again on new ports.
  // Per service its health port; per gateway its phone, DCMP and health ports; the API last.
  return startOnFreePorts(STAGES.length + 3 * gatewayCount + 1, async (ports) => {
    const processes: AppProcess[] = [];
    const stop = async () => {
      await Promise.all(processes.map((p) => p.stop()));
    };
    try {
      const apiPort = ports[ports.length - 1]!;
      const apiKey = generateApiKey().key;
      // Configuration and deployment both seal secret job items with this key.
      const secretKey = { CONFIG_SECRET_KEY: randomBytes(32).toString('base64') };
      const configurationEnv = { ...secretKey, API_HOST: '127.0.0.1', API_PORT: String(apiPort), API_ADMIN_KEY: apiKey };
      const stageEnv = (stage: string) => (stage === 'configuration' ? configurationEnv : stage === 'deployment' ? secretKey : {});
      const services = await Promise.all(
        STAGES.map(async (stage, i) => {
          const port = ports[i]!;
          const p = AppProcess.spawn(stage, stage, { ...shared, HEALTH_PORT: String(port), ...stageEnv(stage) }, logDir);
          processes.push(p);
          return { p, ready: `http://127.0.0.1:${port}/readyz` };
        }),
      );
      const sessionSecret = randomBytes(32).toString('hex');
      const gateways = await Promise.all(
        Array.from({ length: gatewayCount }, async (_, i) => {
          const port = ports[STAGES.length + 2 * i]!;
          const dcmpPort = ports[STAGES.length + 2 * i + 1]!;
          const healthPort = ports[STAGES.length + 2 * gatewayCount + i]!;
          const p = AppProcess.spawn(`gateway-${i + 1}`, 'gateway', {
            ...shared,
            GATEWAY_ID: `gw-${runId}-${i + 1}`,
            GATEWAY_HOST: '127.0.0.1',
            GATEWAY_PORT: String(port),
            DCMP_HOST: '127.0.0.1',
            DCMP_PORT: String(dcmpPort),
            TLS_CERT_FILE: tls.cert,
            TLS_KEY_FILE: tls.key,
            SESSION_SECRET: sessionSecret,
            HEALTH_PORT: String(healthPort),
          }, logDir);
          processes.push(p);
          return { p, port, dcmpPort, healthPort };
        }),
      );
      await Promise.all([
        ...services.map(({ p, ready }) => p.waitReady(ready)),
        ...gateways.map(({ p, port }) => p.waitReady(`https://127.0.0.1:${port}/readyz`)),
      ]);
      return {
        urls: gateways.map(({ port }) => phoneUrl(port)),
        dcmpUrls: gateways.map(({ dcmpPort }) => dcmpUrl(dcmpPort)),
        apiUrl: `http://127.0.0.1:${apiPort}`,
        apiKey,
        metricsUrls: Object.fromEntries([
          ...STAGES.map((stage, i) => [stage, metricsUrl(ports[i]!)]),
          ...gateways.map(({ healthPort }, i) => [`gateway-${i + 1}`, metricsUrl(healthPort)]),
        ]),
        processes,
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  });
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  dcmpPort?: number;
  /** Port of the embedded PostgreSQL (default: a free one). */
  postgresPort?: number;
  apiPort?: number;
  /** Its HEALTH_PORT (/healthz, /readyz, /metrics; default: a free one). */
  healthPort?: number;
  logDir?: string;
  env?: Record<string, string>;
}

/** The embedded default (`npm start`) as one process. */
export async function startEmbedded(opts: EmbeddedOptions): Promise<RunningStack> {
  const logDir = opts.logDir ?? join(opts.dataDir, 'logs');
  // A port taken between its pick and the bind: started again on new ports (the ones given stay).
  const { p, port, dcmpPort, postgresPort, apiPort, healthPort } = await startOnFreePorts(5, async ([pickedPort, pickedDcmp, pickedPostgres, pickedApi, pickedHealth]) => {
    const ports = {
      port: opts.port ?? pickedPort!,
      dcmpPort: opts.dcmpPort ?? pickedDcmp!,
      postgresPort: opts.postgresPort ?? pickedPostgres!,
      apiPort: opts.apiPort ?? pickedApi!,
      healthPort: opts.healthPort ?? pickedHealth!,
    };
    const app = AppProcess.spawn(
      'embedded',
      'embedded',
      {
        WORKPOINT_DATA_DIR: opts.dataDir,
        GATEWAY_PORT: String(ports.port),
        DCMP_PORT: String(ports.dcmpPort),
        EMBEDDED_POSTGRES_PORT: String(ports.postgresPort),
        API_PORT: String(ports.apiPort),
        HEALTH_PORT: String(ports.healthPort),
        LOG_LEVEL: 'info',
        ...opts.env,
      },
      logDir,
    );
    try {
      await app.waitReady(`https://127.0.0.1:${ports.port}/readyz`, 120_000);
    } catch (error) {
      await app.stop();
      throw error;
    }
    return { p: app, ...ports };
  });
  return {
    urls: [phoneUrl(port)],
    dcmpUrls: [dcmpUrl(dcmpPort)],
    // The embedded PostgreSQL's password is generated on first start and kept beside its cluster.
    databaseUrl: `postgres://workpoint:${encodeURIComponent(readFileSync(join(opts.dataDir, 'postgres-password'), 'utf8').trim())}@127.0.0.1:${postgresPort}/workpoint`,
    ports: { gateway: port, dcmp: dcmpPort, postgres: postgresPort, api: apiPort },
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiKey: readFileSync(join(opts.dataDir, 'api-admin-key'), 'utf8').trim(),
    metricsUrls: { embedded: metricsUrl(healthPort) },
    processes: [p],
    stop: () => p.stop(),
  };
}

export function phoneUrl(port: number): string {
  return `https://127.0.0.1:${port}/DeploymentService/LoginService`;
}

export function metricsUrl(port: number): string {
  return `http://127.0.0.1:${port}/metrics`;
}

export function dcmpUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

async function writeTestCertificate(dir: string): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true });
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private, { mode: 0o600 });
  return { cert, key };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The caller's OpenTelemetry exporter settings (OTEL_*), passed on to every app; OTEL_SERVICE_NAME is not (each process has its own). */
function otelEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (name.startsWith('OTEL_') && name !== 'OTEL_SERVICE_NAME' && value !== undefined) out[name] = value;
  return out;
}
