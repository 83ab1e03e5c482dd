/**
 * What the campaign screens need to know about campaigns (docs/campaigns.md): statuses and their
 * colours, which lifecycle action each state offers, and the API's editing rules per state, so the form
 * disables what the API would refuse and says why.
 */
import type { Get, Row } from '../../api/client';

export type Campaign = Get<'/api/v1/campaigns/{id}'>;
export type CampaignListRow = Row<'/api/v1/campaigns'>;
export type CampaignStatus = Campaign['status'];
export type Contact = Row<'/api/v1/campaigns/{id}/contacts'>;
export type CampaignStats = Get<'/api/v1/campaigns/{id}/stats'>;

export const STATUS_COLORS: Record<CampaignStatus, string> = { draft: 'gray', running: 'green', paused: 'yellow', completed: 'blue', cancelled: 'red' };

export const CONTACT_STATUS_COLORS: Record<Contact['status'], string> = {
  pending: 'gray',
  dialing: 'green',
  completed: 'blue',
  failed: 'red',
  opted_out: 'orange',
  skipped: 'yellow',
  cancelled: 'dark',
};

export type LifecycleAction = 'start' | 'pause' | 'resume' | 'cancel';
/** The actions the API accepts in each state (service.ts TRANSITIONS). */
export const ACTIONS: Record<CampaignStatus, LifecycleAction[]> = {
  draft: ['start', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

/** Contacts can be added while the campaign can still call them. */
export const takesContacts = (s: CampaignStatus) => s === 'draft' || s === 'running' || s === 'paused';
/** The API refuses DELETE while a campaign runs or is paused: cancel first. */
export const isDeletable = (s: CampaignStatus) => s === 'draft' || s === 'completed' || s === 'cancelled';

/**
 * Why a field cannot change in this state, or null when it can: running or paused campaigns keep their
 * agent, flow and channel; finished ones can only be renamed (the API answers 409 otherwise).
 */
export function lockedReason(status: CampaignStatus | undefined, field: 'name' | 'target' | 'settings'): string | null {
  if (!status || status === 'draft' || field === 'name') return null;
  if (status === 'completed' || status === 'cancelled') return `A ${status} campaign can only be renamed`;
  if (field === 'target') return `Fixed while the campaign is ${status}: cancel it and create another to change it`;
  return null;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export const RETRY_OUTCOMES = [
  { value: 'no_answer', label: 'No answer' },
  { value: 'busy', label: 'Busy' },
  { value: 'failed', label: 'Failed' },
  { value: 'voicemail', label: 'Voicemail' },
] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number]['value'];

/** Contacts no longer waiting or being called. */
export const doneOf = (s: CampaignStats) => s.contacts.total - s.contacts.pending - s.contacts.dialing;
