import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ProjectConfig } from '../config/types';
import { AuditTrailScp } from '../modules/guardrails';
import { organizationAuditTrail, type StackAuditTrail } from './audit-trail';
import { addAwsProvider } from './aws-provider';
import { addRemoteState } from './locking-s3-backend';
import { ORGANIZATION_STACK, SCP_NAME } from './naming';

export { ORGANIZATION_STACK };

/**
 * The guardrail as a service control policy, in the organization's management account: it reaches
 * every environment's account, so it names their audit trails by pattern and excepts their pipelines.
 */
export class OrganizationStack extends TerraformStack {
  readonly auditTrail: StackAuditTrail;
  readonly scp: AuditTrailScp;

  constructor(scope: Construct, config: NonNullable<ProjectConfig['organization']>, project: Omit<ProjectConfig, 'organization'>) {
    super(scope, ORGANIZATION_STACK);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    const trail = organizationAuditTrail(project.environments, project.logArchive, project.bootstrap, project.identityCenter);
    this.auditTrail = trail;
    this.scp = new AuditTrailScp(this, 'audit-trail-scp', {
      name: SCP_NAME,
      targetIds: config.targetIds,
      exceptPrincipalArns: trail.pipelineRoleArns,
      exceptPrincipalAccounts: trail.exceptionAccounts,
      trail: trail.guarded,
    });
  }
}
