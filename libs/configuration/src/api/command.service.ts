import { Inject, Injectable } from '@nestjs/common';
import {
  ConfigurationJobRequestedTopic,
  type ContactMeRequested,
  ContactMeRequestedSchema,
  ContactMeRequestedTopic,
  DeploymentJobRequestedTopic,
  type JobRequested,
  JobRequestedSchema,
  type TopicContract,
} from '@workpoint/contracts';
import type { Principal } from '@workpoint/http-api';
import { Logger, maskSecretItems } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import type { WpiItem } from '@workpoint/wpi-codec';
import { DataSource } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { actorOf, AuditLog } from './access';
import { ConfigurationError } from './configuration.error';

type Command = JobRequested | ContactMeRequested;
/** A command as the API takes it: `requestedBy` may be left out. */
type CommandInput<T> = T extends Command ? Omit<T, 'requestedBy'> & { requestedBy?: string | undefined } : never;

/** A command topic as the API takes it: the topic's own contract, `requestedBy` optional. */
export interface CommandTopic<T extends Command = Command> {
  topic: TopicContract<T>;
  body: typeof JobCommandBody | typeof ContactMeCommandBody;
  operationId: string;
}

/** Left out, `requestedBy` names the API key (`api:<name> (key <id>, <role>)`). */
export const JobCommandBody = JobRequestedSchema.partial({ requestedBy: true });
export const ContactMeCommandBody = ContactMeRequestedSchema.partial({ requestedBy: true });

/** The command topics other systems publish on Kafka; the API takes the same commands in both modes. */
export const COMMAND_TOPICS: readonly CommandTopic[] = [
  { topic: ConfigurationJobRequestedTopic, body: JobCommandBody, operationId: 'commandConfigurationJob' },
  { topic: DeploymentJobRequestedTopic, body: JobCommandBody, operationId: 'commandDeploymentJob' },
  { topic: ContactMeRequestedTopic, body: ContactMeCommandBody, operationId: 'commandContactMe' },
] as CommandTopic[];

/** Job topics whose consumers hold CONFIG_SECRET_KEY and open sealed items themselves. */
const SEALED_ON_THE_TOPIC: ReadonlySet<string> = new Set([ConfigurationJobRequestedTopic.name, DeploymentJobRequestedTopic.name]);

/**
 * Commands through the operator API: the same events other systems publish on Kafka, published
 * on this service's bus (Kafka when distributed, in-process when embedded) and audited like
 * any operator action.
 */
@Injectable()
export class CommandService {
  private readonly logger: Logger;

  constructor(
    private readonly db: DataSource,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(ConfigurationSync) private readonly sync: Pick<ConfigurationSync, 'conceal'>,
    private readonly audit: AuditLog,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'operator-api' });
  }

  async publish<T extends Command>(topic: TopicContract<T>, input: CommandInput<T>, by: Principal, requestId: string) {
    // The body passed the shape both job topics share; the topic's own schema decides what it
    // takes (a SoftwareDeployment is deployment's): refused here, nothing published or audited.
    const parsed = topic.schema.safeParse({ ...input, requestedBy: input.requestedBy ?? `api:${actorOf(by)}`.slice(0, 128) });
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message }));
      throw new ConfigurationError('invalid-request', `The command is not one ${topic.name} takes`, details);
    }
    const command: Command = parsed.data;
    const items = 'items' in command ? command.items : undefined;
    const audited = items ? { ...command, items: maskSecretItems(items) } : command;
    // Configuration and deployment open what is sealed with CONFIG_SECRET_KEY, so their jobs
    // travel sealed (as the API's own job route sends them): the topic keeps no clear secret.
    const published = items && SEALED_ON_THE_TOPIC.has(topic.name) ? { ...command, items: this.sync.conceal(items as WpiItem[]) } : command;
    // The audit row commits only once the bus took the command: nothing published, nothing audited.
    await this.db.transaction(async (tx) => {
      await this.audit.record(tx, by, `command.${topic.name}`, 'phone', command.mac, null, audited, requestId);
      try {
        await this.bus.publish(topic, command.mac, published);
      } catch (error) {
        this.logger.warn('could not publish a command', { topic: topic.name, mac: command.mac, requestId, error: String(error) });
        throw new ConfigurationError('publish-failed', 'The command could not be published; nothing was queued. Try again.');
      }
    });
    return { accepted: true as const, topic: topic.name };
  }
}
