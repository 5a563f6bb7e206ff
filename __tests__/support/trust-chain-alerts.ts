import type { ResolvedPlan } from '../iam-evaluation';
import { receives, type RuleOf } from './event-pattern';
import { cloudTrailEvent, iamUser, identityCenterSession, rootUser, trustChainCalls, type UserIdentity } from './cloudtrail';

type Pattern = Record<string, unknown>;

/** A planned stack's alert rules by short name: those of its region, and those in us-east-1 that forward there. */
export interface PlannedAlertRules {
  readonly here: Record<string, RuleOf>;
  readonly forwards: Record<string, RuleOf>;
}

export function plannedAlertRules(plan: ResolvedPlan, rulePrefix: string): PlannedAlertRules {
  const rules = (forwarding: boolean) => Object.fromEntries(plan.all('aws_cloudwatch_event_rule')
    .filter((r) => String(r.values.description).startsWith('Forwards') === forwarding)
    .map((r) => [String(r.values.name).replace(rulePrefix, ''), { pattern: JSON.parse(r.values.event_pattern), state: String(r.values.state) }]));
  return { here: rules(false), forwards: rules(true) };
}

/** Which of the rules receive an event. */
export function firing(rules: Record<string, RuleOf>, event: Pattern): string[] {
  return Object.keys(rules).filter((name) => receives(rules[name], event)).sort();
}

/**
 * Every take-over step on each role (IAM's calls, recorded in us-east-1 and forwarded; AssumeRole from the
 * region's and the global endpoint), by an administrator, an IAM user and the root user, allowed or
 * refused: each fires its trust-chain rule; the pipeline's own IAM calls stay quiet.
 */
export function expectChainAlerts(rules: PlannedAlertRules, at: { account: string; region: string }, roleNames: readonly string[], pipeline: UserIdentity): void {
  const { account, region } = at;
  const callers = [identityCenterSession(account, 'AdministratorAccess', 'mallory@example.com', region), iamUser(account, 'mallory'), rootUser(account)];
  const arrives = (event: Pattern) => ({ forwarded: firing(rules.forwards, event), firing: firing(rules.here, event) });
  // In us-east-1 itself, nothing needs forwarding.
  const forwarded = (rule: string) => (region === 'us-east-1' ? [] : [rule]);
  for (const roleName of roleNames) {
    const calls = trustChainCalls(account, roleName);
    for (const caller of callers) {
      for (const denied of [false, true]) {
        for (const call of calls.iam) {
          expect({ roleName, call: call.eventName, denied, ...arrives(cloudTrailEvent(call, caller, { account, region: 'us-east-1', denied })) })
            .toEqual({ roleName, call: call.eventName, denied, forwarded: forwarded('trust-chain-roles'), firing: ['trust-chain-roles'] });
        }
        for (const call of calls.sts) {
          expect({ roleName, denied, firing: firing(rules.here, cloudTrailEvent(call, caller, { account, region, denied })) }).toEqual({ roleName, denied, firing: ['trust-chain'] });
          expect({ roleName, denied, ...arrives(cloudTrailEvent(call, caller, { account, region: 'us-east-1', denied })) })
            .toEqual({ roleName, denied, forwarded: forwarded('trust-chain'), firing: ['trust-chain'] });
        }
      }
    }
    for (const call of calls.iam) {
      expect({ roleName, call: call.eventName, ...arrives(cloudTrailEvent(call, pipeline, { account, region: 'us-east-1' })) }).toEqual({ roleName, call: call.eventName, forwarded: [], firing: [] });
    }
  }
  // Another role of the account stays quiet.
  const other = trustChainCalls(account, 'app-role');
  for (const call of [...other.iam, ...other.sts]) {
    expect({ call: call.eventName, ...arrives(cloudTrailEvent(call, callers[0], { account, region: 'us-east-1' })) }).toEqual({ call: call.eventName, forwarded: [], firing: [] });
  }
}
