import { z } from 'zod';
import { isSecretItem, MASK } from '@workpoint/logging';
import { defineTopic } from './topic-contract';
import { MacSchema, WpiItemSchema } from './wpi-schemas';

/*
 * Integration events: what Workpoint tells the world about phones. Unlike the pipeline topics
 * they are facts for other systems, so they carry their own identity and time:
 * - `eventId` is unique per event and the same when a producer publishes the event again after
 *   a crash (see deterministicEventId): consumers dedupe on it.
 * - `occurredAt` is when it happened (e.g. when the phone made contact), not when it was sent.
 * - Secret item values (`sip-pwd`, `admin-pwd`, …) are masked; the schemas reject an unmasked
 *   one, so a producer that forgets fails at publish instead of leaking.
 * Within a `.vN` topic fields may only be added, as optional ones (consumers ignore fields they
 * do not know: objects are not strict); anything else is a new `.vN+1` topic.
 */

const ItemNameSchema = WpiItemSchema.shape.name;
const ItemIndexSchema = WpiItemSchema.shape.index;

/** Whether a value of this item would reveal a secret. */
const revealsSecret = (name: string, value: string | null | undefined): boolean => value != null && value !== MASK && isSecretItem(name);
const SECRET_UNMASKED = 'the value of a secret item must be masked';

const EventBase = {
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
  mac: MacSchema,
};

const ItemRefSchema = z.object({ name: ItemNameSchema, index: ItemIndexSchema });

/** A phone Workpoint had never seen made contact. */
export const PhoneRegisteredSchema = z.object({
  ...EventBase,
  deviceType: z.string().max(128).optional(),
  softwareVersion: z.string().max(64).optional(),
  e164: z.string().max(64).optional(),
  /** The contact in which the phone first appeared. */
  contactId: z.uuid(),
});
export type PhoneRegistered = z.infer<typeof PhoneRegisteredSchema>;

/** The phone reported changed items: a local change (items attached, V2R2+) or an inventory change. */
export const PhoneChangesReportedSchema = z.object({
  ...EventBase,
  kind: z.enum(['local-changes', 'inventory-changes']),
  items: z.array(WpiItemSchema.refine((i) => !revealsSecret(i.name, i.value), { message: SECRET_UNMASKED, path: ['value'] })),
  contactId: z.uuid(),
});
export type PhoneChangesReported = z.infer<typeof PhoneChangesReportedSchema>;

/** The phone answered a configuration write (WriteItems). */
export const ConfigAppliedSchema = z.object({
  ...EventBase,
  jobId: z.string().min(1).max(128),
  outcome: z.enum(['accepted', 'partly-accepted', 'failed']),
  /** How many items the phone took. */
  written: z.number().int().nonnegative(),
  /** The items the phone refused, with its status (`read only`, `unknown item`, …). */
  refused: z.array(ItemRefSchema.extend({ status: z.string().min(1).max(64), reason: z.string().max(300).optional() })),
  /** The items written. */
  items: z.array(
    ItemRefSchema.extend({ value: z.string().nullable() }).refine((i) => !revealsSecret(i.name, i.value), { message: SECRET_UNMASKED, path: ['value'] }),
  ),
});
export type ConfigApplied = z.infer<typeof ConfigAppliedSchema>;

/** Items where the phone's report differs from its effective configuration. */
export const DriftDetectedSchema = z.object({
  ...EventBase,
  items: z
    .array(
      ItemRefSchema.extend({
        reported: z.string().nullable(),
        desired: z.string().nullable(),
        /** enforce: the desired value is written back; adopt: the reported value becomes the desired one. */
        policy: z.enum(['enforce', 'adopt']),
      })
        .refine((i) => !revealsSecret(i.name, i.reported), { message: SECRET_UNMASKED, path: ['reported'] })
        .refine((i) => !revealsSecret(i.name, i.desired), { message: SECRET_UNMASKED, path: ['desired'] }),
    )
    .min(1),
  /** What Workpoint does about it. */
  action: z.enum(['rewrite', 'adopted', 'none']),
});
export type DriftDetected = z.infer<typeof DriftDetectedSchema>;

/** The phone refused an item. */
export const FaultRaisedSchema = z
  .object({
    ...EventBase,
    item: ItemRefSchema,
    /** The phone's item status, e.g. `read only`, `unknown item`, `invalid data`. */
    status: z.string().min(1).max(64),
    value: z.string().nullable(),
  })
  .refine((f) => !revealsSecret(f.item.name, f.value), { message: SECRET_UNMASKED, path: ['value'] });
export type FaultRaised = z.infer<typeof FaultRaisedSchema>;

export const PhoneRegisteredTopic = defineTopic(
  'inventory.phone.registered.v1',
  PhoneRegisteredSchema,
  'inventory → any system: a phone Workpoint had never seen made contact.',
);
export const PhoneChangesReportedTopic = defineTopic(
  'inventory.phone.changes-reported.v1',
  PhoneChangesReportedSchema,
  'inventory → any system: the phone reported changed items (secrets masked).',
);
export const ConfigAppliedTopic = defineTopic(
  'configuration.config.applied.v1',
  ConfigAppliedSchema,
  'configuration → any system: the phone answered a configuration write.',
);
export const DriftDetectedTopic = defineTopic(
  'configuration.drift.detected.v1',
  DriftDetectedSchema,
  'configuration → any system: the phone reports values that differ from its effective configuration.',
);
export const FaultRaisedTopic = defineTopic(
  'configuration.fault.raised.v1',
  FaultRaisedSchema,
  'configuration → any system: the phone refused an item.',
);

/** The integration topics of each service, created by that service at boot. */
export const INTEGRATION_TOPICS = {
  inventory: { phoneRegistered: PhoneRegisteredTopic, changesReported: PhoneChangesReportedTopic },
  configuration: { configApplied: ConfigAppliedTopic, driftDetected: DriftDetectedTopic, faultRaised: FaultRaisedTopic },
  deployment: {},
} as const;
