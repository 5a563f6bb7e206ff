import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws-rules';
import type { EnvironmentConfig, IdentityCenterConfig } from '../config/types';
import { sessionAccessStatements } from '../modules/access-policies';
import { IdentityCenterInstance, SessionPermissionSet } from '../modules/identity-center';
import { SessionAlerts } from '../modules/session-alerts';
import { addAwsProvider, addIamEventsProvider } from './aws-provider';
import { identityCenterAuditTrail, type StackAuditTrail } from './audit-trail';
import { addRemoteState } from './locking-s3-backend';
import { approverPermissionSetName, environmentNames, environmentPrefix, IDENTITY_CENTER, SESSION_ALERTS_ID } from './naming';
import { approverStatements } from '../modules/just-in-time';
import { approverGroups, groupAccess } from './environment-props';

export { IDENTITY_CENTER };

/**
 * The access groups' Identity Center permission sets, in the account that manages Identity Center
 * (the management account or a delegated administrator): one per group that names one, with the
 * group's policy inline, the environment's guardrail boundary, and its groups assigned in the
 * environment's account.
 */
export class IdentityCenterStack extends TerraformStack {
  readonly instance: IdentityCenterInstance;
  readonly permissionSets: SessionPermissionSet[];
  /** Each environment's just-in-time approvers' permission set, where Identity Center groups approve. */
  readonly approverPermissionSets: SessionPermissionSet[];
  /** Who alone changes the permission sets, and the account's trust chain the alerts watch. */
  readonly auditTrail: StackAuditTrail;
  /** New members of the permission sets' groups, and user changes where users pick their OS user. */
  readonly alerts: SessionAlerts;

  constructor(scope: Construct, config: IdentityCenterConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, IDENTITY_CENTER);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    this.instance = new IdentityCenterInstance(this, 'instance', config);
    this.permissionSets = environments.flatMap((env) => env.accessGroups.flatMap((group) => {
      const set = group.permissionSet;
      if (!set) return [];
      const names = environmentNames(env.name);
      return [new SessionPermissionSet(this, `${env.name}-${group.name}`, {
        instance: this.instance,
        name: set.name,
        description: `Session Manager access: ${env.name}, ${group.name}`,
        sessionDuration: set.sessionDuration,
        // Written before the environment's key exists, and in another account: the key by its alias.
        statements: sessionAccessStatements({
          ...groupAccess(env, group),
          partition: partitionOf(env.region), region: env.region, accountId: env.accountId,
          sessionKey: { alias: `alias/${names.sessionKeyAlias}` },
        }),
        boundaryPolicyName: env.guardrails.permissionsBoundary ? names.guardrail.boundary : undefined,
        groups: set.groups,
        accountId: env.accountId,
      })];
    }));
    this.approverPermissionSets = environments.flatMap((env) => {
      const groups = approverGroups(env);
      if (groups.length === 0) return [];
      return [new SessionPermissionSet(this, `${env.name}-approvers`, {
        instance: this.instance,
        name: approverPermissionSetName(env.name),
        description: `Just-in-time node access approvers: ${env.name}`,
        statements: approverStatements({ partition: partitionOf(env.region), region: env.region, accountId: env.accountId }),
        boundaryPolicyName: env.guardrails.permissionsBoundary ? environmentNames(env.name).guardrail.boundary : undefined,
        groups,
        accountId: env.accountId,
      })];
    });
    // Membership decides who is approved just in time and who approves: those groups are watched too.
    const jit = environments.flatMap((env) => env.accessGroups.flatMap((g) => (g.justInTime ? [g.justInTime] : [])));
    const groups = [...new Set([
      ...environments.flatMap((env) => env.accessGroups.flatMap((g) => g.permissionSet?.groups ?? [])),
      ...jit.flatMap((j) => [...j.autoApprove.flatMap((w) => w.identityCenterGroupIds), ...(j.manualApproval?.levels.flat() ?? []).flatMap((a) => (a.identityCenterGroupId ? [a.identityCenterGroupId] : []))]),
    ])];
    // A user's attributes decide auto-approval where a rule matches on them.
    const attributesDecide = jit.some((j) => j.autoApprove.some((w) => Object.keys(w.userAttributes).length > 0));
    this.auditTrail = identityCenterAuditTrail(config);
    this.alerts = new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: environmentPrefix(IDENTITY_CENTER),
      watched: {},
      excludedRoleArns: this.auditTrail.pipelineRoleArns,
      trustChain: this.auditTrail.watchedTrustChain,
      iamEventsProvider: addIamEventsProvider(this, config),
      topicArn: config.alerts.topicArn,
      emails: config.alerts.emails,
      identityStore: {
        groupIds: groups.map((group) => this.instance.groupId(this, group)),
        userChanges: config.runAsAttribute !== undefined || attributesDecide,
        permissionSetArns: [...this.permissionSets, ...this.approverPermissionSets].map((set) => set.permissionSet.arn),
        attributeChanges: config.runAsAttribute !== undefined,
      },
    });
  }
}
