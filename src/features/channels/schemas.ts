import { z } from 'zod';

export const CHANNEL_TYPES = ['voice', 'sms', 'whatsapp', 'web'] as const;
export const CHANNEL_PROVIDERS = ['twilio', 'plivo', 'exotel', 'meta', 'web'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export type ChannelProvider = (typeof CHANNEL_PROVIDERS)[number];
export type TelephonyProvider = Exclude<ChannelProvider, 'web'>;

/** Which providers can carry which channel type (docs/channels.md). */
export const PROVIDERS_FOR_TYPE: Record<ChannelType, readonly ChannelProvider[]> = {
  voice: ['twilio', 'plivo', 'exotel'],
  sms: ['twilio', 'plivo', 'exotel'],
  whatsapp: ['meta', 'twilio'],
  web: ['web'],
};

export const CHANNEL_LIMITS = {
  bodyLimitBytes: 32 * 1024,
  maxAllowedOrigins: 50,
} as const;

const Name = z.string().trim().min(1).max(200);
// Shape only; the service checks it per provider (strict schemas from src/telephony/providers).
// Values are never echoed in errors.
const Credentials = z.record(z.string().min(1).max(64), z.string().max(4096));
const PhoneNumber = z.string().trim().min(3).max(32);
const Origin = z.string().trim().min(1).max(300);
const AllowedOrigins = z.array(Origin).max(CHANNEL_LIMITS.maxAllowedOrigins);

/** How long an SMS/WhatsApp thread stays open without messages (docs/messaging.md); 24 h by default. */
export const DEFAULT_THREAD_IDLE_MINUTES = 1440;
export const ChannelSettings = z.strictObject({
  thread_idle_minutes: z.int().min(1).max(43_200).optional().describe(`sms/whatsapp: a thread idle this long ends; the next message starts a new one (default ${DEFAULT_THREAD_IDLE_MINUTES})`),
});
export type ChannelSettings = z.infer<typeof ChannelSettings>;

export const CreateChannelBody = z.strictObject({
  name: Name,
  type: z.enum(CHANNEL_TYPES),
  provider: z.enum(CHANNEL_PROVIDERS),
  credentials: Credentials.optional().describe('Write-only. Per provider: see docs/channels.md'),
  phone_number: PhoneNumber.nullable().optional().describe('E.164, e.g. +14155550100'),
  agent_id: z.uuid().nullable().optional(),
  flow_id: z.uuid().nullable().optional(),
  allowed_origins: AllowedOrigins.optional().describe('web channels: browser origins allowed to open a session'),
  settings: ChannelSettings.optional(),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

/** Type and provider are fixed at creation (credentials and webhooks depend on them). */
export const UpdateChannelBody = z
  .strictObject({
    name: Name,
    credentials: Credentials.describe('Write-only; replaces the stored credentials as a whole'),
    phone_number: PhoneNumber.nullable(),
    agent_id: z.uuid().nullable(),
    flow_id: z.uuid().nullable(),
    allowed_origins: AllowedOrigins,
    settings: ChannelSettings.describe('Replaces the stored settings as a whole'),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

export const ChannelOut = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  provider: z.enum(CHANNEL_PROVIDERS),
  credentials: z.object({
    configured: z.boolean(),
    hint: z.string().nullable().describe('"..." + last 4 characters of the non-secret account id'),
  }),
  phone_number: z.string().nullable(),
  agent_id: z.string().nullable(),
  flow_id: z.string().nullable(),
  allowed_origins: z.array(z.string()),
  settings: z.object({ thread_idle_minutes: z.number().int() }),
  webhook_url: z
    .string()
    .nullable()
    .describe('Where the provider must send callbacks (null without CONVERSE_PUBLIC_URL; Exotel: only in the create response)'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ChannelOut = z.infer<typeof ChannelOut>;

export const SessionUrlOut = z.object({
  url: z.string().describe('ws(s)://.../ws/agent/{agent_id}?token=... — valid until expires_at'),
  expires_at: z.string(),
});
