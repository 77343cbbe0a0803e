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

/** The job topics of each service that runs jobs. */
export const JOB_TOPICS = {
  configuration: { requested: ConfigurationJobRequestedTopic, completed: ConfigurationJobCompletedTopic, pending: ConfigurationPendingJobsTopic },
  deployment: { requested: DeploymentJobRequestedTopic, completed: DeploymentJobCompletedTopic, pending: DeploymentPendingJobsTopic },
} as const;
export type JobStage = keyof typeof JOB_TOPICS;
