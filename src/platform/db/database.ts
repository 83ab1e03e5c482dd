import type { Driver } from './driver.js';

/** What the rest of the service holds: a driver plus the name of the runtime role it must run as. */
export interface Database {
  readonly driver: Driver;
  readonly mode: Driver['mode'];
  /** The role tenant transactions run as (`converse_app`). */
  readonly appRole: string;
}

export const APP_ROLE = 'converse_app';
export const OWNER_ROLE = 'converse_owner';

export function createDatabase(driver: Driver, appRole = APP_ROLE): Database {
  return { driver, mode: driver.mode, appRole };
}
