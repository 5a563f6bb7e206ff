import { Construct } from 'constructs';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { suppressCompliance } from './compliance';

export * from './compliance';

/** The audit trail, as ARNs (or ARN patterns, for an organization-wide policy). */
export interface AuditTrail {
  readonly preferencesDocumentArns: readonly string[];
  readonly logGroupArns: readonly string[];
  readonly bucketArns: readonly string[];
  /** Key ARNs; for an SCP, where keys are not known, `['*']` with `keyTag` set. */
  readonly kmsKeyArns: readonly string[];
  /** Only keys carrying this tag (`key=value`) are protected. @default every key in `kmsKeyArns` */
  readonly keyTag?: { readonly key: string; readonly value: string };
}

/** What switching the audit trail off takes; every one of these is denied. */
export const PROTECTED_ACTIONS = {
  preferences: ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:DeleteDocument'],
  logGroup: [
    'logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
    'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:PutDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy',
    'logs:PutSubscriptionFilter', 'logs:DeleteSubscriptionFilter',
  ],
  logObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold'],
  logBucket: [
    's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutBucketVersioning',
    's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketPublicAccessBlock',
    's3:PutBucketOwnershipControls', 's3:PutBucketLogging',
  ],
  key: ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation', 'kms:TagResource', 'kms:UntagResource'],
} as const;

type Condition = NonNullable<PolicyStatement['Condition']>;

/** The deny statements that protect an audit trail, optionally only for principals a condition picks. */
export function auditTrailDenyStatements(trail: AuditTrail, only?: Condition): PolicyStatement[] {
  const deny = (Sid: string, Action: readonly string[], Resource: string[], extra?: Condition): PolicyStatement => {
    const Condition = { ...only, ...extra };
    return { Sid, Effect: 'Deny', Action: [...Action], Resource, ...(Object.keys(Condition).length > 0 ? { Condition } : {}) };
  };
  const keyTag = trail.keyTag ? { StringEquals: { [`aws:ResourceTag/${trail.keyTag.key}`]: trail.keyTag.value } } : undefined;
  return [
    deny('ProtectSessionPreferences', PROTECTED_ACTIONS.preferences, [...trail.preferencesDocumentArns]),
    deny('ProtectSessionLogGroup', PROTECTED_ACTIONS.logGroup, trail.logGroupArns.flatMap((arn) => [arn, `${arn}:*`])),
    deny('ProtectSessionLogObjects', PROTECTED_ACTIONS.logObjects, trail.bucketArns.map((arn) => `${arn}/*`)),
    deny('ProtectSessionLogBucket', PROTECTED_ACTIONS.logBucket, [...trail.bucketArns]),
    deny('ProtectSessionKey', PROTECTED_ACTIONS.key, [...trail.kmsKeyArns], keyTag),
  ];
}

export interface AuditTrailGuardrailProps {
  readonly trail: AuditTrail;
  /** Prefix of the policies' names. */
  readonly namePrefix: string;
  /**
   * Existing roles and groups (administrators included) that get the deny policy attached.
   * @default none
   */
  readonly attachToRoles?: readonly string[];
  /** @default none */
  readonly attachToGroups?: readonly string[];
}

/**
 * Nobody switches the audit trail off: a deny policy to attach to existing roles and groups, and a
 * permissions boundary for the roles the project creates, which also keeps those roles from removing
 * their boundary or rewriting either policy.
 */
