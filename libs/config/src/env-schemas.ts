import { isIP } from 'node:net';
import { z } from 'zod';
import { weakSecretKeyReason, weakSessionSecretReason } from './key-strength';

const logLevel = z.enum(['debug', 'info', 'warn', 'error']).default('info');
const port = z.coerce.number().int().min(1).max(65535);
const brokers = z
  .string()
  .min(1)
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));
// Weak keys fail the boot like any other bad variable (key-strength.ts says what passes).
const secretKey = z.string().superRefine((s, ctx) => {
  const reason = weakSecretKeyReason(s);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});
const sessionSecret = z.string().superRefine((s, ctx) => {
  const reason = weakSessionSecretReason(s);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});
const dbUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

// Failures classified in the delivery loop (issue 9): a handler failing on a transient error
// (PostgreSQL or the broker down) is retried with backoff for as long as the error lasts.
const transientRetry = {
  /** Longest pause in ms between retries of a message whose handler failed on a transient error (backoff from 100 ms doubles up to it). */
  TRANSIENT_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(100).max(60000).default(5000),
};

// Bounds of what a process writes about hostile input (issue 8): log lines and dead letters.
const outputBounds = {
  /** Longest log line in bytes; a longer record has its strings cut and is marked `truncated: true`. */
  LOG_MAX_LINE_BYTES: z.coerce.number().int().min(1024).max(1048576).default(8192),
  /** Largest dead letter in bytes (serialised); its value, redacted, is cut to fit and marked `…[truncated N bytes]`. */
  DEAD_LETTER_MAX_BYTES: z.coerce.number().int().min(8192).max(1048576).default(65536),
};

// A carrier's secured Kafka (issue 10): TLS, SASL, and topics an administrator creates.
// Cross-field rules (a key with its certificate, SASL credentials for the mechanism) are checked
// by kafkaClientSecurityFrom at boot, which also reads the files. There is deliberately no
// setting that turns certificate verification off.
const kafkaSecurity = {
  /** TLS to the brokers; their certificate is always verified (against KAFKA_SSL_CA_FILE, else Node's built-in CAs). */
  KAFKA_SSL: z.stringbool().default(false),
  /** PEM file of the CA(s) that signed the brokers' certificates. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** PEM client certificate (chain) for mTLS; needs KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  /** PEM private key of KAFKA_SSL_CERT_FILE (mode 0600, or a read-only Secret mount). */
  KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  /** Passphrase of an encrypted KAFKA_SSL_KEY_FILE (or KAFKA_SSL_KEY_PASSWORD_FILE). */
  KAFKA_SSL_KEY_PASSWORD: z.string().min(1).optional(),
  /** Host name the brokers' certificates must carry (and sent as SNI), when it differs from the broker addresses. */
  KAFKA_SSL_SERVERNAME: z.string().min(1).optional(),
  /** SASL mechanism: scram-sha-256, scram-sha-512 (KAFKA_SASL_USERNAME/PASSWORD) or oauthbearer (KAFKA_OAUTH_*); unset = none. */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512', 'oauthbearer']).optional(),
  /** SCRAM user name. */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** SCRAM password (or KAFKA_SASL_PASSWORD_FILE). */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** OAuth 2 token endpoint for oauthbearer (client-credentials grant). */
  KAFKA_OAUTH_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** OAuth client id for oauthbearer. */
  KAFKA_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  /** OAuth client secret for oauthbearer (or KAFKA_OAUTH_CLIENT_SECRET_FILE). */
  KAFKA_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  /** Space-separated OAuth scopes to ask for; unset = the endpoint's default. */
  KAFKA_OAUTH_SCOPE: z.string().min(1).optional(),
  /** true: each app creates its missing topics at boot (needs CREATE); false: it only checks they exist (`workpoint kafka-topics` lists them). */
  KAFKA_CREATE_TOPICS: z.stringbool().default(true),
};

// Honest health and graceful shutdown (issue 10): probes, SIGTERM drain, boot order.
const healthAndShutdown = {
  /** A readiness check of the broker (describeCluster) or the database (SELECT 1) not answered within this many ms counts as down. */
  READY_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
  /** How long in ms a broker check's answer is reused by /readyz, so frequent probes cost one round trip. */
  READY_BROKER_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** After SIGTERM the process drains and exits; past this many ms it is forced to exit (code 1, logged). Keep it above ANSWER_TIMEOUT_MS and below the orchestrator's grace period (Kubernetes: 30 s). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(25_000),
  /** How long in ms a starting process retries a database or broker that is not reachable yet (with backoff, logged) before it exits non-zero; 0 = one attempt. */
  BOOT_RETRY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
};

