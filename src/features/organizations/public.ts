/**
 * What other features may use of the organization: its privacy settings (docs/privacy.md), read in the
 * caller's tenant transaction. The calls store and event emission read them once per write, so a change
 * applies from the next turn or event on.
 */
export { getPrivacySettings as privacySettings, type PrivacySettings } from './repo.js';
