import { Catch, type ExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { FIXED_TOPICS, type TopicContract } from '@workpoint/contracts';
import { lastValueFrom, type Observable, throwError } from 'rxjs';
import type { Bus, Envelope, Rejection } from '../bus';

/** Handler context: the key and headers of the message (`@Ctx() ctx: BusContext`). */
export class BusContext extends BaseRpcContext<[Envelope<unknown>]> {
  get envelope(): Envelope<unknown> {
    return this.getArgByIndex(0);
  }
}

export interface BusTransportOptions {
  groupId: string;
  /** The failure path for every handler of this app; see Subscription.onRejected. */
  onRejected?: (rejection: Rejection<unknown>) => Promise<void>;
  /** How long a transient failure is retried, for every handler of this app; see Subscription.retryUntil. */
  retryUntil?: (message: Envelope<unknown>) => number | undefined;
}

/**
 * Lets Nest apps consume the bus with `@EventPattern(topic.name)` handlers, whichever bus
 * implementation is behind it. The handler's promise decides the outcome: resolved = done,
 * rejected = retried, then the failure path.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  constructor(
    private readonly bus: Bus,
    private readonly options: BusTransportOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        const topic = contractFor(pattern);
        await this.bus.subscribe({
          topic,
          // One group per topic: members of one Kafka group must subscribe to the same topics,
          // or the partitions of a topic a member does not read are assigned to it and dropped.
          groupId: `${this.options.groupId}.${topic.name}`,
          // A new group starts at the oldest message: contacts published before the service
          // first joined are still processed (later starts resume from committed offsets).
          fromBeginning: true,
          handle: async (envelope) => {
            const result = await handler(envelope.value, new BusContext([envelope]));
            await lastValueFrom(this.transformToObservable(result) as Observable<unknown>, { defaultValue: undefined });
          },
          ...(this.options.onRejected ? { onRejected: this.options.onRejected } : {}),
          ...(this.options.retryUntil ? { retryUntil: this.options.retryUntil } : {}),
        });
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    // The bus is owned (and closed) by whoever created it.
  }

  on(): never {
    throw new Error('BusTransport has no events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

function contractFor(pattern: string): TopicContract<unknown> {
  const topic = FIXED_TOPICS.find((t) => t.name === pattern);
  if (!topic) throw new Error(`@EventPattern('${pattern}') names no topic contract`);
  return topic;
}

/**
 * Nest's default RPC filter turns every error into "Internal server error"; rethrowing keeps
 * the real error for the retry log and the dead letter.
 */
@Catch()
export class RethrowRpcFilter implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
