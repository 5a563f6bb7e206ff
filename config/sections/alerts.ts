/** An environment's `alerts` (and the log archive's): who is told when anyone but the pipeline touches the audit trail. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { awsString, list, problem, type Report, strict } from './common';
import type { EnvironmentConfig } from './environment';

export const alertEmails = list(awsString(rules.emailAddress, 'email address'), 'addresses subscribed to the alert topic; each confirms by the link AWS sends').check((ctx) => {
  // Lower-cased: SNS would send both subscriptions to one mailbox.
  const seen = new Set<string>();
  ctx.value.forEach((email, i) => {
    if (seen.has(email.toLowerCase())) problem(ctx, [i], `"${email}" is listed twice`);
    seen.add(email.toLowerCase());
  });
}).default([]);
export const alertTopicArn = awsString(rules.snsTopicArn, "an existing SNS topic in the stack's region to alert instead of creating one; its owner lets EventBridge publish to it").optional();
export const trailSource = f.oneOf(['stack', 'existing'], 'must be "stack" (the stack creates a trail) or "existing" (an organisation or account trail already records the account)')
  .default('stack')
  .meta({ description: 'the CloudTrail trail the alerts read: "stack" creates a multi-region trail of management events, "existing" relies on one already logging (an organisation trail)' });

/**
 * The alerts of an account that records no sessions (the log archive, the state): who is told, and
 * which trail the rules read.
 */
export function accountAlertsSchema(trailNote: string, description: string) {
  return strict({ emails: alertEmails, topicArn: alertTopicArn, trail: strict({ source: trailSource }, trailNote).prefault({}) }, description).prefault({});
}

/** An alert topic named in another region than the rules that publish to it, which EventBridge cannot. */
export function topicRegionProblem(topicArn: string | undefined, region: string): string | undefined {
  const topicRegion = topicArn?.split(':')[3];
  return topicRegion !== undefined && topicRegion !== region ? `is in ${topicRegion}: EventBridge rules in ${region} publish only to a topic of their own region` : undefined;
}

export const alertsSchema = strict({
  emails: alertEmails,
  topicArn: alertTopicArn,
  allSessions: f.boolean().default(false).meta({ description: 'alert on every session in the environment, not only those of alerting groups' }),
  justInTimeAccess: f.boolean().default(false).meta({ description: "alert on every approved just-in-time request used (each access token taken) and each manual approval given; changes to the approval policies always alert" }),
  trail: strict({
    source: trailSource,
    bucketName: awsString(rules.bucketName, 'with "stack": an existing bucket for the trail\'s log files; default the session log bucket, under cloudtrail/').optional(),
    objectEvents: f.boolean().optional().meta({
      description: 'alert on deleting session log objects, S3 data events: with "stack" the created trail records them (default true); with "existing" set true only where that trail records write data events for the log bucket',
    }),
  }, 'EventBridge receives "AWS API Call via CloudTrail" events only while a trail records them').prefault({}),
}, 'alerts when anyone but the pipeline touches the audit trail, and on break-glass sessions').prefault({});

export type AlertsFile = f.Output<typeof alertsSchema>;

/** Whether object-level deletions alert is settled: on with a trail the stack creates, unless turned off. */
export interface AlertsConfig extends Readonly<Omit<AlertsFile, 'trail'>> {
  readonly trail: Readonly<AlertsFile['trail']> & { readonly objectEvents: boolean };
}

export function alertsOf(alerts: AlertsFile): AlertsConfig {
  return { ...alerts, trail: { ...alerts.trail, objectEvents: alerts.trail.objectEvents ?? alerts.trail.source === 'stack' } };
}

export function checkAlerts({ alerts, accessGroups, region }: EnvironmentConfig, report: Report): void {
  const topicProblem = topicRegionProblem(alerts.topicArn, region);
  if (topicProblem) report('alerts.topicArn', topicProblem);
  if (alerts.trail.bucketName !== undefined && alerts.trail.source !== 'stack') {
    report('alerts.trail.bucketName', 'names where a trail the stack creates delivers; with "source": "existing" there is none');
  }
  for (const group of accessGroups) {
    if (group.alertOnSessions && group.roleNames.length === 0 && !group.createRole) {
      report(`accessGroups.${group.name}.alertOnSessions`,
        'is on (by default for admin groups), but CloudTrail records a user, not its IAM groups: give the group roleNames or createRole, or set it false');
    }
  }
}
