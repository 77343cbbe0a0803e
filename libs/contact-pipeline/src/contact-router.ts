import { Inject, Injectable } from '@nestjs/common';
import { type ContactEvent, gatewayResponseTopic, HEADERS, PIPELINE, type Stage } from '@workpoint/contracts';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import type { StageDecision } from './stage-decision';

/** Injection token of the name of the stage a module serves (`Stage`). */
export const PIPELINE_STAGE = Symbol('PIPELINE_STAGE');

/**
 * Carries out a stage's decision: the answer goes to the response topic of the gateway
 * instance holding the phone's request; a pass goes to the next stage. The last stage has no
 * next stage, so a pass there ends the interaction with CleanUp.
 */
@Injectable()
export class ContactRouter {
  constructor(
    @Inject(PIPELINE_STAGE) private readonly stage: Stage,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(Logger) private readonly logger: Logger,
  ) {}

  async route(contact: ContactEvent, decision: StageDecision): Promise<void> {
    const next = PIPELINE[this.stage].passTo;
    if (decision.kind === 'pass' && next) {
      const passed = decision.contact ?? contact;
      await this.bus.publish(next, passed.mac, passed, headersFor(passed));
      return;
    }
    const reply = decision.kind === 'answer' ? decision : { action: 'CleanUp' as const, items: [], note: 'nothing to do' };
    await this.respond(contact, reply.action, reply.items ?? [], reply.note);
  }

  /** The failure path of every stage: the phone gets CleanUp instead of waiting for a timeout. */
  async answerAfterFailure(contact: ContactEvent): Promise<void> {
    this.logger.warn('answering CleanUp after a processing failure', { mac: contact.mac, contactId: contact.contactId });
    await this.respond(contact, 'CleanUp', [], `${this.stage} failed`);
  }

  private async respond(contact: ContactEvent, action: StageDecisionAction, items: NonNullable<AnswerItems>, note?: string): Promise<void> {
    await this.bus.publish(
      gatewayResponseTopic(contact.gatewayId),
      contact.mac,
      {
        contactId: contact.contactId,
        interactionId: contact.interactionId,
        mac: contact.mac,
        respondedBy: this.stage,
        action,
        items,
        ...(note ? { note } : {}),
      },
      headersFor(contact),
    );
  }
}

type AnswerDecision = Extract<StageDecision, { kind: 'answer' }>;
type StageDecisionAction = AnswerDecision['action'];
type AnswerItems = AnswerDecision['items'];

function headersFor(contact: ContactEvent): Record<string, string> {
  return { [HEADERS.correlationId]: contact.interactionId, [HEADERS.causationId]: contact.contactId };
}
