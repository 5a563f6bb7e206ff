import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, OrganizationConfig } from '../config/types';
import { AUDIT_TRAIL_TAG, AuditTrailScp } from '../modules/guardrails';
import { SESSION_PREFERENCES_DOCUMENT } from '../modules/session-logging';
import { addAwsProvider } from './aws-provider';
import { addRemoteState } from './locking-s3-backend';

export const ORGANIZATION_STACK = 'organization';

/**
 * The guardrail as a service control policy, in the organization's management account: it reaches
 * every environment's account, so it names their audit trails by pattern and excepts their pipelines.
 */
export class OrganizationStack extends TerraformStack {
  readonly scp: AuditTrailScp;

  constructor(scope: Construct, config: OrganizationConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, ORGANIZATION_STACK);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    this.scp = new AuditTrailScp(this, 'audit-trail-scp', {
      name: 'ssm-session-kit-audit-trail',
      targetIds: config.targetIds,
      exceptPrincipalArns: environments.map((e) => e.guardrails.pipelineRoleArn),
      trail: {
        preferencesDocumentArns: [`arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`],
        logGroupArns: ['arn:*:logs:*:*:log-group:/ssm-session-kit/*'],
        bucketArns: environments.map((e) => `arn:*:s3:::${e.sessionLogging.bucketName}`),
        kmsKeyArns: ['*'],
        keyTag: AUDIT_TRAIL_TAG,
      },
    });
  }
}
