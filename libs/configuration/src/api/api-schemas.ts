import { ImportResultSchema } from '@workpoint/contracts';
import { z } from 'zod';
import { PROFILE_LAYERS } from '../profiles';

/** Accepts `00:11:22:aa:bb:cc`, `00-11-…`, `001122aabbcc`; always answers in upper-case colon form. */
export const MacParam = z
  .string()
  .transform((s) => s.replace(/[:.-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-F]{12}$/, 'not a MAC address'))
  .transform((s) => s.match(/../g)!.join(':'))
  .meta({ description: 'MAC address, any common notation', example: '00:1A:E8:12:34:56' });

export const MacPathParams = z.object({ mac: MacParam });
export const NamePathParams = z.object({ name: z.string().min(1).max(128) });

const Policy = z.enum(['enforce', 'adopt']).meta({ description: '`enforce`: a local change is written back; `adopt`: it becomes the phone\'s override' });

export const ProfileItemInput = z
  .object({
    name: z.string().min(1).max(128),
    index: z.number().int().min(0).max(10_000).optional(),
    value: z
      .string()
      .max(65_536)
      .nullable()
      .optional()
      .meta({ description: 'May hold placeholders ({{e164}}, {{mac}}, {{mac-plain}}, {{user}}, {{device-type}}, {{site.<field>}}). For a secret item, leave out to keep the stored value.' }),
    policy: Policy.optional(),
    allowUnknown: z.boolean().optional().meta({ description: 'Write an item the catalogue does not know' }),
  })
  .strict();

export const ProfileInput = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().max(1000).optional(),
    layer: z.enum(PROFILE_LAYERS).meta({ description: 'fleet → site → model → group (tag) → phone; later layers win' }),
    selector: z.string().min(1).max(128).nullable().optional().meta({ description: 'site name, device type or tag (site, model, group layers)' }),
    priority: z.number().int().min(-1000).max(1000).optional(),
    extends: z.array(z.string().min(1).max(128)).max(20).optional(),
    mergeIndexedGroups: z.boolean().optional(),
    items: z.array(ProfileItemInput).max(5000),
  })
  .strict();
export type ProfileInputT = z.output<typeof ProfileInput>;

export const ProfileUpdate = ProfileInput.extend({ version: z.number().int().min(1).meta({ description: 'The version read; a mismatch answers 409' }) }).strict();

export const ProfileItemView = z.object({
  name: z.string(),
  index: z.number().int().optional(),
  value: z.string().nullable().optional(),
  secret: z.boolean().optional().meta({ description: 'A secret item: its value is never returned' }),
  policy: Policy,
  allowUnknown: z.boolean().optional(),
});

export const ProfileView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    layer: z.enum(PROFILE_LAYERS),
    selector: z.string().nullable(),
    priority: z.number().int(),
    extends: z.array(z.string()),
    mergeIndexedGroups: z.boolean(),
    items: z.array(ProfileItemView),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: 'Profile' });

export const Problem = z.object({ path: z.string(), message: z.string() });

export const ProfileSaved = z.object({ profile: ProfileView, warnings: z.array(Problem), affectedPhones: z.number().int() });

export const AssignmentInput = z
  .object({
    e164: z.string().regex(/^\+?\d{3,15}$/).nullable().optional(),
    model: z.string().max(128).nullable().optional(),
    site: z.string().max(128).nullable().optional(),
    tags: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/)).max(100).optional(),
    user: z.string().max(128).nullable().optional(),
    profiles: z.array(z.string().min(1).max(128)).max(50).optional().meta({ description: 'phone-layer profiles' }),
    overrides: z.array(ProfileItemInput).max(2000).optional().meta({ description: 'the phone\'s own values; they win over every profile' }),
    version: z.number().int().min(0).optional().meta({ description: 'When given, must match (optimistic locking)' }),
  })
  .strict();

export const AssignmentView = z
  .object({
    mac: z.string(),
    e164: z.string().nullable(),
    model: z.string().nullable(),
    site: z.string().nullable(),
    tags: z.array(z.string()),
    user: z.string().nullable(),
    profiles: z.array(z.string()),
    overrides: z.array(ProfileItemView),
    version: z.number().int(),
    assignedAt: z.string().nullable(),
  })
  .meta({ id: 'Assignment' });

export const BulkAssign = z.object({ macs: z.array(MacParam).min(1).max(10_000) }).strict();

const Faults = z.array(z.object({ name: z.string(), index: z.number().int().optional(), status: z.string(), value: z.string().nullable(), at: z.string() }));
const DriftItems = z.array(
  z.object({ name: z.string(), index: z.number().int().optional(), reported: z.string().nullable(), desired: z.string().nullable(), policy: Policy, source: z.string() }),
);

export const PhoneSummary = z
  .object({
    mac: z.string(),
    e164: z.string().nullable(),
    model: z.string().nullable(),
    softwareVersion: z.string().nullable(),
    site: z.string().nullable(),
    tags: z.array(z.string()),
    user: z.string().nullable(),
    profiles: z.array(z.string()),
    lastContactAt: z.string().nullable(),
    driftCount: z.number().int(),
    faultCount: z.number().int(),
    writePending: z.boolean(),
  })
  .meta({ id: 'PhoneSummary' });

