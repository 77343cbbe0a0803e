import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ContactRouter } from '@workpoint/contact-pipeline';
import { type ContactEvent, type ContactMeRequested, ContactMeRequestedTopic, ContactReceivedTopic } from '@workpoint/contracts';
import { ContactMeUseCase } from './contact-me.use-case';
import { InventoryContactUseCase } from './contact.use-case';

/** Transport adapter: the topic in, the use case, the router out. Nothing else. */
@Controller()
export class InventoryController {
  constructor(
    @Inject(InventoryContactUseCase) private readonly useCase: InventoryContactUseCase,
    @Inject(ContactRouter) private readonly router: ContactRouter,
    @Inject(ContactMeUseCase) private readonly contactMe: ContactMeUseCase,
  ) {}

  @EventPattern(ContactReceivedTopic.name)
  async onContact(@Payload() contact: ContactEvent): Promise<void> {
    await this.router.route(contact, await this.useCase.handle(contact));
  }

  @EventPattern(ContactMeRequestedTopic.name)
  async onContactMeRequested(@Payload() command: ContactMeRequested): Promise<void> {
    await this.contactMe.request(command);
  }
}
