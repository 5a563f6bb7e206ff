import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { suppressCompliance } from '../compliance';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';
import { guardrailPolicyNames } from './names';
import { type Condition, exceptCondition, withCondition } from './conditions';
import { actionMatches, joinSameDenies, packDenies, widenForBoundary } from './packing';
import { auditTrailDenyStatements, type AuditTrail, instanceDenyStatements, justInTimeDenyStatements, recordingNetworkDenyStatements, trustChainDenyStatements } from './trail';

export interface AuditTrailGuardrailProps {
  readonly trail: AuditTrail;
  /** Prefix of the policies' names; every managed policy named with it is the pipeline's (nobody the deny applies to rewrites one). */
  readonly namePrefix: string;
  /**
   * Existing roles and groups (administrators included) that get the deny policy attached.
   * @default none
   */
  readonly attachToRoles?: readonly string[];
  /** @default none */
  readonly attachToGroups?: readonly string[];
  /**
   * Principals the deny policy leaves alone, as ARN patterns: the deployment pipeline, which is how
   * the audit settings still change, through reviewed code.
   * @default none
   */
  readonly exceptPrincipalArns?: readonly string[];
  /**
   * For accounts without the organization's SCP: also deny creating roles and users without the
   * boundary, giving any principal another boundary, and changing the trust policy of roles that carry
   * it, so that an administrator cannot mint an unguarded role. Whoever the deny policy is attached to
   * (administrators, and any automation running as them) can then create roles and users only with
   * the boundary, which caps them too.
   * @default false
   */
  readonly strict?: boolean;
}

/**
 * Nobody switches the audit trail off: a deny policy to attach to existing roles and groups, and a
 * permissions boundary for the roles the project creates. Both also keep themselves: the deny policy
 * cannot be detached, rewritten or deleted, the boundary cannot be lifted from a role that carries it,
 * and a guarded group cannot be left, by anyone the deny applies to.
 */
export class AuditTrailGuardrail extends Construct {
  readonly denyPolicy: IamPolicy;
  /**
   * The recording path's denies, attached beside `denyPolicy` (one managed policy holds 6,144
   * characters); present where the trail names a recording path.
   */
  readonly recordingPathDenyPolicy?: IamPolicy;
  /** The instances' and fleets' denies, attached beside the others; present where the trail names a recording path. */
  readonly instancesDenyPolicy?: IamPolicy;
  readonly boundary: IamPolicy;
  /** The deny policy's statements; `protectRoles` adds to them. */
  readonly denyDocument: PolicyDocument;
  private readonly except?: Condition;
  private protectedRoleSets = 0;

  constructor(scope: Construct, id: string, props: AuditTrailGuardrailProps) {
    super(scope, id);
    const names = guardrailPolicyNames(props.namePrefix);
    const statements = guardrailStatements(props);
    this.except = exceptCondition(props.exceptPrincipalArns);
    this.denyDocument = new PolicyDocument(statements.deny);
    this.denyPolicy = new IamPolicy(this, 'deny', {
      name: names.deny,
      description: 'Denies switching the Session Manager audit trail off, and removing this denial',
      policy: this.denyDocument.toJson(),
    });
    if (statements.recordingPath.length > 0) {
      this.recordingPathDenyPolicy = new IamPolicy(this, 'recording-path-deny', {
        name: names.recordingPath,
        description: 'Denies changing what records Session Manager sessions, and who may become the pipeline',
        policy: new PolicyDocument(statements.recordingPath).toJson(),
      });
    }
    if (statements.instances.length > 0) {
      this.instancesDenyPolicy = new IamPolicy(this, 'instances-deny', {
        name: names.instances,
        description: "Denies changing the instances' and fleets' access, tags and launch, and every way onto them but a session",
        policy: new PolicyDocument(statements.instances).toJson(),
      });
    }
    this.boundary = new IamPolicy(this, 'boundary', {
      name: names.boundary,
      description: 'Permissions boundary: whatever the role is granted, minus the audit trail and this boundary',
      policy: new PolicyDocument(statements.boundary).toJson(),
    });
    suppressCompliance(this.boundary, 'HUMAN_POLICY_NO_WILDCARD_ACTION',
      'a permissions boundary caps what a role is granted elsewhere; it grants nothing itself');
    (props.attachToRoles ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `role-${i}`, { role, policyArn: this.denyPolicy.arn }));
    (props.attachToGroups ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `group-${i}`, { group, policyArn: this.denyPolicy.arn }));
    for (const [id, policy] of [['recording', this.recordingPathDenyPolicy], ['instances', this.instancesDenyPolicy]] as const) {
      if (!policy) continue;
      (props.attachToRoles ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `${id}-role-${i}`, { role, policyArn: policy.arn }));
      (props.attachToGroups ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `${id}-group-${i}`, { group, policyArn: policy.arn }));
    }
  }

  /**
   * Roles carrying the boundary whose boundary nobody the deny applies to may replace (the roles the
   * project creates); removing it is denied for every role that carries it already. Roles given as
   * `IamRole` with a fixed name are named by path and name, which keeps the deny policy smaller.
   */
  protectRoles(...roles: (string | IamRole)[]): void {
    if (roles.length === 0) return;
    const roleArns = roles.map((role) => (typeof role === 'string' ? role : roleArnOf(role)));
    this.denyDocument.addStatements(...withCondition(this.except, [
      { Sid: `KeepBoundaryOfRoles${++this.protectedRoleSets > 1 ? this.protectedRoleSets : ''}`, Effect: 'Deny', Action: 'iam:PutRolePermissionsBoundary', Resource: roleArns },
    ]));
  }
}

