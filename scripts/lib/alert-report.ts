import type { EnvironmentConfig, ProjectConfig } from '../../config/types';
import { IAM_EVENTS_REGION, sessionAlertNames, TRAIL_KEY_PREFIX } from '../../modules/session-alerts/names';
import { environmentPrefix, sessionLogGroupName } from '../../stacks/naming';
import { fit, table } from './table';

/** Who is alerted on what, per environment: `npm run access-report`'s alerts section. */
export function alertReport(config: ProjectConfig, width = Infinity): string {
  return fit(config.environments.map((env) => environmentAlerts(env, width)).join('\n\n'), width) + '\n';
}

function environmentAlerts(env: EnvironmentConfig, width: number): string {
  const { alerts } = env;
  const names = sessionAlertNames(environmentPrefix(env.name));
  const pipeline = env.guardrails.pipelineRoleArn.split('/').pop();
  const topic = alerts.topicArn ?? `${names.topic} (created, encrypted with alias/${names.keyAlias})`;
  const emails = alerts.emails.length > 0 ? alerts.emails.join(', ') : 'none: subscribe to the topic, or set alerts.emails';
  const trail = alerts.trail.source === 'stack'
    ? `${names.trail}, created by the stack (multi-region), log files in ${alerts.trail.bucketName ?? `${env.sessionLogging.bucketName}/${TRAIL_KEY_PREFIX}`}`
    : 'an existing trail (alerts.trail.source "existing"): the alerts fire only while it logs this account';
  const sessionRoles = env.accessGroups
    .filter((g) => g.alertOnSessions)
    .flatMap((g) => [...g.roleNames, ...(g.createRole ? [g.createRole.name] : [])].map((role) => `${role} (group ${g.name})`));
  const rows = [
    ['change the session preferences', 'yes'],
    [`change the log group ${sessionLogGroupName(env.name)}`, 'yes'],
    [`change the log bucket ${env.sessionLogging.bucketName}`, 'yes'],
    ['delete or unlock log objects', alerts.trail.objectEvents
      ? (alerts.trail.source === 'stack' ? 'yes (the created trail records them)' : 'yes, if the existing trail records S3 write data events for the bucket')
      : 'no: S3 data events, which the trail does not record'],
    ['disable, delete or re-policy the session or alert key', 'yes'],
    ['change the alert rules, topic or trail', 'yes'],
    ['change the recording roles or profile', env.region === IAM_EVENTS_REGION ? 'yes' : `yes (IAM's events, forwarded from ${IAM_EVENTS_REGION})`],
    ['create, change or assume a role of the trust chain', env.region === IAM_EVENTS_REGION ? 'yes (AssumeRole by anyone)'
      : `yes (AssumeRole by anyone; IAM's and STS's global events forwarded from ${IAM_EVENTS_REGION})`],
    ["change an instance's profile or tags, DHM, account log policies", 'yes'],
    ['get onto an instance another way than a session', 'yes, on any instance of the account'],
    ['open a session', alerts.allSessions ? 'yes, every session' : sessionRoles.length > 0 ? `by ${sessionRoles.join(', ')}` : 'no'],
  ];
  return [
    `${env.name}: who is alerted, and on what`,
    `  topic:  ${topic}`,
    `  emails: ${emails}`,
    `  trail:  ${trail}`,
    `  Calls by ${pipeline} (the pipeline) do not alert; refused calls alert as allowed ones do.`,
    table(['when anyone', 'alerts'], rows, width),
  ].join('\n');
}
