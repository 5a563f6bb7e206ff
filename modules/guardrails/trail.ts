import { RUN_AS_TAG } from '../access-policies/choices';
import type { PolicyStatement } from '../shared/policy-document';
import { APPROVAL_DOCUMENT_TYPES } from '../just-in-time/choices';
import type { Condition } from './conditions';
import { ALERTING_ACTIONS, APPROVAL_STACK_ACTIONS, DEFAULT_HOST_MANAGEMENT_SETTING, FLEET_ACTIONS, ORGANIZATION_POLICY_ACTIONS, QUICK_SETUP_ACTIONS, EVENT_BUS_ACTIONS, IDENTITY_CENTER_ACTIONS, IDENTITY_PROVIDER_CHANGES, OTHER_WAYS_IN, PROTECTED_ACTIONS, TRANSCRIPT_READ_ACTIONS,
  RECORDING_NETWORK_ACTIONS, RECORDING_PATH_ACTIONS, STATE_BUCKET_ACTIONS, STATE_HISTORY_ACTIONS, TRUST_CHAIN_ACTIONS,
} from '../shared/protected-actions';

/**
 * The audit trail and the deny statements that protect it: one set of statements, delivered as an
 * identity policy and a boundary (identity.ts), a service control policy (scp.ts), and resource policies
 * (../shared/resource-guards.ts).
 */

/** The audit trail, as ARNs (or ARN patterns, for an organization-wide policy). */
export interface AuditTrail {
  readonly preferencesDocumentArns: readonly string[];
  /**
   * Just-in-time access's approval policies (every document of the approval types, the deny-access
   * policy included) change only by the excepted principals: whoever rewrites them approves anyone.
   * @default approval policies not protected
   */
  readonly approvalPolicies?: boolean;
  /**
   * Quick Setup configuration managers carrying this tag (the project's: its enablement of just-in-time
   * access) change only by the excepted principals.
   * @default Quick Setup not protected
   */
  readonly quickSetupTag?: { readonly key: string; readonly value: string };
  /** The CloudFormation stacks holding the approval policies (ARN patterns). @default none */
  readonly approvalStackArns?: readonly string[];
  /**
   * What just-in-time access's setup leaves in an account: the role its tokens are issued with, and its
   * service settings (the identity provider). Refused by identity policies only, never by an SCP: Quick
   * Setup's own deployment writes them.
   * @default not protected
   */
  readonly justInTimeSetup?: { readonly tokenRoleArns: readonly string[]; readonly settingArns: readonly string[] };
  /** Organizations policies carrying this tag (the project's SCP, in the management account) change only by the excepted principals. @default none */
  readonly organizationPolicyTag?: { readonly key: string; readonly value: string };
  readonly logGroupArns: readonly string[];
  /**
   * Log groups nobody reads in this account, since a central archive holds the readable copy: reading,
   * querying, tailing, exporting or unmasking their events is refused.
   * @default every log group readable
   */
  readonly unreadLogGroupArns?: readonly string[];
  readonly bucketArns: readonly string[];
  /** Key ARNs; for an SCP, where keys are not known, `['*']` with `keyTag` set. */
  readonly kmsKeyArns: readonly string[];
  /**
   * Terraform state buckets (ARNs): their configuration, and the history of their objects, are
   * protected; their objects' current versions are not, since the state roles write them and take and
   * release their locks (the bucket's own policy decides who may).
   * @default no state bucket
   */
  readonly stateBucketArns?: readonly string[];
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
   * Session documents of the project's own names (ARN patterns): a session uses them from the caller's
   * own account only. `StartSession` takes a document's ARN, so a document of the same name shared from
   * another account, which could record nothing, would otherwise pass as approved.
   * @default documents of any account
   */
  readonly ownSessionDocumentArns?: readonly string[];
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
    /**
     * The event buses the alerts' events go through (the default bus): their encryption.
     * @default no bus protected
     */
    readonly eventBusArns?: readonly string[];
    /**
     * Every event bus's policy in the account (the actions take no resource), which a Deny for the
     * forwarder would cut the alerts with. @default bus policies not protected
     */
    readonly busPolicies?: boolean;
  };
  /**
   * What records the sessions and the instances it records, protected as the trail is: the recording
   * roles, their instance profiles, the instances' profile associations and access tag, the Default
   * Host Management setting, and every way onto the instances but a session.
   * @default the recording path not protected
   */
  readonly recordingPath?: RecordingPath;
  /**
   * Who may become the pipeline, or another exception of these guardrails: refused to everyone the
   * statements apply to, in every delivery.
   * @default the trust chain not protected
   */
  readonly trustChain?: TrustChain;
  /**
   * IAM Identity Center's side of access: the permission sets carrying this tag (the project's, by the
   * provider's default tags), and with `attributes`, the instances' attributes for access control.
   * @default Identity Center not protected
   */
  readonly identityCenter?: { readonly permissionSetTag: { readonly key: string; readonly value: string }; readonly attributes: boolean };
}

