/** What `SessionAlerts` names, as data: no cdktf, so that names are read without loading it. */

/** Where a created trail delivers its log files by default. */
export const TRAIL_KEY_PREFIX = 'cloudtrail';

/** The names `SessionAlerts` gives its resources; with a `*` in the prefix, patterns of them (for an SCP). */
export function sessionAlertNames(namePrefix: string): { rulePrefix: string; topic: string; trail: string; keyAlias: string; forwarderRole: string } {
  return {
    rulePrefix: `${namePrefix}-alert-`, topic: `${namePrefix}-alerts`, trail: `${namePrefix}-trail`, keyAlias: `${namePrefix}-alerts`,
    forwarderRole: `${namePrefix}-alert-forwarder`,
  };
}

/** The region where IAM, a global service, delivers its events to EventBridge. */
export const IAM_EVENTS_REGION = 'us-east-1';

/** Whether alerts in `region` need IAM's (and STS's global) events forwarded from us-east-1. */
export function forwardsIamEvents(region: string): boolean {
  return region !== IAM_EVENTS_REGION;
}
