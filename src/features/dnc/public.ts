/**
 * What the session transports and campaigns may use of the do-not-contact list (never ./repo.ts).
 * Each runs in the caller's tenant transaction.
 */
import type { Tx } from '../../platform/db/types.js';
import * as repo from './repo.js';

export type { DncSource } from './schemas.js';

export const isOnDnc = async (tx: Tx, phone: string): Promise<boolean> => (await repo.getDnc(tx, phone)) !== null;

/** The numbers of `phones` that are on the list (one query, for imports). */
export const listedOnDnc = (tx: Tx, phones: readonly string[]): Promise<Set<string>> => repo.listedAmong(tx, phones);

/** A person said on a campaign call that they do not want to be called again (outcome opt_out). */
export const recordVoiceOptOut = (tx: Tx, phone: string) => repo.insertDnc(tx, phone, 'voice_opt_out');

/** A person opted out by keyword (STOP) on an SMS or WhatsApp channel. */
export const recordOptOut = (tx: Tx, phone: string, channel: 'sms' | 'whatsapp') => repo.insertDnc(tx, phone, `${channel}_opt_out`);

/**
 * A person opted back in (START): only their own keyword opt-outs are lifted, never a number the
 * organization listed itself. True when an entry was removed.
 */
export const recordOptIn = async (tx: Tx, phone: string): Promise<boolean> => (await repo.deleteDnc(tx, phone, ['sms_opt_out', 'whatsapp_opt_out'])) !== null;