// Metrics (issue 10): Prometheus text on GET /metrics of each process's HEALTH_PORT.
const metricsSettings = {
  /** Seconds a gauge read from PostgreSQL or the broker (outbox and contact-me depth, drift, faults, consumer lag) is reused by later scrapes; 0 reads on every scrape. */
  METRICS_GAUGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
};

/** Shared by every process that talks to Kafka and PostgreSQL. */
export const ServiceEnvSchema = z.object({
  LOG_LEVEL: logLevel,
  ...outputBounds,
  KAFKA_BROKERS: brokers,
  KAFKA_CLIENT_ID: z.string().min(1).default('workpoint'),
  /** Partitions per topic when the app creates it (existing topics are left alone). */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(9).default(1),
  /** Partitions of one topic handled concurrently by one consumer. */
  KAFKA_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(6),
  ...kafkaSecurity,
  DATABASE_URL: dbUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Plain-HTTP health port (GET /healthz, /readyz); unset = no health server. */
  HEALTH_PORT: port.optional(),
  /** Attempts of a failing handler before its failure path runs. */
  HANDLER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  ...transientRetry,
  ...healthAndShutdown,
  ...metricsSettings,
});
export type ServiceEnv = z.infer<typeof ServiceEnvSchema>;

const gatewayOnly = z.object({
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  GATEWAY_PORT: port.default(18443),
  /** Plain-HTTP DCMP polling (GET /dcmp/contact-me?device-id=<MAC>), /healthz and /readyz. */
  DCMP_HOST: z.string().min(1).default('0.0.0.0'),
  DCMP_PORT: port.default(18080),
  TLS_CERT_FILE: z.string().min(1),
  TLS_KEY_FILE: z.string().min(1),
  /** Stable name of this instance (e.g. the pod name); it names the instance's response topic. */
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (max 64)')
    .optional(),
  /** Key that signs session cookies; every gateway instance must share it (≥ 32 random characters, see key-strength.ts). */
  SESSION_SECRET: sessionSecret,
  SESSION_TTL_SECONDS: z.coerce.number().int().min(10).max(86400).default(600),
  /** How long the gateway waits for the services before answering on its own. */
  ANSWER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(8000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1048576).default(131072),
});

/**
 * Issue 8 (hostile networks): limits of the phone edge (HTTPS) and the DCMP listener. Shared
 * by the gateway and the embedded default; defaults sized from real phones (see README).
 */
const edgeLimits = z.object({
  /** Open connections per listener (HTTPS edge, DCMP); more are closed as soon as they are accepted. */
  GATEWAY_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(1_000_000).default(10_000),
  /** A TLS handshake not finished by then is dropped (Node's default: 120 s). */
  TLS_HANDSHAKE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(10_000),
  /** Requests in flight per remote address; more get 503 busy + Retry-After (a 500-phone office behind one NAT address must fit). */
  PER_SOURCE_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Start tags (every `<` not followed by `/`) in one phone message; more get 400 too-many-elements before parsing. */
  MAX_ELEMENTS_PER_MESSAGE: z.coerce.number().int().min(16).max(100_000).default(2048),
  /** `=` characters (an upper bound of attributes) in one phone message; more get 400 too-many-elements. */
  MAX_ATTRIBUTES_PER_MESSAGE: z.coerce.number().int().min(16).max(300_000).default(6144),
  /** `&` characters (entity and character references) in one phone message; more get 400 too-many-elements. */
  MAX_REFERENCES_PER_MESSAGE: z.coerce.number().int().min(0).max(100_000).default(2048),
  /** Longest value of an item the catalogue gives no maxLength; longer gets CleanUp value-too-long. */
  MAX_ITEM_VALUE_CHARS: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  // Where phone messages are parsed (issue 8: a maximum-size message must not hold the event loop).
  /** Bodies up to this many bytes are parsed on the event loop (≤ ~2 ms); larger ones are pre-scanned, then parsed in a worker. */
  PARSE_INLINE_MAX_BYTES: z.coerce.number().int().min(1024).max(16_777_216).default(16_384),
  /** Parse worker threads for bodies over PARSE_INLINE_MAX_BYTES; 0 parses everything on the event loop. */
  PARSE_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  /**
   * Large messages allowed to wait for a parse worker; more get 503 busy + Retry-After. A real
   * phone's full reply is 20–50 kB (≈400 items: 22 kB), so in a building-wide start-up most replies
   * wait here: the default matches PER_SOURCE_MAX_CONCURRENT, and the bodies are in memory anyway.
   */
  PARSE_QUEUE_MAX: z.coerce.number().int().min(1).max(100_000).default(1000),
});

