import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { ALERTING_ACTIONS, DEFAULT_HOST_MANAGEMENT_SETTING, OTHER_WAYS_IN, PROTECTED_ACTIONS, RECORDING_PATH_ACTIONS } from './actions';
import { suppressCompliance } from './compliance';
import { RUN_AS_TAG } from '../access-policies';

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
  /**
   * The session documents sessions may use (ARN patterns): the preferences document and the AWS
   * documents some group opted into. Given, sessions with any other document, and creating or changing
   * Session documents, are denied: a document of one's own could record nothing.
   * @default no restriction on documents
   */
  readonly approvedSessionDocumentArns?: readonly string[];
  /**
   * The alarm on the trail (`SessionAlerts`): its rules, its topic and the CloudTrail trail it reads,
   * as ARNs or ARN patterns. Its topic's key belongs in `kmsKeyArns`.
   * @default no alerting protected
   */
  readonly alerting?: {
    readonly ruleArns: readonly string[];
    readonly topicArns: readonly string[];
    /** @default none */
    readonly trailArns?: readonly string[];
    /** Roles the alerting works with (the one forwarding IAM's events from us-east-1). @default none */
    readonly roleArns?: readonly string[];
  };
  /**
   * What records the sessions and the instances it records, protected as the trail is: the recording
   * roles, their instance profiles, the instances' profile associations and access tag, the Default
   * Host Management setting, and every way onto the instances but a session.
   * @default the recording path not protected
   */
  readonly recordingPath?: RecordingPath;
}

/** The recording path of `AuditTrail`, as ARNs or ARN patterns. */
export interface RecordingPath {
  /** The roles the agent records with: the instances' and Default Host Management's. */
  readonly roleArns: readonly string[];
  /** The instance profiles that carry them. */
  readonly instanceProfileArns: readonly string[];
  /** The tag that marks the protected instances (`Environment`), and its values. */
  readonly instanceTag: { readonly key: string; readonly values: readonly string[] };
  /** Regions where a session is recorded (a preferences document exists); sessions elsewhere are refused. */
  readonly sessionRegions: readonly string[];
  /**
   * Principals (ARN patterns) still allowed the other ways in, beside the pipeline: break-glass roles.
   * @default none
   */
  readonly commandPrincipalArns?: readonly string[];
  /**
   * Tag keys that decide who reaches an instance (`ssm:resourceTag/<key>` in the access policies):
   * creating, changing or deleting them on any instance or managed node, and the `SSMSessionRunAs` tag
   * on any role or user, is refused.
   * @default access tags not protected beyond the instances' own
   */
  readonly accessTagKeys?: readonly string[];
}




/** The services a recording role may be passed to: EC2 for instance profiles, Systems Manager for Default Host Management. */
export const RECORDING_ROLE_SERVICES = ['ec2.amazonaws.com', 'ssm.amazonaws.com'] as const;

/** What a session may target besides its document: instances, hybrid nodes, ECS tasks. */
const SESSION_TARGETS = ['arn:*:ec2:*:*:instance/*', 'arn:*:ssm:*:*:managed-instance/*', 'arn:*:ecs:*:*:task/*'];

export * from './actions';

type Condition = NonNullable<PolicyStatement['Condition']>;

/** The deny statements that protect an audit trail, optionally only for principals a condition picks. */
export function auditTrailDenyStatements(trail: AuditTrail, only?: Condition): PolicyStatement[] {
  const deny = denyFor(only);
  const keyTag = trail.keyTag ? { StringEquals: { [`aws:ResourceTag/${trail.keyTag.key}`]: trail.keyTag.value } } : undefined;
  const documents: PolicyStatement[] = trail.approvedSessionDocumentArns ? [
    {
      // StartSession is authorized on the target and on the document: every resource but the approved
      // documents and the targets is refused.
      Sid: 'OnlyApprovedSessionDocuments',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      NotResource: [...trail.approvedSessionDocumentArns, ...SESSION_TARGETS],
      ...(only ? { Condition: { ...only } } : {}),
    },
    {
      Sid: 'NoNewSessionDocuments',
      Effect: 'Deny',
      Action: ['ssm:CreateDocument', 'ssm:UpdateDocument'],
      Resource: '*',
      Condition: { ...only, StringEquals: { 'ssm:DocumentType': 'Session' } },
    },
  ] : [];
  return [
    ...documents,
    deny('ProtectSessionPreferences', PROTECTED_ACTIONS.preferences, [...trail.preferencesDocumentArns]),
    deny('ProtectSessionLogGroup', PROTECTED_ACTIONS.logGroup, trail.logGroupArns.flatMap((arn) => [arn, `${arn}:*`])),
    deny('ProtectSessionLogObjects', PROTECTED_ACTIONS.logObjects, trail.bucketArns.map((arn) => `${arn}/*`)),
    deny('ProtectSessionLogBucket', PROTECTED_ACTIONS.logBucket, [...trail.bucketArns]),
    deny('ProtectSessionKey', PROTECTED_ACTIONS.key, [...trail.kmsKeyArns], keyTag),
    ...alertingDenyStatements(trail.alerting, deny),
    ...(trail.recordingPath ? recordingPathDenyStatements(trail.recordingPath, only) : []),
  ];
}

