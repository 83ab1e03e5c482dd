import { z } from 'zod';
import { ListQuery, Timestamp } from '../../platform/http/schemas.js';
import { OUTCOMES, RETRYABLE } from './rules.js';

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CONTACT_STATUSES = ['pending', 'dialing', 'completed', 'failed', 'opted_out', 'skipped', 'cancelled'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Limits of the contacts API (docs/campaigns.md). */
export const CONTACT_LIMITS = {
  batch: 10_000,
  importRows: 500_000,
  importBytes: 64 * 1024 * 1024,
  /** Rejections listed in one import response; `rejected_count` has the total. */
  reportedRejections: 10_000,
  dataKeys: 50,
  dataValueChars: 1_000,
} as const;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00 to 24:00');

export const CallingWindowSchema = z
  .strictObject({
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).describe('ISO weekdays, 1 = Monday … 7 = Sunday'),
    start: HHMM.describe('local time the window opens, e.g. 09:00'),
    end: HHMM.describe('local time it closes (exclusive), e.g. 18:00'),
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });

const Region = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 country code, e.g. US');

const CampaignFields = {
  name: z.string().trim().min(1).max(200),
  agent_id: z.uuid().nullable(),
  flow_id: z.uuid().nullable(),
  channel_id: z.uuid().describe('a voice channel of this organization'),
  timezone: z.string().min(1).max(64).describe('IANA time zone, e.g. America/New_York: the calling window of contacts without their own'),
  calling_window: CallingWindowSchema,
  default_region: Region.nullable().describe('country for numbers written without +country code; default: the channel number\'s country'),
  max_concurrency: z.number().int().min(1).max(1000),
  max_attempts: z.number().int().min(1).max(20),
  retry_delay_seconds: z.number().int().min(0).max(2_592_000),
  retry_on: z.array(z.enum(RETRYABLE)).max(4),
};

export const CreateCampaignBody = z.strictObject({
  name: CampaignFields.name,
  agent_id: CampaignFields.agent_id.optional(),
  flow_id: CampaignFields.flow_id.optional(),
  channel_id: CampaignFields.channel_id,
  timezone: CampaignFields.timezone,
  calling_window: CampaignFields.calling_window.default({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }),
  default_region: CampaignFields.default_region.optional(),
  max_concurrency: CampaignFields.max_concurrency.default(1),
  max_attempts: CampaignFields.max_attempts.default(3),
  retry_delay_seconds: CampaignFields.retry_delay_seconds.default(3600),
  retry_on: CampaignFields.retry_on.default(['no_answer', 'busy', 'failed']),
});
export type CreateCampaignBody = z.infer<typeof CreateCampaignBody>;

export const PatchCampaignBody = z.strictObject({
  name: CampaignFields.name.optional(),
  agent_id: CampaignFields.agent_id.optional(),
  flow_id: CampaignFields.flow_id.optional(),
  channel_id: CampaignFields.channel_id.optional(),
  timezone: CampaignFields.timezone.optional(),
  calling_window: CampaignFields.calling_window.optional(),
  default_region: CampaignFields.default_region.optional(),
  max_concurrency: CampaignFields.max_concurrency.optional(),
  max_attempts: CampaignFields.max_attempts.optional(),
  retry_delay_seconds: CampaignFields.retry_delay_seconds.optional(),
  retry_on: CampaignFields.retry_on.optional(),
});
export type PatchCampaignBody = z.infer<typeof PatchCampaignBody>;

export const CampaignOut = z.object({
  id: z.uuid(),
  name: z.string(),
  agent_id: z.uuid().nullable(),
  flow_id: z.uuid().nullable(),
  channel_id: z.uuid().nullable(),
  timezone: z.string(),
  calling_window: z.object({ days: z.array(z.number()), start: z.string(), end: z.string() }),
  default_region: z.string().nullable(),
  max_concurrency: z.number(),
  max_attempts: z.number(),
  retry_delay_seconds: z.number(),
  retry_on: z.array(z.string()),
  status: z.enum(CAMPAIGN_STATUSES).describe('read-only: changed by start, pause, resume, cancel and the engine'),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CampaignOut = z.infer<typeof CampaignOut>;

/** A list row also says how far the campaign got, so the list needs no stats call per campaign. */
export const CampaignListItem = CampaignOut.extend({
  progress: z.object({ total: z.number(), done: z.number().describe('contacts no longer pending or being dialed') }),
});

export const CampaignListQuery = ListQuery.extend({ status: z.enum(CAMPAIGN_STATUSES).optional() });

const DataValue = z.union([z.string().max(CONTACT_LIMITS.dataValueChars), z.number(), z.boolean(), z.null()]);
const ContactData = z.record(z.string().min(1).max(64), DataValue).refine((d) => Object.keys(d).length <= CONTACT_LIMITS.dataKeys, `at most ${CONTACT_LIMITS.dataKeys} fields`);

export const NewContact = z.strictObject({
  phone: z.string().min(1).max(40).describe('E.164, or national with the campaign\'s default region'),
  name: z.string().max(200).nullable().optional(),
  timezone: z.string().max(64).nullable().optional().describe('IANA zone; default: the number\'s country where it has one zone, else the campaign\'s'),
  data: ContactData.optional().describe('custom fields, usable as {{variables}} in the agent and flow'),
});
export type NewContact = z.infer<typeof NewContact>;

export const AddContactsBody = z.array(NewContact).min(1).max(CONTACT_LIMITS.batch);

export const PatchContactBody = z.strictObject({
  phone: NewContact.shape.phone.optional(),
  name: NewContact.shape.name,
  timezone: NewContact.shape.timezone,
  data: ContactData.optional(),
});
export type PatchContactBody = z.infer<typeof PatchContactBody>;

export const ImportResult = z.object({
  imported: z.number(),
  rejected: z.array(z.object({ row: z.number().describe('CSV: the line number (header = 1); JSON: the array index'), reason: z.string() })),
  rejected_count: z.number().describe('all rejections (the list stops at 10,000)'),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ContactOut = z.object({
  id: z.uuid(),
  campaign_id: z.uuid(),
  phone: z.string(),
  name: z.string().nullable(),
  timezone: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  status: z.enum(CONTACT_STATUSES),
  attempts: z.number(),
  next_attempt_at: Timestamp.nullable().describe('when a pending contact is due'),
  last_outcome: z.enum(OUTCOMES).or(z.string()).nullable(),
  last_attempt_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ContactOut = z.infer<typeof ContactOut>;

export const ContactListQuery = ListQuery.extend({ status: z.enum(CONTACT_STATUSES).optional() });
export const ContactParams = z.strictObject({ id: z.uuid(), contact_id: z.uuid() });

export const CampaignStats = z.object({
  campaign_id: z.uuid(),
  status: z.enum(CAMPAIGN_STATUSES),
  contacts: z.object({ total: z.number(), ...Object.fromEntries(CONTACT_STATUSES.map((s) => [s, z.number()])) }),
  outcomes: z.record(z.string(), z.number()).describe('attempts per outcome'),
  attempts: z.object({ total: z.number(), in_progress: z.number() }),
  answer_rate: z.number().nullable().describe('answered attempts / ended attempts; null before any ended'),
  at: Timestamp,
});
export type CampaignStats = z.infer<typeof CampaignStats>;