/** Correlation state every gateway keeps in memory (issue 8: bounded by bytes as well as entries). */
const gatewayCorrelation = z.object({
  /** Size cap of the nonce view (nonce + source address → phone, for cookie-less replies); the oldest entries go first. */
  NONCE_VIEW_MAX_BYTES: z.coerce.number().int().min(65536).max(4 * 1024 * 1048576).default(64 * 1048576),
});

export const GatewayEnvSchema = ServiceEnvSchema.omit({ DATABASE_URL: true, DATABASE_POOL_SIZE: true })
  .extend(gatewayOnly.shape)
  .extend(gatewayCorrelation.shape)
  .extend(edgeLimits.shape);
export type GatewayEnv = z.infer<typeof GatewayEnvSchema>;

/** The embedded default: one process, no Kafka, embedded PostgreSQL, generated secrets. */
export const EmbeddedEnvSchema = z.object({
  LOG_LEVEL: logLevel,
  ...outputBounds,
  WORKPOINT_DATA_DIR: z.string().min(1).default('./data'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port.default(18443),
  DCMP_HOST: z.string().min(1).default('127.0.0.1'),
  DCMP_PORT: gatewayOnly.shape.DCMP_PORT,
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** Use this PostgreSQL instead of starting the embedded one. */
  DATABASE_URL: dbUrl.optional(),
  /** Port of the embedded PostgreSQL (default: a free one, remembered in the data dir). */
  EMBEDDED_POSTGRES_PORT: port.optional(),
  SESSION_TTL_SECONDS: gatewayOnly.shape.SESSION_TTL_SECONDS,
  ANSWER_TIMEOUT_MS: gatewayOnly.shape.ANSWER_TIMEOUT_MS,
  MAX_BODY_BYTES: gatewayOnly.shape.MAX_BODY_BYTES,
  HANDLER_ATTEMPTS: ServiceEnvSchema.shape.HANDLER_ATTEMPTS,
  TRANSIENT_RETRY_MAX_DELAY_MS: ServiceEnvSchema.shape.TRANSIENT_RETRY_MAX_DELAY_MS,
  DATABASE_POOL_SIZE: ServiceEnvSchema.shape.DATABASE_POOL_SIZE,
  NONCE_VIEW_MAX_BYTES: gatewayCorrelation.shape.NONCE_VIEW_MAX_BYTES,
  ...edgeLimits.shape,
  // Metrics (issue 10): one /metrics for the whole process, every stage's metrics in it.
  /** Plain-HTTP port of /healthz, /readyz and /metrics (Prometheus); unset = none. */
  HEALTH_PORT: port.optional(),
  /** Listen address of HEALTH_PORT (loopback, like every embedded listener by default). */
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  ...metricsSettings,
  SHUTDOWN_TIMEOUT_MS: healthAndShutdown.SHUTDOWN_TIMEOUT_MS,
  READY_CHECK_TIMEOUT_MS: healthAndShutdown.READY_CHECK_TIMEOUT_MS,
});
export type EmbeddedEnv = z.infer<typeof EmbeddedEnvSchema>;

/** `10.20.0.0/16`, `2001:db8::/48` or a single address; the prefix within its family's bits. */
function isNetwork(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
}

/** Asking phones to call back (inventory, and the embedded default). */
export const ContactMeEnvSchema = z.object({
  /** At most one contact-me per phone within this gap (protocol.md §2.5: phones crash when pestered). */
  CONTACT_ME_GAP_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  /** Contact-me requests started per second, all phones together. */
  CONTACT_ME_RATE_PER_SECOND: z.coerce.number().min(0.01).max(10000).default(20),
  CONTACT_ME_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(16),
  CONTACT_ME_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Attempts when the phone cannot be reached (unreachable, timed out). */
  CONTACT_ME_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  CONTACT_ME_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Sent as dls_ip_addr / dls_ip_port so phones call back here; unset, they use their configured service. */
  CONTACT_ME_CALLBACK_HOST: z.string().min(1).optional(),
  CONTACT_ME_CALLBACK_PORT: port.optional(),
  /** Networks (comma-separated CIDRs or addresses) a contact-me-uri may point into besides the phone's own source address: relays, NAT. */
  CONTACT_ME_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isNetwork, 'each entry must be a CIDR (10.20.0.0/16, 2001:db8::/48) or an IP address')).max(1000)),
});
export type ContactMeEnv = z.infer<typeof ContactMeEnvSchema>;

const apiKey = z.string().regex(/^wpk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/, 'must look like wpk_<12 hex>_<43 base64url>');

