import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SecretBox } from '@workpoint/contact-pipeline';
import { deterministicEventId } from '@workpoint/contracts';
import { fitJsonString, maskSecretsInText, redact } from '@workpoint/logging';
import { DeadLetterEntity, type DeadLetterRow, type Rejection } from '@workpoint/messaging';
import type { Repository } from 'typeorm';
import { DEAD_LETTER_SETTINGS, type DeadLetterSettings } from './dead-letter.settings';

const ERROR_MAX_BYTES = 2000;

/**
 * The service's dead letters at rest (its own `dead_letter` table), written by the stage's
 * failure path before the letter goes to `workpoint.dead-letter.v1`. One row per message: the
 * same message given up again (a redelivery, or a replay that failed again) updates its row and
 * makes it a letter to look at again.
 */
@Injectable()
export class DeadLetterStore {
  private readonly box?: SecretBox;

  constructor(
    @InjectRepository(DeadLetterEntity) private readonly letters: Repository<DeadLetterRow>,
    @Inject(DEAD_LETTER_SETTINGS) settings: DeadLetterSettings,
  ) {
    if (settings.secretKey) this.box = SecretBox.fromBase64(settings.secretKey);
  }

  async record({ raw, groupId, error, attempts }: Rejection<unknown>, now = new Date()): Promise<string> {
    const id = deterministicEventId('dead-letter', groupId, raw.topic, raw.key ?? '', createHash('sha256').update(raw.value).digest('hex'));
    const row: DeadLetterRow = {
      id,
      sourceTopic: raw.topic,
      groupId,
      key: raw.key === null ? null : fitJsonString(raw.key, 256),
      headers: raw.headers,
      value: this.box ? this.box.seal(raw.value) : masked(raw.value),
      valueSealed: this.box !== undefined,
      errorCode: error.code,
      error: fitJsonString(maskSecretsInText(error.message), ERROR_MAX_BYTES),
      attempts,
      failedAt: now,
      replayRequestedAt: null,
      replayedAt: null,
    };
    await this.letters.upsert(row, { conflictPaths: ['id'] });
    return id;
  }

  /** The original of a stored letter, as it was published (sealed) or with its secrets masked. */
  original(row: Pick<DeadLetterRow, 'value' | 'valueSealed'>): string {
    if (!row.valueSealed) return row.value;
    if (!this.box) throw new Error('dead letter sealed, but this service has no CONFIG_SECRET_KEY to open it');
    return this.box.open(row.value);
  }
}

function masked(value: string): string {
  try {
    return JSON.stringify(redact(JSON.parse(value)));
  } catch {
    return maskSecretsInText(value);
  }
}
