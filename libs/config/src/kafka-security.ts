import { readFileSync } from 'node:fs';
import { ConfigError } from './config.error';
import type { ServiceEnv } from './env-schemas';
import { checkKeyFilePermissions, type KeyFileWarning } from './key-files';

type KafkaSecurityEnv = Pick<
  ServiceEnv,
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SSL_KEY_PASSWORD'
  | 'KAFKA_SSL_SERVERNAME'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'KAFKA_OAUTH_TOKEN_URL'
  | 'KAFKA_OAUTH_CLIENT_ID'
  | 'KAFKA_OAUTH_CLIENT_SECRET'
  | 'KAFKA_OAUTH_SCOPE'
>;

/** TLS options for Node's tls.connect; verification is never turned off (rejectUnauthorized stays true). */
export interface KafkaTls {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  servername?: string;
}

export type KafkaSasl =
  | { mechanism: 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  | { mechanism: 'oauthbearer'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface KafkaClientSecurity {
  tls?: KafkaTls;
  sasl?: KafkaSasl;
}

/**
 * The Kafka client's security from the validated settings, with its files read: every
 * cross-field problem at once, as a boot-time ConfigError naming the variables (never a value).
 */
export function kafkaClientSecurityFrom(env: KafkaSecurityEnv, warn?: KeyFileWarning): KafkaClientSecurity {
  const problems: string[] = [];
  const read = (name: keyof KafkaSecurityEnv, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      problems.push(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const tlsOnly = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_KEY_PASSWORD', 'KAFKA_SSL_SERVERNAME'] as const).filter((n) => env[n] !== undefined);
  if (!env.KAFKA_SSL && tlsOnly.length > 0) problems.push(`${tlsOnly.join(', ')}: set, but KAFKA_SSL is not true`);
  if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined)) problems.push('KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both');
  let tls: KafkaTls | undefined;
  if (env.KAFKA_SSL) {
    const ca = read('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE);
    const cert = read('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE);
    let key: Buffer | undefined;
    if (env.KAFKA_SSL_KEY_FILE !== undefined) {
      try {
        checkKeyFilePermissions(env.KAFKA_SSL_KEY_FILE, warn);
        key = read('KAFKA_SSL_KEY_FILE', env.KAFKA_SSL_KEY_FILE);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems.push(...err.problems.map((p) => `KAFKA_SSL_KEY_FILE: ${p}`));
      }
    }
    tls = {
      ...(ca ? { ca: [ca] } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(env.KAFKA_SSL_KEY_PASSWORD ? { passphrase: env.KAFKA_SSL_KEY_PASSWORD } : {}),
      ...(env.KAFKA_SSL_SERVERNAME ? { servername: env.KAFKA_SSL_SERVERNAME } : {}),
    };
  }
  const sasl = saslFrom(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}

function saslFrom(env: KafkaSecurityEnv, problems: string[]): KafkaSasl | undefined {
  const scram = (['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const).filter((n) => env[n] === undefined);
  const oauth = (['KAFKA_OAUTH_TOKEN_URL', 'KAFKA_OAUTH_CLIENT_ID', 'KAFKA_OAUTH_CLIENT_SECRET'] as const).filter((n) => env[n] === undefined);
  switch (env.KAFKA_SASL_MECHANISM) {
    case undefined: {
      const stray = [...(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const).filter((n) => !scram.includes(n)), ...(['KAFKA_OAUTH_TOKEN_URL', 'KAFKA_OAUTH_CLIENT_ID', 'KAFKA_OAUTH_CLIENT_SECRET'] as const).filter((n) => !oauth.includes(n))];
      if (stray.length > 0) problems.push(`${stray.join(', ')}: set, but KAFKA_SASL_MECHANISM is not`);
      return undefined;
    }
    case 'scram-sha-256':
    case 'scram-sha-512':
      if (scram.length > 0) {
        problems.push(`${scram.join(', ')}: required by KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`);
        return undefined;
      }
      return { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' };
    case 'oauthbearer':
      // A bearer token is a password that anyone who sees it can replay: never in clear.
      if (!env.KAFKA_SSL) problems.push('KAFKA_SASL_MECHANISM=oauthbearer: needs KAFKA_SSL=true (the token would cross the network in clear)');
      if (oauth.length > 0) {
        problems.push(`${oauth.join(', ')}: required by KAFKA_SASL_MECHANISM=oauthbearer`);
        return undefined;
      }
      return {
        mechanism: 'oauthbearer',
        tokenUrl: env.KAFKA_OAUTH_TOKEN_URL ?? '',
        clientId: env.KAFKA_OAUTH_CLIENT_ID ?? '',
        clientSecret: env.KAFKA_OAUTH_CLIENT_SECRET ?? '',
        ...(env.KAFKA_OAUTH_SCOPE ? { scope: env.KAFKA_OAUTH_SCOPE } : {}),
      };
  }
}
