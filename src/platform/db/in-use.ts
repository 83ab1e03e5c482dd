import { errors } from '../../platform/errors.js';

/**
 * For deletes only. The data layer maps every foreign key violation (23503) to 404, which is right for
 * a write that names another org's id; for a delete it means a row elsewhere still references this one
 * (a later feature's table without ON DELETE), so the honest answer is 409.
 *
 * @example await tx.query(sql, params).catch(rethrowInUse('The flow is still used by a channel'))
 */
export function rethrowInUse(message: string): (err: unknown) => never {
  return (err) => {
    if (err && typeof err === 'object' && (err as { code?: unknown }).code === '23503') throw errors.conflict(message);
    throw err;
  };
}