type Deny = (sid: string, actions: readonly string[], resources: string[], extra?: Condition) => PolicyStatement;

/** Deny statements, each for the principals `only` picks (all, without it). */
function denyFor(only: Condition | undefined): Deny {
  return (Sid, Action, Resource, extra) => {
    const Condition = { ...only, ...extra };
    return { Sid, Effect: 'Deny', Action: [...Action], Resource, ...(Object.keys(Condition).length > 0 ? { Condition } : {}) };
  };
}

const INSTANCES = ['arn:*:ec2:*:*:instance/*'];

/** The deny statements that protect the recording path and keep every way onto the instances but a session shut. */
export function recordingPathDenyStatements(path: RecordingPath, only?: Condition): PolicyStatement[] {
  const deny = denyFor(only);
  const roles = [...path.roleArns];
  const tagged: Condition = { StringLike: { [`aws:ResourceTag/${path.instanceTag.key}`]: [...path.instanceTag.values] } };
  // Run Command alone stays open to the break-glass roles, beside the pipeline: whatever else they are
  // granted later, no other way in.
  const excepted = [...(only?.ArnNotLike?.['aws:PrincipalArn'] as string[] | undefined ?? []), ...(path.commandPrincipalArns ?? [])];
  const runCommand: readonly string[] = ['ssm:SendCommand'];
  return [
    deny('ProtectRecordingRoles', [...RECORDING_PATH_ACTIONS.roles, ...RECORDING_PATH_ACTIONS.passRole], roles),
    deny('ProtectRecordingProfiles', RECORDING_PATH_ACTIONS.instanceProfiles, [...path.instanceProfileArns]),
    deny('ProtectDefaultHostManagement', RECORDING_PATH_ACTIONS.serviceSetting, [`arn:*:ssm:*:*:servicesetting${DEFAULT_HOST_MANAGEMENT_SETTING}`]),
    // Neither has a resource to name: the account's log policies, the serial console, a tunnel to an address.
    deny('NoAccountWideBypass', [...RECORDING_PATH_ACTIONS.accountLogPolicies, ...OTHER_WAYS_IN.account], ['*']),
    deny('KeepInstanceProfiles', RECORDING_PATH_ACTIONS.associations, INSTANCES, tagged),
    // Every tag of the instances is the pipeline's: the one scoping these denies, and those granting access.
    deny('KeepInstanceTags', RECORDING_PATH_ACTIONS.instanceTags, INSTANCES, tagged),
    deny('OnlySessionsOntoInstances', OTHER_WAYS_IN.instances.filter((a) => !runCommand.includes(a)), INSTANCES, tagged),
    {
      Sid: 'RunCommandOnlyByBreakGlass', Effect: 'Deny', Action: [...runCommand], Resource: INSTANCES,
      Condition: { ...only, ...tagged, ...(excepted.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': excepted } } : {}) },
    },
    deny('SessionsOnlyWhereRecorded', ['ssm:StartSession'], ['*'], { StringNotEquals: { 'aws:RequestedRegion': [...path.sessionRegions] } }),
    ...(path.accessTagKeys?.length ? [
      // Any instance or node: tagging one into a group's reach is as good as changing the group's policy.
      deny('KeepAccessTags', ACCESS_TAG_ACTIONS.resources, ACCESS_TAG_TARGETS, { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [...path.accessTagKeys] } }),
      deny('KeepRunAsTags', ACCESS_TAG_ACTIONS.principals, ['*'], { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [RUN_AS_TAG] } }),
    ] : []),
  ];
}

