import { z } from 'zod';
import { ListQuery } from '../../platform/http/schemas.js';

export const DNC_SOURCES = ['manual', 'sms_opt_out', 'whatsapp_opt_out', 'voice_opt_out'] as const;
export type DncSource = (typeof DNC_SOURCES)[number];

export const AddDncBody = z.strictObject({ phone: z.string().trim().min(3).max(32).describe('E.164, e.g. +14155550100') });
export type AddDncBody = z.infer<typeof AddDncBody>;

/** The number in the path, percent-encoded: `/dnc/%2B14155550100` (a bare `+` would be read as a space by some clients). */
export const DncParams = z.strictObject({ phone: z.string().min(1).max(64) });

export const DncEntryOut = z.object({
  phone: z.string(),
  source: z.enum(DNC_SOURCES).describe('manual (POST /dnc), the channel type on which the person replied STOP, or voice_opt_out (a campaign call ended with outcome opt_out)'),
  created_at: z.string(),
});
export type DncEntryOut = z.infer<typeof DncEntryOut>;

/** `?search=` keeps the numbers containing these digits (a leading + is ignored), e.g. `5550100`. */
export const DncListQuery = ListQuery.extend({
  search: z.string().trim().regex(/^\+?\d{1,20}$/, 'digits of the number, e.g. 5550100').optional(),
});
