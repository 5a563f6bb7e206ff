import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, LogArchiveConfig, OrganizationConfig } from '../config/types';
import { AUDIT_TRAIL_TAG, AuditTrailScp } from '../modules/guardrails';
import { sessionAlertNames } from '../modules/session-alerts';
import { SESSION_PREFERENCES_DOCUMENT } from '../modules/session-logging';
import { addAwsProvider } from './aws-provider';
import { accessTagKeys, breakGlassRoleNames, ENVIRONMENT_NAME_PREFIX, FORWARD_INFIX, optedInDocumentArns, recordingPathArns } from './environment-stack';
import { MANAGED_BY_TAG } from '../config/access';
import { addRemoteState } from './locking-s3-backend';

export const ORGANIZATION_STACK = 'organization';

/**
 * The guardrail as a service control policy, in the organization's management account: it reaches
 * every environment's account, so it names their audit trails by pattern and excepts their pipelines.
 */
export class OrganizationStack extends TerraformStack {
  readonly scp: AuditTrailScp;

  constructor(scope: Construct, config: OrganizationConfig, environments: readonly EnvironmentConfig[], logArchive?: LogArchiveConfig) {
    super(scope, ORGANIZATION_STACK);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    const alerts = sessionAlertNames(`${ENVIRONMENT_NAME_PREFIX}*`);
    this.scp = new AuditTrailScp(this, 'audit-trail-scp', {
      name: 'ssm-session-kit-audit-trail',
      targetIds: config.targetIds,
      // One pattern per pipeline role name and per log-bucket prefix, so that the policy does not grow
      // with the environments.
      exceptPrincipalArns: distinct([...environments.map((e) => e.guardrails.pipelineRoleArn), ...(logArchive ? [logArchive.pipelineRoleArn] : [])]
        .map((arn) => `arn:*:iam::*:role/${arn.split(':role/')[1]}`)),
      trail: {
        preferencesDocumentArns: [`arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`],
        logGroupArns: ['arn:*:logs:*:*:log-group:/ssm-session-kit/*'],
        // The archive's too: its account is under the SCP as well.
        bucketArns: bucketPatterns([...environments.map((e) => e.sessionLogging.bucketName), ...(logArchive ? [logArchive.bucketName] : [])]).map((b) => `arn:*:s3:::${b}`),
        kmsKeyArns: ['*'],
        keyTag: AUDIT_TRAIL_TAG,
        approvedSessionDocumentArns: [
          `arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`, ...optedInDocumentArns(environments),
          ...(environments.some((e) => e.accessGroups.some((g) => g.portForwarding.length > 0)) ? [`arn:*:ssm:*:*:document/${ENVIRONMENT_NAME_PREFIX}*${FORWARD_INFIX}*`] : []),
        ],
        // The alert key carries the audit-trail tag, which keyTag protects.
        alerting: {
          ruleArns: [`arn:*:events:*:*:rule/${alerts.rulePrefix}*`],
          topicArns: [`arn:*:sns:*:*:${alerts.topic}`],
          trailArns: [`arn:*:cloudtrail:*:*:trail/${alerts.trail}`],
          roleArns: [`arn:*:iam::*:role/${alerts.forwarderRole}`],
        },
        // Every environment's instances by the tag every resource of the project carries, sessions in
        // the regions of every environment.
        recordingPath: recordingPathArns(`${ENVIRONMENT_NAME_PREFIX}*`, {
          instanceTag: { key: MANAGED_BY_TAG.key, values: [MANAGED_BY_TAG.value] },
          sessionRegions: distinct(environments.map((e) => e.region)).sort(),
          commandRoleNames: breakGlassRoleNames(environments),
          // ManagedBy too: it decides which instances the SCP protects.
          accessTagKeys: [...accessTagKeys(environments), MANAGED_BY_TAG.key],
        }),
      },
    });
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The log buckets as few patterns as keep the SCP small: their common prefix and a wildcard when they
 * share one of at least 8 characters (other buckets of that prefix are protected too), else each name.
 */
export function bucketPatterns(names: readonly string[]): string[] {
  const unique = distinct([...names]);
  if (unique.length < 2) return unique;
  let prefix = unique[0];
  for (const name of unique) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.length >= 8 ? [`${prefix}*`] : unique;
}