export class AuditTrailGuardrail extends Construct {
  readonly denyPolicy: IamPolicy;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: AuditTrailGuardrailProps) {
    super(scope, id);
    const denyName = `${props.namePrefix}-audit-trail-guardrail`;
    const boundaryName = `${props.namePrefix}-permissions-boundary`;
    const statements = auditTrailDenyStatements(props.trail);
    this.denyPolicy = new IamPolicy(this, 'deny', {
      name: denyName,
      description: 'Denies switching the Session Manager audit trail off',
      policy: new PolicyDocument(statements).toJson(),
    });
    this.boundary = new IamPolicy(this, 'boundary', {
      name: boundaryName,
      description: 'Permissions boundary: whatever the role is granted, minus the audit trail and this boundary',
      policy: new PolicyDocument([
        { Sid: 'BoundAllGrants', Effect: 'Allow', Action: '*', Resource: '*' },
        ...statements,
        {
          Sid: 'KeepTheBoundary',
          Effect: 'Deny',
          Action: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
          Resource: '*',
        },
        {
          Sid: 'KeepTheGuardrailPolicies',
          Effect: 'Deny',
          Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
          Resource: [`arn:*:iam::*:policy/${denyName}`, `arn:*:iam::*:policy/${boundaryName}`],
        },
      ]).toJson(),
    });
    suppressCompliance(this.boundary, 'HUMAN_POLICY_NO_WILDCARD_ACTION',
      'a permissions boundary caps what a role is granted elsewhere; it grants nothing itself');
    (props.attachToRoles ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `role-${i}`, { role, policyArn: this.denyPolicy.arn }));
    (props.attachToGroups ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `group-${i}`, { group, policyArn: this.denyPolicy.arn }));
  }
}

export interface AuditTrailScpProps {
  readonly trail: AuditTrail;
  readonly name: string;
  /** Roles still allowed to change the audit trail (the deployment pipeline), as ARN patterns. */
  readonly exceptPrincipalArns: readonly string[];
  /** Root, OU or account ids the policy is attached to. */
  readonly targetIds: readonly string[];
}

/**
 * The same protection as an AWS Organizations service control policy, for the organization's
 * management account: every principal of the target accounts, administrators included, is denied,
 * except the pipeline roles, which is how the audit settings still change, through reviewed code only.
 */
export class AuditTrailScp extends Construct {
  readonly policy: OrganizationsPolicy;

  constructor(scope: Construct, id: string, props: AuditTrailScpProps) {
    super(scope, id);
    const notPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...props.exceptPrincipalArns] } };
    this.policy = new OrganizationsPolicy(this, 'policy', {
      name: props.name,
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Nobody but the deployment pipeline switches the Session Manager audit trail off',
      content: new PolicyDocument(auditTrailDenyStatements(props.trail, notPipeline)).toJson(),
    });
    props.targetIds.forEach((targetId) => new OrganizationsPolicyAttachment(this, `attach-${targetId}`, { policyId: this.policy.id, targetId }));
  }
}

/** The tag that marks a key as part of the audit trail, for policies that cannot name it. */
export const AUDIT_TRAIL_TAG = { key: 'ssm-session-kit:audit-trail', value: 'true' } as const;

/** What `protectSessionLogging` needs of a `SessionLogging`. */
export interface ProtectableLogging {
  readonly bucket: { readonly bucketArn: string; addToResourcePolicy(...s: PolicyStatement[]): void };
  readonly key: { readonly key: { tags?: Record<string, string> }; addToKeyPolicy(...s: PolicyStatement[]): void };
}

/**
 * Resource policies that back the IAM guardrail up: the log bucket denies deleting objects and
 * changing its policy, and the key denies being disabled or deleted, to everyone but the pipeline.
 */
export function protectSessionLogging(logging: ProtectableLogging, pipelineRoleArns: readonly string[]): void {
  const everyoneButPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } };
  const { bucketArn } = logging.bucket;
  logging.bucket.addToResourcePolicy(
    {
      Sid: 'OnlyPipelineDeletesSessionLogs',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
      Resource: `${bucketArn}/*`,
      Condition: everyoneButPipeline,
    },
    {
      Sid: 'OnlyPipelineChangesBucketPolicy',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      Resource: bucketArn,
      Condition: everyoneButPipeline,
    },
  );
  logging.key.addToKeyPolicy({
    Sid: 'OnlyPipelineDisablesOrDeletesKey',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
    Resource: '*',
    Condition: everyoneButPipeline,
  });
  // The key's own tags; the provider's default tags still apply on top.
  logging.key.key.tags = { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value };
}
