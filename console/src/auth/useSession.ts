import { useSyncExternalStore } from 'react';
import type { Permission } from '../../../src/platform/auth/permissions';
import { allowed, currentIdentity, subscribe, type Identity } from './session';

export const useIdentity = (): Identity | null => useSyncExternalStore(subscribe, currentIdentity);

/**
 * Whether the signed-in role may do this (the same table the API enforces). The console hides or
 * disables what a role cannot do; the API still refuses it on its own.
 */
export function useCan(permission: Permission): boolean {
  useIdentity();
  return allowed(permission);
}