/** A role's ARN from its path and name, known at plan time and shorter than `role.arn` counts in the policy's size. */
function roleArnOf(role: IamRole): string {
  const name = role.nameInput;
  if (name === undefined || Token.isUnresolved(name)) return role.arn;
  return ownAccountIamArn(`role${role.pathInput ?? '/'}${name}`);
}

/**
 * An IAM resource of the account the policy is in, by name alone: IAM's calls act on the caller's own
 * account only, and a customer managed policy attaches only to identities of its own account ("Define
 * custom IAM permissions with customer managed policies", IAM User Guide), so the account and partition
 * need no naming, which keeps the deny policy and the boundary within IAM's size.
 */
function ownAccountIamArn(resource: string): string {
  return `arn:*:iam::*:${resource}`;
}

export type GuardrailStatementsProps = Omit<AuditTrailGuardrailProps, 'attachToRoles'>;

/**
 * The statements of `AuditTrailGuardrail`'s deny policy and boundary, for an account: what the
 * construct creates, and what a report can evaluate with the account's values filled in.
 */
export function guardrailStatements(props: GuardrailStatementsProps): {
  deny: PolicyStatement[]; recordingPath: PolicyStatement[]; instances: PolicyStatement[]; boundary: PolicyStatement[];
} {
  const names = guardrailPolicyNames(props.namePrefix);
  // Built from the names: a policy cannot refer to its own ARN.
  const iamArn = ownAccountIamArn;
  const { recordingPath } = props.trail;
  // Every policy named with the prefix is the pipeline's: the guardrail's (deny policies and boundary) and the access groups'.
  const guarded = { policyArns: [iamArn(`policy/${props.namePrefix}-*`)], boundaryArn: iamArn(`policy/${names.boundary}`) };
  const groupArns = (props.attachToGroups ?? []).flatMap((g) => [iamArn(`group/${g}`), iamArn(`group/*/${g}`)]);
  const except = exceptCondition(props.exceptPrincipalArns);
  return {
    // One managed policy holds 6,144 characters: the second carries the recording path and the trust
    // chain (just-in-time access's token role and settings join the recording roles' and settings'
    // statements), the third the instances and fleets.
    recordingPath: joinSameDenies([
      ...(recordingPath ? recordingNetworkDenyStatements(recordingPath, except) : []),
      ...(props.trail.trustChain ? trustChainDenyStatements(props.trail.trustChain, except) : []),
    ], justInTimeDenyStatements(props.trail, except)),
    instances: recordingPath ? instanceDenyStatements(recordingPath, except) : [],
    deny: [
      ...auditTrailDenyStatements({ ...props.trail, recordingPath: undefined, trustChain: undefined, justInTimeSetup: undefined }, except),
      ...withCondition(except, [
        // Every policy named with the prefix is the pipeline's (the guardrail's and the access groups'):
        // nobody the deny applies to rewrites or deletes one, as with the boundary below.
        ...guardrailSelfProtection(guarded),
        ...(groupArns.length > 0 ? [{ Sid: 'StayInGuardedGroups', Effect: 'Deny' as const, Action: 'iam:RemoveUserFromGroup', Resource: groupArns }] : []),
        ...(props.strict ? strictStatements(guarded.boundaryArn) : []),
      ]),
    ],
    // A boundary is one managed policy: its denies are packed, without statement ids, to stay within
    // IAM's size. The deny policy carries the same statements one by one, with their ids.
    boundary: packDenies(widenForBoundary([
      { Sid: 'BoundAllGrants', Effect: 'Allow', Action: '*', Resource: '*' },
      ...auditTrailDenyStatements(boundaryTrail(props.trail, props.namePrefix)).filter((st) => !BOUNDARY_LEAVES_OUT.includes(st.Sid ?? '')),
      {
        Sid: 'KeepTheBoundary',
        Effect: 'Deny',
        Action: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
        Resource: '*',
      },
      // No bounded role changes or detaches a policy of the prefix.
      ...guardrailSelfProtection(guarded).filter((st) => st.Sid !== 'KeepTheBoundary'),
      // A bounded role mints no unbounded one, whatever it is granted.
      ...strictStatements(guarded.boundaryArn),
    ])).map(({ Sid: _id, ...st }) => st),
  };
}

