import { z } from 'zod';
import { defineTopic } from './topic-contract';
import { MacSchema, WpiActionSchema, WpiItemSchema } from './wpi-schemas';

/**
 * A command from another system (or an operator tool): queue this action for this phone.
 * `requestId` is chosen by the sender and makes a re-sent command harmless.
 */
export const JobRequestedSchema = z.object({
  requestId: z.uuid(),
  mac: MacSchema,
  /** Full reads (ReadAllItems) are inventory's own; interaction control is the pipeline's. */
  action: WpiActionSchema.exclude(['CleanUp', 'GetNextFragment', 'ReadAllItems']),
  items: z.array(WpiItemSchema).max(10_000).default([]),
  /** Ask the phone to call back now (contact-me) rather than wait for its next contact. */
  contactMe: z.boolean().default(true),
  requestedBy: z.string().min(1).max(128),
});
export type JobRequested = z.infer<typeof JobRequestedSchema>;

/** The phone's verdict on a job. */
export const JobCompletedSchema = z.object({
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
  JobRequestedSchema,
  'any system → configuration: queue ReadItems / WriteItems / Restart … for a phone.',
);
export const DeploymentJobRequestedTopic = defineTopic(
  'deployment.job.requested.v1',
  JobRequestedSchema,
  'any system → deployment: queue FileDeployment / SoftwareDeployment … for a phone.',
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