/** The trust chain of `AuditTrail`, as ARNs or ARN patterns. */
export interface TrustChain {
  /**
   * Roles nobody creates, deletes, re-trusts, re-policies or assumes inside the accounts: the pipeline's
   * deploy and plan roles, `OrganizationAccountAccessRole`. They change only from the organization's
   * management account, with the SCP detached there (an event of its own trail).
   */
  readonly roleArns: readonly string[];
  /** Roles only the excepted principals (the pipeline) create and change: the break-glass roles it creates. @default none */
  readonly pipelineManagedRoleArns?: readonly string[];
  /** The identity providers the chain's roles trust (`oidc-provider/token.actions.githubusercontent.com`). @default none */
  readonly identityProviderArns?: readonly string[];
  /**
   * Managed policies only the excepted principals (the pipeline) rewrite or delete: what the roles it
   * creates (break-glass, access groups) may do. @default none
   */
  readonly pipelineManagedPolicyArns?: readonly string[];
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
   * Route tables of the S3 gateway endpoint the agent uploads through: their routes and associations
   * are refused. (The endpoints and their security group carry `instanceTag`, and are kept by it.)
   * @default none
   */
  readonly routeTableArns?: readonly string[];
  /** The instances' subnets: their route table and network ACL associations are refused. @default none */
  readonly subnetArns?: readonly string[];
  /**
   * The environment's Auto Scaling groups, by name (a pattern covers the fleets to come), whose instances
   * the access policies reach: every action on them, creating one included, is refused.
   * @default the groups kept by `instanceTag`, as the launch templates are
   */
  readonly fleetGroupArns?: readonly string[];
  /**
   * Tag keys that decide who reaches an instance (`ssm:resourceTag/<key>` in the access policies):
   * creating, changing or deleting them on any instance or managed node, and the `SSMSessionRunAs` tag
   * on any role or user, is refused.
   * @default access tags not protected beyond the instances' own
   */
  readonly accessTagKeys?: readonly string[];
  /**
   * Principal tags just-in-time auto-approval matches on (`context.iam.principalTags`): tagging oneself
   * with one is as good as a rule of one's own, so they are kept as `SSMSessionRunAs` is.
   * @default none
   */
  readonly principalTagKeys?: readonly string[];
}

/** The services a recording role may be passed to: EC2 for instance profiles, Systems Manager for Default Host Management. */
export const RECORDING_ROLE_SERVICES = ['ec2.amazonaws.com', 'ssm.amazonaws.com'] as const;

