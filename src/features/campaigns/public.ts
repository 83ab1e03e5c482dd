/**
 * What the dialing engine (src/pipeline/campaigns/) uses of campaigns (never ./repo.ts). Each function
 * runs in the caller's tenant transaction of the org the work belongs to.
 */
export {
  callVariables,
  claimDueWork,
  markAttemptsPlaced,
  pauseForConfiguration,
  reconcileAttempts,
  recordAttempts,
  verifyDials,
  type ClaimedContact,
  type DialPlan,
  type ReconcileOptions,
  type Verdict,
} from './dialing.js';

/** The cross-org door: orgs with a running campaign or an attempt still open (through withoutOrg). */
export { campaignWorkOrgs } from './repo.js';

/** Wakes the dialing engines when a campaign starts or resumes (./wake.ts). */
export { onCampaignWork } from './wake.js';
