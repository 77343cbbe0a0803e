import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@workpoint/contact-pipeline';
import { isSecretItem, type Logger, SECRET_ITEM_PATTERN, SECRET_ITEMS } from '@workpoint/logging';
import { ITEM_TYPES, type WpiItem } from '@workpoint/wpi-codec';
import type { JobQueue } from './job-queue';
import type { JobItemSecrets } from './job-stage.use-case';

/** Secret items: those the catalogue marks `secret`, and the names the log redactor masks. */
export function isSealedItem(name: string): boolean {
  return ITEM_TYPES.get(name)?.secret === true || isSecretItem(name);
}

/** isSealedItem for SQL: the names, and a case-insensitive pattern (valid as a POSIX regex too). */
export const SEALED_ITEMS_SQL = {
  names: [...new Set([...[...ITEM_TYPES].filter(([, facts]) => facts.secret === true).map(([name]) => name), ...SECRET_ITEMS])],
  pattern: SECRET_ITEM_PATTERN.source,
} as const;

/**
 * Job items at rest with their secret values sealed (AES-256-GCM, `CONFIG_SECRET_KEY`): sealed
 * when the job is queued, opened only for the message to the phone. Job rows, the job's
 * completed event and logs therefore never hold a clear password.
 */
@Injectable()
export class SealedJobItems implements JobItemSecrets {
  constructor(@Inject(SecretBox) private readonly box: SecretBox) {}

  static fromBase64(secretKey: string): SealedJobItems {
    return new SealedJobItems(SecretBox.fromBase64(secretKey));
  }

  /** Job items as stored: secret values sealed (empty and already sealed values left alone). */
  conceal(items: readonly WpiItem[]): WpiItem[] {
    return items.map((i) => (i.value !== null && i.value !== '' && isSealedItem(i.name) && !SecretBox.isSealed(i.value) ? { ...i, value: this.box.seal(i.value) } : i));
  }

  /** Job items as the phone must get them: sealed secrets opened. */
  reveal(items: readonly WpiItem[]): WpiItem[] {
    return items.map((i) => (SecretBox.isSealed(i.value) ? { ...i, value: this.box.open(i.value) } : i));
  }
}

/**
 * Jobs queued before their service sealed secret items (deployment jobs before issue 8) get them
 * sealed, in whatever state: a finished job's row kept its file-pwd in clear too. One pass over
 * the job table (measured: ~4 s per 100k rows of 20 items on a busy 2-core machine), so only a
 * service that stored jobs in clear runs it, at start-up.
 */
export async function sealJobsStoredInClear(jobs: JobQueue, sealed: SealedJobItems, logger: Logger): Promise<number> {
  let count = 0;
  for (let after = '0'; ; ) {
    const batch = await jobs.withClearSecrets(SEALED_ITEMS_SQL, after, 500);
    if (batch.length === 0) break;
    for (const { id, items } of batch) {
      if (await jobs.replaceItemsIfUnchanged(id, items, sealed.conceal(items))) count++;
    }
    after = batch[batch.length - 1]!.id;
  }
  if (count > 0) logger.info('sealed the secret items of jobs stored in clear by an older version', { jobs: count });
  return count;
}

