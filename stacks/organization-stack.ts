import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ProjectConfig } from '../config/types';
import { AuditTrailGuardrail, AuditTrailScp } from '../modules/guardrails';
import { ApprovalPolicies, JustInTimeEnablement } from '../modules/just-in-time';
import { denyAccessRules, type JustInTimeEnablementConfig } from '../config/sections/just-in-time';
import { justInTimeEnablementTrail, organizationAuditTrail, type StackAuditTrail } from './audit-trail';
import { addAwsProvider } from './aws-provider';
import { addRemoteState } from './locking-s3-backend';
import { DENY_ACCESS_ID, environmentPrefix, GUARDRAIL_ID, JUST_IN_TIME_ID, justInTimeNames, ORGANIZATION_STACK, SCP_NAME } from './naming';

export { ORGANIZATION_STACK };

/**
 * The guardrail as a service control policy, in the organization's management account: it reaches
 * every environment's account, so it names their audit trails by pattern and excepts their pipelines.
 */
export class OrganizationStack extends TerraformStack {
  readonly auditTrail: StackAuditTrail;
  readonly scp: AuditTrailScp;
  /** Quick Setup's enablement of just-in-time access, with `justInTime`. */
  justInTime?: JustInTimeEnablement;
  /** The organization's deny-access policy, with `justInTime.denyAccess`. */
  denyAccess?: ApprovalPolicies;
  /** The deny policy on the management account's administrators, with `justInTime`. */
  guardrail?: AuditTrailGuardrail;

  constructor(scope: Construct, config: NonNullable<ProjectConfig['organization']>, project: Omit<ProjectConfig, 'organization'>) {
    super(scope, ORGANIZATION_STACK);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    const trail = organizationAuditTrail(project.environments, project.logArchive, project.bootstrap, project.identityCenter, config);
    this.auditTrail = trail;
    this.scp = new AuditTrailScp(this, 'audit-trail-scp', {
      name: SCP_NAME,
      targetIds: config.targetIds,
      exceptPrincipalArns: trail.pipelineRoleArns,
      exceptPrincipalAccounts: trail.exceptionAccounts,
      trail: trail.guarded,
    });
    if (config.justInTime) this.addJustInTime(config, config.justInTime);
  }

  /**
   * Just-in-time access for the organization: Quick Setup's enablement and the one deny-access policy,
   * both in this account, which no SCP reaches: the strict deny policy on its administrators' roles
   * keeps them, and the SCP itself.
   */
  private addJustInTime(config: NonNullable<ProjectConfig['organization']>, jit: JustInTimeEnablementConfig): void {
    const names = justInTimeNames(environmentPrefix(ORGANIZATION_STACK));
    this.justInTime = new JustInTimeEnablement(this, JUST_IN_TIME_ID, {
      name: names.enablement,
      delegatedAdministratorAccountId: jit.delegatedAdministratorAccountId,
      homeRegion: jit.homeRegion,
      identityProvider: jit.identityProvider,
      targetOrganizationalUnits: jit.targetOrganizationalUnits,
      targetRegions: jit.targetRegions,
    });
    const rules = denyAccessRules(jit);
    if (rules.length > 0) this.denyAccess = new ApprovalPolicies(this, DENY_ACCESS_ID, { stackName: names.stack, denyAccess: rules });
    this.guardrail = new AuditTrailGuardrail(this, GUARDRAIL_ID, {
      namePrefix: environmentPrefix(ORGANIZATION_STACK),
      trail: justInTimeEnablementTrail(),
      attachToRoles: jit.attachToRoles,
      // The config requires the pipeline role with justInTime.
      exceptPrincipalArns: [config.pipelineRoleArn!],
      // A role of their own without the boundary would carry none of it.
      strict: true,
    });
  }
}