/** The deny policy and the boundary: neither detached, rewritten nor deleted, and the boundary kept. */
function guardrailSelfProtection({ policyArns, boundaryArn }: { policyArns: string[]; boundaryArn: string }): PolicyStatement[] {
  return [
    {
      Sid: 'KeepTheGuardrailAttached',
      Effect: 'Deny',
      Action: ['iam:DetachRolePolicy', 'iam:DetachGroupPolicy', 'iam:DetachUserPolicy'],
      Resource: '*',
      Condition: { ArnEquals: { 'iam:PolicyARN': policyArns } },
    },
    {
      Sid: 'KeepTheGuardrailPolicies',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy'],
      Resource: policyArns,
    },
    {
      Sid: 'KeepTheBoundary',
      Effect: 'Deny',
      Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      Resource: '*',
      Condition: { ArnEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
  ];
}

/**
 * The trail as the boundary guards it, within one managed policy's 6,144 characters: without the
 * identity provider (a bounded role replacing it forges no token of GitHub's, whose subject the
 * pipeline's trust still checks) and without just-in-time access's service settings (switching its
 * identity provider approves nobody new by itself); both stay with the deny policy, the SCP where it
 * has them, and the alerts. Every role named with the prefix is the pipeline's (the recording roles,
 * break-glass, the alert forwarder, the access groups'): one pattern a path names them all.
 */
function boundaryTrail(trail: AuditTrail, namePrefix: string): AuditTrail {
  const ownRoles = [`arn:*:iam::*:role/${namePrefix}-*`, `arn:*:iam::*:role/service-role/${namePrefix}-*`];
  const others = (arns: readonly string[] = []) => arns.filter((arn) => !ownRoles.some((pattern) => actionMatches(pattern, arn)));
  return {
    ...trail,
    ...(trail.recordingPath ? { recordingPath: { ...trail.recordingPath, roleArns: [...ownRoles, ...others(trail.recordingPath.roleArns)] } } : {}),
    ...(trail.trustChain ? { trustChain: { ...trail.trustChain, identityProviderArns: undefined, pipelineManagedRoleArns: others(trail.trustChain.pipelineManagedRoleArns) } } : {}),
    ...(trail.alerting ? { alerting: { ...trail.alerting, roleArns: others(trail.alerting.roleArns) } } : {}),
    ...(trail.justInTimeSetup ? { justInTimeSetup: { ...trail.justInTimeSetup, settingArns: [] } } : {}),
  };
}

/**
 * Statements the boundary leaves to the deny policy, the SCP and the `ways-in` alert, which every call
 * of them raises: what brings outside machines in (`NoOutsideMachines`), for the boundary's size.
 */
const BOUNDARY_LEAVES_OUT = ['NoOutsideMachines'];

/** No principal without the boundary, no other boundary, no new trust for a bounded role. */
function strictStatements(boundaryArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'NoUnboundedPrincipals',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
    {
      Sid: 'KeepBoundedRolesTrust',
      Effect: 'Deny',
      Action: 'iam:UpdateAssumeRolePolicy',
      Resource: '*',
      Condition: { ArnEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
  ];
}
