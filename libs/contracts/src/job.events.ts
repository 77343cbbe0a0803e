import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema, WpiActionSchema, WpiItemSchema } from './wpi-schemas';

/**
 * What every job command carries, whatever its action: a command from another system (or an
 * operator tool) to queue an action for a phone. `requestId` is chosen by the sender and makes a
 * re-sent command harmless.
 */
const JOB_COMMAND_FIELDS = {
  requestId: z.uuid(),
  mac: MacSchema,
  /** Ask the phone to call back now (contact-me) rather than wait for its next contact. */
  contactMe: z.boolean().default(true),
  requestedBy: z.string().min(1).max(128),
};
const JobItemsSchema = z.array(WpiItemSchema).max(10_000);
type JobItems = z.infer<typeof JobItemsSchema>;

/** Refuses the items unless `check` finds nothing missing; each message names what is missing. */
function requiring(check: (names: ReadonlySet<string>, items: JobItems) => string[]) {
  return (items: JobItems, ctx: z.RefinementCtx) => {
    for (const message of check(new Set(items.map((i) => i.name)), items)) ctx.addIssue({ code: 'custom', message });
  };
}

/** The file a FileDeployment or SoftwareDeployment fetches: its HTTPS URL, or its name on a file server (protocol.md §5). */
const fileLocation = (names: ReadonlySet<string>): string[] => (names.has('file-https-base-url') || names.has('file-name') ? [] : ['file-https-base-url or file-name is required']);

const RESTART_ITEMS: ReadonlySet<string> = new Set(['restart-type', 'restart-password']);

/**
 * Configuration's command (`configuration.job.requested.v1`), per action:
 * - ReadItems: the items to read, by name (at least one);
 * - WriteItems: the items to write (at least one);
 * - Restart: no items (a plain reboot), or a factory reset: `restart-type=FactoryReset` with
 *   `restart-password` (protocol.md §5, G p.50–51), nothing else.
 * Firmware and files are deployment's: a SoftwareDeployment or FileDeployment here is refused.
 */
export const ConfigurationJobRequestedSchema = z.discriminatedUnion('action', [
  z.object({ ...JOB_COMMAND_FIELDS, action: z.literal('ReadItems'), items: JobItemsSchema.min(1) }),
  z.object({ ...JOB_COMMAND_FIELDS, action: z.literal('WriteItems'), items: JobItemsSchema.min(1) }),
  z.object({
    ...JOB_COMMAND_FIELDS,
    action: z.literal('Restart'),
    items: JobItemsSchema.default([]).superRefine(
      requiring((names, items) => {
        const other = [...names].filter((n) => !RESTART_ITEMS.has(n));
        if (other.length > 0) return [`a Restart takes only restart-type and restart-password, not ${other.join(', ')}`];
        if (names.size === 0) return [];
        const type = items.find((i) => i.name === 'restart-type')?.value;
        if (type !== 'FactoryReset') return ['restart-type must be FactoryReset (a plain Restart has no items)'];
        return names.has('restart-password') ? [] : ['a factory reset needs restart-password'];
      }),
    ),
  }),
]);
export type ConfigurationJobRequested = z.infer<typeof ConfigurationJobRequestedSchema>;

/**
 * Deployment's command (`deployment.job.requested.v1`), per action (protocol.md §5, items.json):
 * - FileDeployment: the file (`file-https-base-url`, or `file-name` on `file-server`…), and its
 *   `file-type` and the rest as the phone needs them;
 * - SoftwareDeployment: the image's file items plus `file-sw-type`, `file-sw-version` (how the
 *   job is confirmed: the phone reports it after its reboot) and `file-priority`.
 */
export const DeploymentJobRequestedSchema = z.discriminatedUnion('action', [
  z.object({ ...JOB_COMMAND_FIELDS, action: z.literal('FileDeployment'), items: JobItemsSchema.min(1).superRefine(requiring(fileLocation)) }),
  z.object({
    ...JOB_COMMAND_FIELDS,
    action: z.literal('SoftwareDeployment'),
    items: JobItemsSchema.superRefine(
      requiring((names) => [...fileLocation(names), ...['file-sw-type', 'file-sw-version', 'file-priority'].filter((n) => !names.has(n)).map((n) => `${n} is required`)]),
    ),
  }),
]);
export type DeploymentJobRequested = z.infer<typeof DeploymentJobRequestedSchema>;

/**
 * The shape both command topics share (any queueable action, items unchecked): what the job
 * stage takes, and the body the operator API documents for its command routes. Each topic
 * validates its own schema above.
 */
export const JobRequestedSchema = z.object({
  requestId: JOB_COMMAND_FIELDS.requestId,
  mac: JOB_COMMAND_FIELDS.mac,
  /** Full reads (ReadAllItems) are inventory's own; interaction control is the pipeline's. */
  action: WpiActionSchema.exclude(['CleanUp', 'GetNextFragment', 'ReadAllItems']),
  items: JobItemsSchema.default([]),
  /** Ask the phone to call back now (contact-me) rather than wait for its next contact. */
  contactMe: JOB_COMMAND_FIELDS.contactMe,
  requestedBy: JOB_COMMAND_FIELDS.requestedBy,
});
export type JobRequested = z.infer<typeof JobRequestedSchema>;