/** Who may reach an instance, and as which OS user, is decided by tags: these change them. */
export const ACCESS_TAG_ACTIONS = {
  resources: ['ec2:CreateTags', 'ec2:DeleteTags', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
  principals: ['iam:TagRole', 'iam:UntagRole', 'iam:TagUser', 'iam:UntagUser'],
} as const;

const ACCESS_TAG_TARGETS = ['arn:*:ec2:*:*:instance/*', 'arn:*:ssm:*:*:managed-instance/*'];

function alertingDenyStatements(
  alerting: AuditTrail['alerting'],
  deny: (sid: string, actions: readonly string[], resources: string[]) => PolicyStatement,
): PolicyStatement[] {
  if (!alerting) return [];
  const trails = alerting.trailArns ?? [];
  return [
    deny('ProtectSessionAlerts', [...ALERTING_ACTIONS.rules, ...ALERTING_ACTIONS.topic], [...alerting.ruleArns, ...alerting.topicArns]),
    ...(trails.length > 0 ? [deny('ProtectAlertTrail', ALERTING_ACTIONS.trail, [...trails])] : []),
    ...(alerting.roleArns?.length ? [deny('ProtectAlertForwarder', [...RECORDING_PATH_ACTIONS.roles, ...RECORDING_PATH_ACTIONS.passRole], [...alerting.roleArns])] : []),
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
        description: 'Denies changing what records Session Manager sessions, and every way onto the instances but a session',
        policy: new PolicyDocument(statements.recordingPath).toJson(),
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
    const recording = this.recordingPathDenyPolicy;
    if (recording) {
      (props.attachToRoles ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `recording-role-${i}`, { role, policyArn: recording.arn }));
      (props.attachToGroups ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `recording-group-${i}`, { group, policyArn: recording.arn }));
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

/** The names of `AuditTrailGuardrail`'s policies. */
export function guardrailPolicyNames(namePrefix: string): { deny: string; recordingPath: string; boundary: string } {
  return { deny: `${namePrefix}-audit-trail-guardrail`, recordingPath: `${namePrefix}-recording-path-guardrail`, boundary: `${namePrefix}-permissions-boundary` };
}

/**
 * The statements of `AuditTrailGuardrail`'s deny policy and boundary, for an account: what the
 * construct creates, and what a report can evaluate with the account's values filled in.
 */
export function guardrailStatements(props: GuardrailStatementsProps): { deny: PolicyStatement[]; recordingPath: PolicyStatement[]; boundary: PolicyStatement[] } {
  const names = guardrailPolicyNames(props.namePrefix);
  // Built from the names: a policy cannot refer to its own ARN.
  const iamArn = ownAccountIamArn;
  const { recordingPath } = props.trail;
  const denyPolicies = [names.deny, ...(recordingPath ? [names.recordingPath] : [])];
  const guarded = { policyArns: [...denyPolicies, names.boundary].map((n) => iamArn(`policy/${n}`)), boundaryArn: iamArn(`policy/${names.boundary}`) };
  const groupArns = (props.attachToGroups ?? []).flatMap((g) => [iamArn(`group/${g}`), iamArn(`group/*/${g}`)]);
  const except = exceptCondition(props.exceptPrincipalArns);
  return {
    recordingPath: recordingPath ? recordingPathDenyStatements(recordingPath, except) : [],
    deny: [
      ...auditTrailDenyStatements({ ...props.trail, recordingPath: undefined }, except),
      ...withCondition(except, [
        ...guardrailSelfProtection(guarded),
        ...(groupArns.length > 0 ? [{ Sid: 'StayInGuardedGroups', Effect: 'Deny' as const, Action: 'iam:RemoveUserFromGroup', Resource: groupArns }] : []),
        ...(props.strict ? strictStatements(guarded.boundaryArn) : []),
      ]),
    ],
    // A boundary is one managed policy: its denies are packed, without statement ids, to stay within
    // IAM's size. The deny policy carries the same statements one by one, with their ids.
    boundary: packDenies([
      { Sid: 'BoundAllGrants', Effect: 'Allow', Action: '*', Resource: '*' },
      ...auditTrailDenyStatements(props.trail),
      {
        Sid: 'KeepTheBoundary',
        Effect: 'Deny',
        Action: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
        Resource: '*',
      },
      // Every policy named with the prefix is the pipeline's (the guardrail's and the access policies):
      // no bounded role changes or detaches one. One pattern where the deny policy names three.
      ...guardrailSelfProtection({ ...guarded, policyArns: [iamArn(`policy/${props.namePrefix}-*`)] }).filter((st) => st.Sid !== 'KeepTheBoundary'),
      // A bounded role mints no unbounded one, whatever it is granted.
      ...strictStatements(guarded.boundaryArn),
    ]).map(({ Sid: _id, ...st }) => st),
  };
}

/**
 * The same decisions in fewer statements: denies with the same condition and named resources become
 * one, with every action and resource of the group. No request is denied that was not before: each
 * action is authorized only against resources of its own service and type, so an action never matches
 * another statement's resources (a role's action on a policy's ARN, a bucket's on an object's).
 * Statements on `*` merge with each other only; those with `NotAction`/`NotResource` are kept as they are.
 */
export function packDenies(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const out: (PolicyStatement | Group)[] = [];
  const groups = new Map<string, Group>();
  for (const st of statements) {
    const resources = st.Resource === undefined ? [] : ([] as string[]).concat(st.Resource);
    const everything = resources.includes('*');
    if (st.Effect !== 'Deny' || st.Action === undefined || resources.length === 0 || (everything && resources.length > 1)) {
      out.push(st);
      continue;
    }
    // Statements on every resource merge only with each other.
    const key = `${everything}:${JSON.stringify(st.Condition ?? {})}`;
    const group = groups.get(key) ?? { first: st, actions: [], resources: [], count: 0 };
    if (group.count === 0) {
      groups.set(key, group);
      out.push(group);
    }
    group.actions.push(...([] as string[]).concat(st.Action).filter((a) => !group.actions.includes(a)));
    group.resources.push(...resources.filter((r) => !group.resources.includes(r)));
    group.count++;
  }
  // An action denied on every resource, whatever the request, needs no other deny.
  const always = groups.get('true:{}');
  return out.flatMap((item) => {
    if (!('first' in item)) return [item];
    const actions = item === always ? item.actions : item.actions.filter((a) => !always?.actions.includes(a));
    if (actions.length === 0) return [];
    if (item.count === 1 && actions.length === item.actions.length) return [item.first];
    const { Condition } = item.first;
    return [{ Effect: 'Deny', Action: actions, Resource: item.resources, ...(Condition ? { Condition } : {}) }];
  });
}

/** Deny statements `packDenies` merges: the first one's condition, every one's actions and resources. */
interface Group {
  readonly first: PolicyStatement;
  readonly actions: string[];
  readonly resources: string[];
  count: number;
}

function exceptCondition(principalArns: readonly string[] | undefined): Condition | undefined {
  return principalArns?.length ? { ArnNotLike: { 'aws:PrincipalArn': [...principalArns] } } : undefined;
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

/** Statements with `extra` merged into their conditions. */
function withCondition(extra: Condition | undefined, statements: PolicyStatement[]): PolicyStatement[] {
  return statements.map((st) => (extra ? { ...st, Condition: { ...st.Condition, ...extra } } : st));
}

export interface AuditTrailScpProps {
  readonly trail: AuditTrail;
  readonly name: string;
  /**
   * Roles still allowed to change the audit trail (the deployment pipelines), as ARN patterns; one
   * pattern per role name (`arn:*:iam::*:role/<name>`) covers every account, so the policy does not
   * grow with them.
   */
  readonly exceptPrincipalArns: readonly string[];
  /**
   * Who may still create, delete, re-trust or assume the pipeline roles, as ARN patterns: nobody else
   * can make themselves the exception.
   * @default ['arn:*:iam::*:role/OrganizationAccountAccessRole'], the role Organizations creates for the management account
   */
  readonly pipelineRoleAdministrators?: readonly string[];
  /** Root, OU or account ids the policy is attached to. */
  readonly targetIds: readonly string[];
}

/** AWS Organizations' limits: a service control policy's characters, and the SCPs a target can take beside FullAWSAccess. */
export const SCP_LIMITS = { characters: 5120, perTarget: 4 } as const;

/**
 * The same protection as AWS Organizations service control policies, for the organization's
 * management account: every principal of the target accounts, administrators included, is denied,
 * except the pipeline roles, which is how the audit settings still change, through reviewed code only.
 * The pipeline roles are protected too: nobody but their administrators creates, deletes, re-trusts or
 * assumes one. Statements that do not fit one policy are spread over several, as many as a target takes.
 */
export class AuditTrailScp extends Construct {
  readonly policies: OrganizationsPolicy[];

  constructor(scope: Construct, id: string, props: AuditTrailScpProps) {
    super(scope, id);
    const documents = scpDocuments(props);
    if (documents.length > SCP_LIMITS.perTarget) {
      throw new Error(`the audit-trail SCP needs ${documents.length} policies of ${SCP_LIMITS.characters} characters; a target takes ${SCP_LIMITS.perTarget} beside FullAWSAccess`);
    }
    this.policies = documents.map((document, i) => new OrganizationsPolicy(this, i === 0 ? 'policy' : `policy-${i + 1}`, {
      name: documents.length === 1 ? props.name : `${props.name}-${i + 1}`,
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Nobody but the deployment pipeline switches the Session Manager audit trail off',
      content: JSON.stringify(document),
    }));
    for (const policy of this.policies) {
      props.targetIds.forEach((targetId) => new OrganizationsPolicyAttachment(this, `attach-${policy.node.id}-${targetId}`, { policyId: policy.id, targetId }));
    }
  }

  /** The first policy (most configurations need only one). */
  get policy(): OrganizationsPolicy {
    return this.policies[0];
  }
}

/** The SCP statements as policy documents, each within AWS's size: greedily packed in order. */
export function scpDocuments(props: Omit<AuditTrailScpProps, 'targetIds' | 'name'>): { Version: string; Statement: PolicyStatement[] }[] {
  const notPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...props.exceptPrincipalArns] } };
  const administrators = props.pipelineRoleAdministrators ?? ['arn:*:iam::*:role/OrganizationAccountAccessRole'];
  const roles = props.trail.recordingPath?.roleArns ?? [];
  const statements: PolicyStatement[] = [
    ...auditTrailDenyStatements(props.trail, notPipeline),
    // The pipeline passes the recording roles too, and to EC2 and Systems Manager only.
    ...(roles.length > 0 ? [{
      Sid: 'PassRecordingRolesToEc2AndSsmOnly', Effect: 'Deny' as const, Action: 'iam:PassRole', Resource: [...roles],
      Condition: { StringNotEquals: { 'iam:PassedToService': [...RECORDING_ROLE_SERVICES] } },
    }] : []),
    {
      Sid: 'ProtectPipelineRoles',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
      Resource: [...props.exceptPrincipalArns],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...administrators] } },
    },
  ];
  const documents: { Version: string; Statement: PolicyStatement[] }[] = [];
  for (const statement of statements) {
    const last = documents[documents.length - 1];
    if (last && JSON.stringify({ ...last, Statement: [...last.Statement, statement] }).length <= SCP_LIMITS.characters) last.Statement.push(statement);
    else documents.push({ Version: '2012-10-17', Statement: [statement] });
  }
  return documents;
}

