import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ContactEvent, type ConfigurationJobRequested, ConfigurationJobRequestedTopic, PIPELINE } from '@workpoint/contracts';
import { JobStageInputs } from '@workpoint/jobs';

/** Configuration's Kafka handlers: the contacts inventory passes on, and configuration job commands. */
@Controller()
export class ConfigurationStageController {
  constructor(@Inject(JobStageInputs) private readonly stage: JobStageInputs) {}

  @EventPattern(PIPELINE.configuration.input.name)
  async onContact(@Payload() contact: ContactEvent): Promise<void> {
    await this.stage.onContact(contact);
  }

  @EventPattern(ConfigurationJobRequestedTopic.name)
  async onJobRequested(@Payload() command: ConfigurationJobRequested): Promise<void> {
    await this.stage.onJobRequested(command);
  }
}
