/**
 * What the session transports and campaigns may use of the do-not-contact list (never ./repo.ts).
 * Each runs in the caller's tenant transaction.
 */
import type { Tx } from '../../platform/db/types.js';
import * as repo from './repo.js';

export type { DncSource } from './schemas.js';

export const isOnDnc = async (tx: Tx, phone: string): Promise<boolean> => (await repo.getDnc(tx, phone)) !== null;

/** A person opted out by keyword (STOP) on an SMS or WhatsApp channel. */
export const recordOptOut = (tx: Tx, phone: string, channel: 'sms' | 'whatsapp') => repo.insertDnc(tx, phone, `${channel}_opt_out`);

/**
 * A person opted back in (START): only their own keyword opt-outs are lifted, never a number the
 * organization listed itself. True when an entry was removed.
 */
export const recordOptIn = async (tx: Tx, phone: string): Promise<boolean> => (await repo.deleteDnc(tx, phone, ['sms_opt_out', 'whatsapp_opt_out'])) !== null;