/** The tag that marks a key as part of the audit trail, for policies that cannot name it. */
export const AUDIT_TRAIL_TAG = { key: 'ssm-session-kit:audit-trail', value: 'true' } as const;

/** What `protectSessionLogging` needs of a `SessionLogging`. */
export interface ProtectableLogging {
  readonly bucket: { readonly bucketArn: string; addToResourcePolicy(...s: PolicyStatement[]): void };
  readonly key: { readonly key: { tags?: Record<string, string> }; addToKeyPolicy(...s: PolicyStatement[]): void };
}

/**
 * Resource policies that stand alone, whatever the caller's own policies say: the log bucket denies
 * every change to its objects' retention and to its own configuration, and the key denies being
 * disabled, deleted, re-policied, untagged or re-aliased, to everyone but the pipeline. The writers
 * (the instances, CloudWatch Logs) keep every permission they use.
 */
export function protectSessionLogging(logging: ProtectableLogging, pipelineRoleArns: readonly string[]): void {
  const { bucket, key } = sessionLoggingGuardStatements(logging.bucket.bucketArn, pipelineRoleArns);
  logging.bucket.addToResourcePolicy(...bucket);
  logging.key.addToKeyPolicy(...key);
  // The key's own tags; the provider's default tags still apply on top.
  logging.key.key.tags = { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value };
}

