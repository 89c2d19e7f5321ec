// The kafkajs client of the Kafka event log: brokers, TLS (a private CA too), SASL (PLAIN/SCRAM or OAUTHBEARER), logging.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type Mechanism, type SASLOptions, type logCreator } from 'kafkajs';
import { FraudflowError } from '../../errors.ts';
import type { KafkaConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { managedKafkaOAuthBearer, type OAuthBearerProvider } from './oauth.ts';
import { oauthBearerMechanism } from './oauth-sasl.ts';

export interface KafkaEventLogOptions {
  /** Group session timeout: how soon a dead consumer's partitions go to another member (broker minimum 6 s). */
  readonly sessionTimeoutMs?: number;
  /** The OAUTHBEARER tokens (KAFKA_SASL_MECHANISM=oauthbearer); unset: Google Managed Kafka's, from the metadata server. */
  readonly oauthBearerProvider?: OAuthBearerProvider;
  /** Producers side by side (lanes.ts); unset: DEFAULT_LANES. */
  readonly lanes?: number;
  /** Cap on one partition's share of one produce request, in bytes (batches.ts); unset: MAX_PARTITION_BYTES. */
  readonly maxPartitionBytes?: number;
}

function kafkaLogger(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // Bounded producer retries are deliberate: a failed send rolls its sequence numbers back and we send the very
      // same batch again, so the broker still drops a copy it already has.
      if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
      // Only what locates the problem; never message contents. kafkajs says ERROR for conditions it retries itself:
      // they are warnings here, and the adapter raises a typed error when it gives up.
      const fields = {
        namespace,
        kafkajs_level: level === logLevel.ERROR ? 'ERROR' : 'WARN',
        error: log.error,
        broker: log.broker,
        groupId: log.groupId,
        retryCount: log.retryCount,
      };
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(`kafkajs: ${log.message}`, fields);
    };
}

function saslOf(
  config: KafkaConfig,
  options: KafkaEventLogOptions,
  logger: Logger,
): SASLOptions | Mechanism | undefined {
  if (!config.sasl) return undefined;
  if (config.sasl.mechanism === 'oauthbearer') {
    const onRefreshFailed = (error: unknown) =>
      logger.warn('kafka: OAUTHBEARER token refresh failed; the current token is still valid', { error });
    return oauthBearerMechanism(options.oauthBearerProvider ?? managedKafkaOAuthBearer({ onRefreshFailed }));
  }
  const { mechanism, username, password } = config.sasl;
  const credentials: SASLOptions = { mechanism, username, password };
  return credentials;
}

/** TLS on or off; with a CA file, trusting that CA (a private or self-signed one) instead of the public ones. */
function sslOf(config: KafkaConfig): boolean | ConnectionOptions {
  if (!config.ssl || !config.sslCaFile) return config.ssl;
  try {
    return { ca: [readFileSync(config.sslCaFile)] };
  } catch (e) {
    throw new FraudflowError(
      'CONFIG_INVALID',
      `KAFKA_SSL_CA_FILE cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      { file: config.sslCaFile },
      { cause: e },
    );
  }
}

export function kafkaClient(config: KafkaConfig, options: KafkaEventLogOptions, logger: Logger): Kafka {
  const sasl = saslOf(config, options, logger);
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: sslOf(config),
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogger(logger),
    connectionTimeout: 5_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 5 },
  });
}
