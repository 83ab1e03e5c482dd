/**
 * What the channel screens need to know per channel type and provider (docs/channels.md,
 * docs/messaging.md): which providers carry a type, the credential fields each takes (all write-only)
 * and where the webhook URL goes in the provider's console.
 */
export const CHANNEL_TYPES = [
  { value: 'voice', label: 'Phone calls' },
  { value: 'sms', label: 'SMS' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'web', label: 'Web widget' },
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number]['value'];
export type ChannelProvider = 'twilio' | 'plivo' | 'exotel' | 'meta' | 'web';

export const PROVIDERS_FOR_TYPE: Record<ChannelType, ChannelProvider[]> = {
  voice: ['twilio', 'plivo', 'exotel'],
  sms: ['twilio', 'plivo', 'exotel'],
  whatsapp: ['meta', 'twilio'],
  web: ['web'],
};

export const PROVIDER_LABELS: Record<ChannelProvider, string> = { twilio: 'Twilio', plivo: 'Plivo', exotel: 'Exotel', meta: 'Meta (WhatsApp Cloud API)', web: 'Converse widget' };

export interface CredentialField {
  name: string;
  label: string;
  /** Secret values get a password field; ids a plain one. Both are write-only. */
  secret: boolean;
  optional?: boolean;
  description?: string;
}

export const CREDENTIAL_FIELDS: Record<ChannelProvider, CredentialField[]> = {
  twilio: [
    { name: 'account_sid', label: 'Account SID', secret: false, description: 'AC followed by 32 hex characters (Twilio Console → Account Info)' },
    { name: 'auth_token', label: 'Auth token', secret: true },
  ],
  plivo: [
    { name: 'auth_id', label: 'Auth ID', secret: false },
    { name: 'auth_token', label: 'Auth token', secret: true },
  ],
  exotel: [
    { name: 'account_sid', label: 'Account SID', secret: false },
    { name: 'api_key', label: 'API key', secret: true },
    { name: 'api_token', label: 'API token', secret: true },
    { name: 'subdomain', label: 'API host', secret: false, optional: true, description: 'Optional, e.g. api.in.exotel.com' },
  ],
  meta: [
    { name: 'access_token', label: 'Access token', secret: true, description: 'A system user token with whatsapp_business_messaging' },
    { name: 'phone_number_id', label: 'Phone number ID', secret: false },
    { name: 'app_secret', label: 'App secret', secret: true, description: 'App settings → Basic: it signs the webhooks' },
    { name: 'verify_token', label: 'Verify token', secret: true, description: 'Any random string (8+ characters); you type it again at Meta' },
  ],
  web: [],
};

/** Where to paste the webhook URL, per provider and type. */
export function webhookInstructions(type: ChannelType, provider: ChannelProvider): string {
  if (provider === 'twilio' && type === 'voice') return 'Twilio Console → Phone Numbers → Manage → Active numbers → your number → Voice Configuration: "A call comes in" → Webhook, paste this URL, HTTP POST, save.';
  if (provider === 'twilio' && type === 'whatsapp') return 'Twilio Console → Messaging → Senders → WhatsApp senders → your sender: paste this URL as the "Webhook URL for incoming messages".';
  if (provider === 'twilio') return 'Twilio Console → Phone Numbers → Manage → Active numbers → your number → Messaging Configuration: "A message comes in" → Webhook, paste this URL, HTTP POST, save. Delivery receipts need no setting.';
  if (provider === 'plivo' && type === 'voice') return 'Plivo Console → Voice → Applications → XML → Add New Application: paste this URL as the Answer URL (POST), then attach the application to your number.';
  if (provider === 'plivo') return 'Plivo Console → Messaging → Applications → XML → Add New Application: paste this URL as the Message URL (POST); then set your number to that XML application.';
  if (provider === 'exotel') return 'Paste this URL where Exotel asks for the callback URL of this number. It contains the channel\'s secret token.';
  if (provider === 'meta') return 'developers.facebook.com → your app → WhatsApp → Configuration → Webhook → Edit: paste this URL as the Callback URL with your verify token, Verify and save, then subscribe to the "messages" field.';
  return '';
}
