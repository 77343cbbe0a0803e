import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ContactRouter } from '@workpoint/contact-pipeline';
import { type ContactEvent, type ContactMeRequested, ContactMeRequestedTopic, ContactReceivedTopic } from '@workpoint/contracts';
import { ClassifiedFailure } from '@workpoint/messaging';
import { ContactMeUseCase } from './contact-me.use-case';
import { InventoryContactUseCase } from './contact.use-case';
import { InventoryError } from './inventory.error';

/** Transport adapter: the topic in, the use case, the router out, and inventory's errors mapped for the delivery loop. */
@Controller()
export class InventoryController {
  constructor(
    @Inject(InventoryContactUseCase) private readonly useCase: InventoryContactUseCase,
    @Inject(ContactRouter) private readonly router: ContactRouter,
    @Inject(ContactMeUseCase) private readonly contactMe: ContactMeUseCase,
  ) {}

  @EventPattern(ContactReceivedTopic.name)
  async onContact(@Payload() contact: ContactEvent): Promise<void> {
    try {
      await this.router.route(contact, await this.useCase.handle(contact));
    } catch (error) {
      throw inventoryDeliveryFailure(error);
    }
  }

  @EventPattern(ContactMeRequestedTopic.name)
  async onContactMeRequested(@Payload() command: ContactMeRequested): Promise<void> {
    try {
      await this.contactMe.request(command);
    } catch (error) {
      throw inventoryDeliveryFailure(error);
    }
  }
}

/**
 * The Kafka edge's map of inventory's codes to what the delivery loop does with the message:
 * retry it for as long as the cause lasts (transient), or dead-letter it at once and run its
 * failure path (permanent). Any other error goes on as it is, for the loop's own classifier.
 */
export function inventoryDeliveryFailure(error: unknown): unknown {
  if (!(error instanceof InventoryError)) return error;
  switch (error.code) {
    case 'reply-without-action':
    case 'invalid-event':
      return new ClassifiedFailure('permanent', error.code, error);
    default: {
      const unmapped: never = error.code;
      throw new Error(`unmapped inventory error code ${String(unmapped)}`);
    }
  }
}
