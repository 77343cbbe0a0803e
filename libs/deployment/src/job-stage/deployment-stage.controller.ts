import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ContactEvent, type DeploymentJobRequested, DeploymentJobRequestedTopic, PIPELINE } from '@workpoint/contracts';
import { JobStageInputs } from '@workpoint/jobs';

/** Deployment's Kafka handlers: the contacts that reach the last stage, and deployment job commands. */
@Controller()
export class DeploymentStageController {
  constructor(@Inject(JobStageInputs) private readonly stage: JobStageInputs) {}

  @EventPattern(PIPELINE.deployment.input.name)
  async onContact(@Payload() contact: ContactEvent): Promise<void> {
    await this.stage.onContact(contact);
  }

  @EventPattern(DeploymentJobRequestedTopic.name)
  async onJobRequested(@Payload() command: DeploymentJobRequested): Promise<void> {
    await this.stage.onJobRequested(command);
  }
}