/** What a session may target besides its document: instances, hybrid nodes, ECS tasks. */
const SESSION_TARGETS = ['arn:*:ec2:*:*:instance/*', 'arn:*:ssm:*:*:managed-instance/*', 'arn:*:ecs:*:*:task/*'];


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
    ...(trail.ownSessionDocumentArns?.length ? [{
      Sid: 'OnlyOwnAccountsSessionDocuments',
      Effect: 'Deny' as const,
      Action: 'ssm:StartSession',
      Resource: [...trail.ownSessionDocumentArns],
      // `$${` keeps IAM's policy variable away from Terraform's own interpolation.
      Condition: { ...only, StringNotEquals: { 'aws:ResourceAccount': '$${aws:PrincipalAccount}' } },
    }] : []),
    // With the approval policies, one statement for both: every Session and approval document is the pipeline's.
    trail.approvalPolicies ? approvalPoliciesStatement(only, ['Session']) : {
      Sid: 'NoNewSessionDocuments',
      Effect: 'Deny',
      Action: ['ssm:CreateDocument', 'ssm:UpdateDocument'],
      Resource: '*',
      Condition: { ...only, StringEquals: { 'ssm:DocumentType': 'Session' } },
    },
  ] : trail.approvalPolicies ? [approvalPoliciesStatement(only, [])] : [];
  const state = trail.stateBucketArns ?? [];
  return [
    ...documents,
    deny('ProtectSessionPreferences', PROTECTED_ACTIONS.preferences, [...trail.preferencesDocumentArns]),
    ...(trail.organizationPolicyTag ? [deny('ProtectOrganizationPolicy', ORGANIZATION_POLICY_ACTIONS, ['arn:*:organizations::*:policy/*'], {
      StringEquals: { [`aws:ResourceTag/${trail.organizationPolicyTag.key}`]: trail.organizationPolicyTag.value },
    })] : []),
    // Frozen (a stack policy, a delete that retains the documents), nobody revokes an approval.
    deny('KeepApprovalPoliciesManaged', APPROVAL_STACK_ACTIONS, [...(trail.approvalStackArns ?? [])]),
    ...justInTimeDenyStatements(trail, only),
    ...(trail.quickSetupTag ? [deny('ProtectJustInTimeEnablement', QUICK_SETUP_ACTIONS, ['arn:*:ssm-quicksetup:*:*:configuration-manager/*'], {
      StringEquals: { [`aws:ResourceTag/${trail.quickSetupTag.key}`]: trail.quickSetupTag.value },
    })] : []),
    deny('ProtectSessionLogGroup', PROTECTED_ACTIONS.logGroup, trail.logGroupArns.map(withStreams)),
    deny('ArchiveHoldsTheReadableCopy', TRANSCRIPT_READ_ACTIONS, (trail.unreadLogGroupArns ?? []).map(withStreams)),
    deny('ProtectSessionLogObjects', PROTECTED_ACTIONS.logObjects, trail.bucketArns.map((arn) => `${arn}/*`)),
    deny('ProtectSessionLogBucket', PROTECTED_ACTIONS.logBucket, [...trail.bucketArns]),
    deny('ProtectStateBucket', STATE_BUCKET_ACTIONS, [...state]),
    deny('KeepStateHistory', STATE_HISTORY_ACTIONS, state.map((arn) => `${arn}/*`)),
    deny('ProtectSessionKey', PROTECTED_ACTIONS.key, [...trail.kmsKeyArns], keyTag),
    ...alertingDenyStatements(trail.alerting, deny),
    ...(trail.recordingPath ? recordingPathDenyStatements(trail.recordingPath, only) : []),
    ...(trail.trustChain ? trustChainDenyStatements(trail.trustChain, only) : []),
    ...(trail.identityCenter ? [
      deny('ProtectPermissionSets', IDENTITY_CENTER_ACTIONS.permissionSets, ['arn:*:sso:::permissionSet/*'], {
        StringEquals: { [`aws:ResourceTag/${trail.identityCenter.permissionSetTag.key}`]: trail.identityCenter.permissionSetTag.value },
      }),
      ...(trail.identityCenter.attributes ? [deny('ProtectAttributesForAccessControl', IDENTITY_CENTER_ACTIONS.attributes, ['arn:*:sso:::instance/*'])] : []),
    ] : []),
  ].filter((st) => st.Resource === undefined || ([] as string[]).concat(st.Resource).length > 0);
}

/**
 * A log group and its streams in one pattern (`log-group:NAME` and `log-group:NAME:*`, as CloudWatch
 * Logs' actions name them): also any group whose name starts with the same, in the project's own
 * namespace, which keeps the boundary within IAM's size.
 */
function withStreams(logGroupArn: string): string {
  return logGroupArn.endsWith('*') ? logGroupArn : `${logGroupArn}*`;
}

/**
 * The statements that keep the trust chain: its roles refused to everyone (the pipeline included:
 * nothing the project deploys touches them), the roles the pipeline creates refused to all but it.
 */
export function trustChainDenyStatements(chain: TrustChain, only?: Condition): PolicyStatement[] {
  const roleChanges = TRUST_CHAIN_ACTIONS.roles;
  return [
    { Sid: 'ProtectTrustChain', Effect: 'Deny', Action: [...roleChanges, ...TRUST_CHAIN_ACTIONS.assume], Resource: [...chain.roleArns] },
    ...(chain.identityProviderArns?.length
      ? [{ Sid: 'ProtectPipelineIdentityProvider', Effect: 'Deny' as const, Action: IDENTITY_PROVIDER_CHANGES, Resource: [...chain.identityProviderArns] }]
      : []),
    ...(chain.pipelineManagedRoleArns?.length ? [denyFor(only)('OnlyPipelineManagesBreakGlassRoles', roleChanges, [...chain.pipelineManagedRoleArns])] : []),
    ...(chain.pipelineManagedPolicyArns?.length ? [denyFor(only)('OnlyPipelineRewritesPolicies', TRUST_CHAIN_ACTIONS.policies, [...chain.pipelineManagedPolicyArns])] : []),
  ];
}

