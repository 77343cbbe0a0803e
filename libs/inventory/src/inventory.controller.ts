import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ContactRouter } from '@workpoint/contact-pipeline';
import { type ContactEvent, ContactReceivedTopic } from '@workpoint/contracts';
import { InventoryContactUseCase } from './contact.use-case';

/** Transport adapter: the topic in, the use case, the router out. Nothing else. */
@Controller()
export class InventoryController {
  constructor(
    @Inject(InventoryContactUseCase) private readonly useCase: InventoryContactUseCase,
    @Inject(ContactRouter) private readonly router: ContactRouter,
  ) {}

  @EventPattern(ContactReceivedTopic.name)
  async onContact(@Payload() contact: ContactEvent): Promise<void> {
    await this.router.route(contact, await this.useCase.handle(contact));
  }
}