/** The phone's verdict on a job. */
export const JobCompletedSchema = z.object({
  /** Unique per job's completion, and the same when it is published again (the outbox re-sends after a crash): consumers dedupe on it. Optional: added within v1. */
  eventId: z.uuid().optional(),
  requestId: z.uuid().nullable(),
  jobId: z.string(),
  mac: MacSchema,
  action: WpiActionSchema,
  outcome: z.enum(['accepted', 'failed']),
  /**
   * ReadItems: every item read (secret values masked). Other actions: the items the phone
   * flagged (`read only`, `unknown item`, …); empty when all went well.
   */
  itemResults: z.array(WpiItemSchema),
  busyCount: z.number().int().nonnegative(),
  completedAt: z.iso.datetime(),
});
export type JobCompleted = z.infer<typeof JobCompletedSchema>;

/** How many jobs a service has queued for a phone; the gateways' DCMP view is built from it. */
export const PendingJobsSchema = z.object({
  mac: MacSchema,
  queued: z.number().int().nonnegative(),
  at: z.iso.datetime(),
});
export type PendingJobs = z.infer<typeof PendingJobsSchema>;

export const ConfigurationJobRequestedTopic = defineTopic(
  'configuration.job.requested.v1',
  ConfigurationJobRequestedSchema,
  'any system → configuration: queue ReadItems / WriteItems / Restart (or a factory reset) for a phone.',
);
export const DeploymentJobRequestedTopic = defineTopic(
  'deployment.job.requested.v1',
  DeploymentJobRequestedSchema,
  'any system → deployment: queue FileDeployment / SoftwareDeployment for a phone.',
);
export const ConfigurationJobCompletedTopic = defineTopic(
  'configuration.job.completed.v1',
  JobCompletedSchema,
  'configuration → any system: a configuration job was answered by the phone.',
);
export const DeploymentJobCompletedTopic = defineTopic(
  'deployment.job.completed.v1',
  JobCompletedSchema,
  'deployment → any system: a deployment job was answered by the phone.',
);
export const ConfigurationPendingJobsTopic = defineTopic(
  'configuration.pending-jobs.v1',
  PendingJobsSchema,
  'configuration → gateways: jobs queued per phone (compacted; latest value per MAC).',
  { compacted: true },
);
export const DeploymentPendingJobsTopic = defineTopic(
  'deployment.pending-jobs.v1',
  PendingJobsSchema,
  'deployment → gateways: jobs queued per phone (compacted; latest value per MAC).',
  { compacted: true },
);

/**
 * Why a command was refused for good (it is also dead-lettered, and can be replayed with
 * `workpoint dlq replay` once its cause is fixed):
 * - `invalid-command`: not JSON, or it breaks the topic's schema;
 * - `rejected`: the service cannot carry it out (e.g. a value the database refuses);
 * - `failed`: it failed on every attempt, for a reason the service could not classify;
 * - `expired`: it waited on an unavailable dependency past its deadline.
 */
export const JobRejectionCodeSchema = z.enum(['invalid-command', 'rejected', 'failed', 'expired']);
export type JobRejectionCode = z.infer<typeof JobRejectionCodeSchema>;

/**
 * The failure event of a job command: the sender's answer when no job will come of it.
 * Correlation as far as the command carried it: an invalid command may lack a usable
 * `requestId`, and its key (`mac`) is passed on as sent.
 */
export const JobRejectedSchema = z.object({
  /** Unique per rejected command, and the same if the service rejects the same message again after a crash: consumers dedupe on it. */
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
  requestId: z.uuid().nullable(),
  /** The command's key, as sent (a MAC, unless the command was malformed). */
  mac: z.string().max(256).nullable(),
  /** The command topic. */
  sourceTopic: z.string().max(249),
  code: JobRejectionCodeSchema,
  /** The service's own error code, when its error has one (e.g. a database SQLSTATE). */
  reason: z.string().max(64).optional(),
  /** What went wrong, secret values masked. */
  message: z.string().max(500),
});
export type JobRejected = z.infer<typeof JobRejectedSchema>;

export const ConfigurationJobRejectedTopic = defineTopic(
  'configuration.job.rejected.v1',
  JobRejectedSchema,
  'configuration → the sender: a configuration job command was refused for good (also dead-lettered).',
);
export const DeploymentJobRejectedTopic = defineTopic(
  'deployment.job.rejected.v1',
  JobRejectedSchema,
  'deployment → the sender: a deployment job command was refused for good (also dead-lettered).',
);

/** The job topics of each service that runs jobs. */
export const JOB_TOPICS = {
  configuration: {
    requested: ConfigurationJobRequestedTopic,
    completed: ConfigurationJobCompletedTopic,
    rejected: ConfigurationJobRejectedTopic,
    pending: ConfigurationPendingJobsTopic,
  },
  deployment: { requested: DeploymentJobRequestedTopic, completed: DeploymentJobCompletedTopic, rejected: DeploymentJobRejectedTopic, pending: DeploymentPendingJobsTopic },
} as const;
export type JobStage = keyof typeof JOB_TOPICS;