/**
 * ("Setting up just-in-time node access") ssm:DocumentType is the key AWS names for guarding the
 * approval policies: every document of those types (and of `types`) is the excepted principals'.
 */
function approvalPoliciesStatement(only: Condition | undefined, types: readonly string[]): PolicyStatement {
  return {
    Sid: 'ProtectApprovalPolicies',
    Effect: 'Deny',
    Action: [...PROTECTED_ACTIONS.preferences],
    Resource: '*',
    Condition: { ...only, StringEquals: { 'ssm:DocumentType': [...types, ...APPROVAL_DOCUMENT_TYPES] } },
  };
}

/** What keeps just-in-time access's setup as Quick Setup made it: the token role and the service settings. */
export function justInTimeDenyStatements(trail: Pick<AuditTrail, 'justInTimeSetup'>, only?: Condition): PolicyStatement[] {
  const deny = denyFor(only);
  const setup = trail.justInTimeSetup;
  return [
    deny('ProtectJustInTimeTokenRole', [...RECORDING_PATH_ACTIONS.roles, ...RECORDING_PATH_ACTIONS.passRole], [...(setup?.tokenRoleArns ?? [])]),
    deny('ProtectJustInTimeSettings', RECORDING_PATH_ACTIONS.serviceSetting, [...(setup?.settingArns ?? [])]),
  ].filter((st) => ([] as string[]).concat(st.Resource ?? []).length > 0);
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
/** What the agent records through, tagged as the instances are: the VPC endpoints and their security group. */
const RECORDING_NETWORK = ['arn:*:ec2:*:*:vpc-endpoint/*', 'arn:*:ec2:*:*:security-group/*'];

/**
 * The deny statements that protect the recording path (its roles, profiles, settings and network) and
 * the instances and fleets it records (`instanceDenyStatements`).
 */
export function recordingPathDenyStatements(path: RecordingPath, only?: Condition): PolicyStatement[] {
  return [...recordingNetworkDenyStatements(path, only), ...instanceDenyStatements(path, only)];
}

/** What the agent records with and through: its roles, profiles and Default Host Management, the endpoints, routes and subnets. */
export function recordingNetworkDenyStatements(path: RecordingPath, only?: Condition): PolicyStatement[] {
  const deny = denyFor(only);
  const roles = [...path.roleArns];
  return [
    deny('ProtectRecordingRoles', [...RECORDING_PATH_ACTIONS.roles, ...RECORDING_PATH_ACTIONS.passRole], roles),
    deny('ProtectRecordingProfiles', RECORDING_PATH_ACTIONS.instanceProfiles, [...path.instanceProfileArns]),
    deny('ProtectDefaultHostManagement', RECORDING_PATH_ACTIONS.serviceSetting, [`arn:*:ssm:*:*:servicesetting${DEFAULT_HOST_MANAGEMENT_SETTING}`]),
    // Neither has a resource to name: the account's log policies, the serial console, a tunnel to an address.
    deny('NoAccountWideBypass', [...RECORDING_PATH_ACTIONS.accountLogPolicies, ...OTHER_WAYS_IN.account], ['*']),
    deny('NoOutsideMachines', OTHER_WAYS_IN.machines, ['*']),
    deny('KeepNetworkTags', RECORDING_PATH_ACTIONS.instanceTags, RECORDING_NETWORK, taggedNetwork(path)),
    deny('KeepRecordingNetwork', [...RECORDING_NETWORK_ACTIONS.endpoints, ...RECORDING_NETWORK_ACTIONS.securityGroups], RECORDING_NETWORK, taggedNetwork(path)),
    ...(path.routeTableArns?.length ? [deny('KeepRecordingRoutes', RECORDING_NETWORK_ACTIONS.routes, [...path.routeTableArns])] : []),
    ...(path.subnetArns?.length ? [deny('KeepSubnetRoutes', RECORDING_NETWORK_ACTIONS.subnets, [...path.subnetArns])] : []),
  ];
}

/**
 * The instances and fleets: their profiles, tags, interfaces and launch configuration, every way onto
 * them but a session, sessions where they are not recorded, and the tags that decide who reaches them.
 */
export function instanceDenyStatements(path: RecordingPath, only?: Condition): PolicyStatement[] {
  const deny = denyFor(only);
  const tagged: Condition = { StringLike: { [`aws:ResourceTag/${path.instanceTag.key}`]: [...path.instanceTag.values] } };
  // Run Command alone stays open to the break-glass roles, beside the pipeline: whatever else they are
  // granted later, no other way in.
  const excepted = [...(only?.ArnNotLike?.['aws:PrincipalArn'] as string[] | undefined ?? []), ...(path.commandPrincipalArns ?? [])];
  const runCommand: readonly string[] = ['ssm:SendCommand'];
  return [
    deny('KeepInstanceProfiles', RECORDING_PATH_ACTIONS.associations, INSTANCES, tagged),
    // Every tag of the instances and the network is the pipeline's: the one scoping these denies, and those granting access.
    deny('KeepInstanceTags', RECORDING_PATH_ACTIONS.instanceTags, INSTANCES, tagged),
    deny('OnlySessionsOntoInstances', OTHER_WAYS_IN.instances.filter((a) => !runCommand.includes(a)), INSTANCES, tagged),
    // What the environment's fleets launch, and how many, is the pipeline's: their groups by name where
    // the trail names them (nobody else creates one of those names), else by tag, and their templates.
    ...(path.fleetGroupArns?.length
      ? [deny('KeepFleets', FLEET_ACTIONS.groups, [...path.fleetGroupArns]), deny('KeepLaunchTemplates', FLEET_ACTIONS.templates, [LAUNCH_TEMPLATES], tagged)]
      : [deny('KeepFleets', [...FLEET_ACTIONS.groups, ...FLEET_ACTIONS.templates], FLEET_TARGETS, tagged)]),
    deny('KeepInstanceInterfaces', RECORDING_NETWORK_ACTIONS.instances, INSTANCES, tagged),
    {
      Sid: 'RunCommandOnlyByBreakGlass', Effect: 'Deny', Action: [...runCommand], Resource: INSTANCES,
      Condition: { ...only, ...tagged, ...(excepted.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': excepted } } : {}) },
    },
    deny('SessionsOnlyWhereRecorded', ['ssm:StartSession'], ['*'], { StringNotEquals: { 'aws:RequestedRegion': [...path.sessionRegions] } }),
    ...(path.accessTagKeys?.length ? [
      // Any instance or node: tagging one into a group's reach is as good as changing the group's policy.
      // Groups and launch templates too: a fleet tagged in launches instances tagged in, by a role no guardrail reaches.
      deny('KeepAccessTags', [...ACCESS_TAG_ACTIONS.resources, ...FLEET_ACTIONS.taggingIn], [...ACCESS_TAG_TARGETS, ...FLEET_TARGETS], { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [...path.accessTagKeys] } }),
      deny('KeepRunAsTags', ACCESS_TAG_ACTIONS.principals, ['*'], { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [RUN_AS_TAG, ...(path.principalTagKeys ?? [])] } }),
    ] : []),
  ];
}

/**
 * The values of the instances' tag, exact: kept apart from the instances' statements when packed
 * (ModifyInstanceAttribute takes a security group too, which the network's statement names).
 */
function taggedNetwork(path: RecordingPath): Condition {
  return { StringEquals: { [`aws:ResourceTag/${path.instanceTag.key}`]: [...path.instanceTag.values] } };
}

/** Who may reach an instance, and as which OS user, is decided by tags: these change them. */
export const ACCESS_TAG_ACTIONS = {
  resources: ['ec2:CreateTags', 'ec2:DeleteTags', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
  principals: ['iam:TagRole', 'iam:UntagRole', 'iam:TagUser', 'iam:UntagUser'],
} as const;

const ACCESS_TAG_TARGETS = ['arn:*:ec2:*:*:instance/*', 'arn:*:ssm:*:*:managed-instance/*'];
/** Auto Scaling's resources (its groups; launch configurations, which the fleets do not use) and launch templates. */
const LAUNCH_TEMPLATES = 'arn:*:ec2:*:*:launch-template/*';
const FLEET_TARGETS = ['arn:*:autoscaling:*', LAUNCH_TEMPLATES];

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
    ...(alerting.eventBusArns?.length ? [deny('ProtectAlertBus', EVENT_BUS_ACTIONS.bus, [...alerting.eventBusArns])] : []),
    ...(alerting.busPolicies ? [deny('KeepBusPolicies', EVENT_BUS_ACTIONS.policy, ['*'])] : []),
  ];
}