/**
 * The statements `protectSessionLogging` adds. The key's keeps the pipeline able to change the key
 * policy again, as KMS's policy lockout safety check requires of whoever puts it.
 */
export function sessionLoggingGuardStatements(bucketArn: string, pipelineRoleArns: readonly string[]): { bucket: PolicyStatement[]; key: PolicyStatement[] } {
  const everyoneButPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } };
  return {
    bucket: [
      {
        Sid: 'OnlyPipelineDeletesSessionLogs',
        Effect: 'Deny',
        Principal: '*',
        Action: [...PROTECTED_ACTIONS.logObjects],
        Resource: `${bucketArn}/*`,
        Condition: everyoneButPipeline,
      },
      {
        Sid: 'OnlyPipelineConfiguresBucket',
        Effect: 'Deny',
        Principal: '*',
        Action: [...PROTECTED_ACTIONS.logBucket],
        Resource: bucketArn,
        Condition: everyoneButPipeline,
      },
    ],
    key: [keyGuardStatement(pipelineRoleArns)],
  };
}

/**
 * The key policy statement that keeps a key of the audit trail: nobody but the pipeline disables,
 * deletes, re-policies, untags or re-aliases it.
 */
export function keyGuardStatement(pipelineRoleArns: readonly string[]): PolicyStatement {
  return {
    Sid: 'OnlyPipelineManagesKey',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: [...PROTECTED_ACTIONS.key],
    Resource: '*',
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } },
  };
}