export const PhoneList = z.object({ phones: z.array(PhoneSummary), nextCursor: z.string().nullable() });

export const PhoneListQuery = z
  .object({
    model: z.string().optional(),
    softwareVersion: z.string().optional(),
    site: z.string().optional(),
    tag: z.string().optional(),
    profile: z.string().optional(),
    contactedSince: z.iso.datetime({ offset: true }).optional(),
    contactedBefore: z.iso.datetime({ offset: true }).optional(),
    hasFaults: z.stringbool().optional(),
    hasDrift: z.stringbool().optional(),
    q: z.string().min(2).max(32).optional().meta({ description: 'part of the MAC (any notation) or of the number' }),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type PhoneListQueryT = z.output<typeof PhoneListQuery>;

const EffectiveItemView = z.object({
  name: z.string(),
  index: z.number().int().optional(),
  value: z.string().nullable(),
  policy: Policy,
  source: z.object({ profile: z.string(), layer: z.string() }),
});

export const EffectiveView = z.object({
  ok: z.boolean(),
  items: z.array(EffectiveItemView),
  problems: z.array(z.object({ item: z.string(), problem: z.string(), profile: z.string() })),
});

export const PhoneDetail = PhoneSummary.extend({
  assignment: AssignmentView,
  reportedE164: z.string().nullable(),
  firstSeenAt: z.string().nullable(),
  lastFullReportAt: z.string().nullable(),
  reported: z.array(z.object({ name: z.string(), index: z.number().int().optional(), value: z.string().nullable() })),
  effective: EffectiveView,
  pendingWrites: z.array(z.object({ name: z.string(), index: z.number().int().optional(), value: z.string().nullable() })),
  drift: DriftItems,
  faults: Faults,
}).meta({ id: 'PhoneDetail' });

export const HistoryEntry = z.object({ id: z.string(), at: z.string(), kind: z.string(), detail: z.unknown() });
export const HistoryPage = z.object({ entries: z.array(HistoryEntry), nextCursor: z.string().nullable() });
export const PageQuery = z.object({ cursor: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

export const JobInput = z
  .object({
    type: z.enum(['read-items', 'write-items', 'restart', 'factory-reset']),
    items: z
      .array(z.object({ name: z.string().min(1).max(128), index: z.number().int().min(0).optional(), value: z.string().max(65_536).nullable().optional() }).strict())
      .max(5000)
      .optional(),
  })
  .strict();
export const JobAccepted = z.object({ requestId: z.string(), mac: z.string(), action: z.string() });
export const JobView = z.object({
  id: z.string(),
  requestId: z.string().nullable(),
  action: z.string(),
  state: z.string(),
  outcome: z.string().nullable(),
  items: z.array(z.object({ name: z.string(), index: z.number().int().optional(), value: z.string().nullable() })),
  itemResults: z.array(z.object({ name: z.string(), index: z.number().int().optional(), value: z.string().nullable(), status: z.string().optional() })),
  busyCount: z.number().int(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

export const PreviewInput = z.object({ mac: MacParam, profile: ProfileInput }).strict();
export const PreviewView = z.object({ effective: EffectiveView, pendingWrites: PhoneDetail.shape.pendingWrites, errors: z.array(Problem), warnings: z.array(Problem) });

export const SiteInput = z.object({ fields: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.string().max(1024)), version: z.number().int().min(1).optional() }).strict();
export const SiteView = z.object({ name: z.string(), fields: z.record(z.string(), z.string()), version: z.number().int(), updatedAt: z.string() });

export const DriftSummary = z.object({
  phones: z.number().int(),
  phonesWithDrift: z.number().int(),
  phonesWithFaults: z.number().int(),
  writesPending: z.number().int(),
  items: z.array(z.object({ item: z.string(), phones: z.number().int() })),
  faults: z.array(z.object({ item: z.string(), status: z.string(), phones: z.number().int() })),
});

export const ApiKeyInput = z.object({ name: z.string().min(1).max(128), role: z.enum(['read-only', 'operator', 'admin']) }).strict();
export const ApiKeyView = z.object({ id: z.string(), name: z.string(), role: z.string(), createdAt: z.string(), createdBy: z.string(), revokedAt: z.string().nullable() });
export const ApiKeyCreated = ApiKeyView.extend({ key: z.string().meta({ description: 'Shown once; only its hash is stored' }) });

export const AuditQuery = z.object({ entityType: z.string().max(32).optional(), entityId: z.string().max(256).optional(), cursor: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();
export const AuditEntry = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), entityType: z.string(), entityId: z.string(), before: z.unknown(), after: z.unknown(), requestId: z.string().nullable() });
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() });

export const ImportQuery = z.object({ dryRun: z.stringbool().default(false) }).strict();
/** The import's result (and, streamed, its progress): one contract with the CLI. */
export const ImportResult = ImportResultSchema;

export const TagList = z.object({ tags: z.array(z.object({ tag: z.string(), phones: z.number().int() })) });
