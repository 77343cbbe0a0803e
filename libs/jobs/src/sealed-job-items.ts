import { Inject, Injectable } from '@nestjs/common';
import { SealedItems, SecretBox } from '@workpoint/contact-pipeline';
import { isSealedItem } from '@workpoint/contracts';
import { type Logger, SECRET_ITEM_PATTERN, SECRET_ITEMS } from '@workpoint/logging';
import { ITEM_TYPES } from '@workpoint/wpi-codec';
import type { JobQueue } from './job-queue';
import type { JobItemSecrets } from './job-stage.use-case';

/** Secret items (the contracts' rule, one for rows and topics). */
export { isSealedItem };

/** isSealedItem for SQL: the names, and a case-insensitive pattern (valid as a POSIX regex too). */
export const SEALED_ITEMS_SQL = {
  names: [...new Set([...[...ITEM_TYPES].filter(([, facts]) => facts.secret === true).map(([name]) => name), ...SECRET_ITEMS])],
  pattern: SECRET_ITEM_PATTERN.source,
} as const;

/**
 * Job items at rest with their secret values sealed (AES-256-GCM, `CONFIG_SECRET_KEY`): sealed
 * when the job is queued, and sent to the phone sealed too: only the gateway opens them, as it
 * writes the phone's XML. Job rows, the answer on the response topic, the job's completed event
 * and logs therefore never hold a clear password. `reveal` is for the stage's own bookkeeping
 * (configuration fingerprints what a phone accepted).
 */
@Injectable()
export class SealedJobItems extends SealedItems implements JobItemSecrets {
  constructor(@Inject(SecretBox) box: SecretBox) {
    super(box);
  }

  static override fromBase64(secretKey: string): SealedJobItems {
    return new SealedJobItems(SecretBox.fromBase64(secretKey));
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