/** The configuration service: secrets at rest and the operator API. */
export const ConfigurationEnvSchema = z.object({
  /** Seals secret item values (SIP and admin passwords) at rest; every instance shares it. */
  CONFIG_SECRET_KEY: secretKey,
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port.default(18082),
  /** An admin API key to start with (stored hashed); create more through the API. */
  API_ADMIN_KEY: apiKey.optional(),
  API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1048576).default(1048576),
  // ── operator API: failed authentications (issue 8) ──
  /** Failed authentications (missing, malformed, unknown or revoked key) one source address may make in a minute; then 429 + Retry-After until that minute ends. */
  API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Source addresses counted at once (bounds memory under an address spray; the least recently seen is forgotten first). */
  API_AUTH_TRACKED_SOURCES: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
});
export type ConfigurationEnv = z.infer<typeof ConfigurationEnvSchema>;

/** The deployment service: secret job items (`file-pwd` …) sealed at rest. */
export const DeploymentEnvSchema = z.object({
  /** Seals secret job items at rest; the same key as the configuration service's. */
  CONFIG_SECRET_KEY: secretKey,
});
export type DeploymentEnv = z.infer<typeof DeploymentEnvSchema>;

/** The embedded default's operator API: on loopback, keys generated into the data directory when not given. */
export const EmbeddedApiEnvSchema = ConfigurationEnvSchema.extend({
  CONFIG_SECRET_KEY: secretKey.optional(),
  API_HOST: z.string().min(1).default('127.0.0.1'),
});
export type EmbeddedApiEnv = z.infer<typeof EmbeddedApiEnvSchema>;

/** Storage bounds and retention (inventory, configuration, deployment, and the embedded default). */
export const StorageEnvSchema = z.object({
  /** Bytes (items as JSON) one fragmented phone reply may store; over it the phone gets CleanUp `reply too large` (inventory). */
  REPLY_MAX_BYTES: z.coerce.number().int().min(65536).max(64 * 1048576).default(4 * 1048576),
  /** Seconds between two runs of each service's retention job. */
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86400).default(900),
  /** Rows one retention DELETE removes; each batch is its own short transaction, so no long locks. */
  RETENTION_BATCH_ROWS: z.coerce.number().int().min(10).max(100000).default(1000),
  /** Reports older than this are deleted (inventory `phone_report`); the newest full report of each phone is always kept. */
  RETENTION_REPORTS_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
  /** Contact-me attempts older than this are deleted (inventory `contact_me_attempt`). */
  RETENTION_CONTACT_ME_DAYS: z.coerce.number().int().min(1).max(36500).default(30),
  /** Parts of fragmented replies older than this are deleted (inventory `reply_fragment`; a reply takes seconds). */
  RETENTION_FRAGMENTS_MINUTES: z.coerce.number().int().min(10).max(10080).default(60),
  /** Phone history older than this is deleted (configuration `phone_history`). */
  RETENTION_HISTORY_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
  /** Completed jobs older than this are deleted (configuration and deployment job tables; queued and sent jobs never). */
  RETENTION_JOBS_DAYS: z.coerce.number().int().min(1).max(36500).default(30),
  /** An unassigned one-off phone that ignored a call-back this long is left out of fleet-wide re-plans (configuration). */
  DORMANT_AFTER_HOURS: z.coerce.number().int().min(1).max(87600).default(24),
});
export type StorageEnv = z.infer<typeof StorageEnvSchema>;

/** Dead letters kept in each service's `dead_letter` table (inventory, configuration, deployment, and the embedded default); swept on the RETENTION_* timing. */
export const DeadLetterEnvSchema = StorageEnvSchema.pick({ RETENTION_INTERVAL_SECONDS: true, RETENTION_BATCH_ROWS: true }).extend({
  /** Dead letters older than this are deleted, except those waiting for a replay an operator asked for (`workpoint dlq replay`). */
  DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(30),
});
export type DeadLetterEnv = z.infer<typeof DeadLetterEnvSchema>;

// Traces (issue 10): OpenTelemetry's standard variables, off unless an OTLP endpoint is given.
const otlpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');
/** OpenTelemetry traces of every process (gateway, inventory, configuration, deployment); nothing is recorded or sent unless an endpoint is set. */
export const TracingEnvSchema = z.object({
  /** `otlp` (default when an endpoint is set) sends spans over OTLP/HTTP (JSON); `none` turns tracing off. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  /** Base URL of the OTLP/HTTP receiver (a collector), e.g. `http://otel-collector:4318`; spans go to `<url>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  /** Full URL for spans only; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  /** `service.name` of this process's spans; default `workpoint-<process>` (e.g. `workpoint-gateway`). */
  OTEL_SERVICE_NAME: z.string().min(1).max(128).optional(),
  /** Share of new traces recorded, 0 to 1 (parent-based: a message follows its producer's decision). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});
export type TracingEnv = z.infer<typeof TracingEnvSchema>;
