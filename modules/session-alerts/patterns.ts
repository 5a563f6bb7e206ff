import { ACCESS_TOKEN_ROLE, APPROVAL_DOCUMENT_TYPES, JUST_IN_TIME_SETTINGS } from '../just-in-time/choices';
import {
  ALERTING_ACTIONS, DEFAULT_HOST_MANAGEMENT_SETTING, EVENT_BUS_ACTIONS, IDENTITY_CENTER_ACTIONS, OTHER_WAYS_IN, PROTECTED_ACTIONS, RECORDING_NETWORK_ACTIONS,
  RECORDING_PATH_ACTIONS, TRANSCRIPT_READ_ACTIONS, TRUST_CHAIN_ACTIONS,
} from '../shared/protected-actions';

/**
 * EventBridge event patterns over CloudTrail's records of API calls ("AWS API Call via CloudTrail"),
 * as pure functions of the watched resources, so tests match them against records shaped as AWS
 * documents them. A pattern matches a call whether it succeeded or was denied: nothing filters on
 * `errorCode`.
 */

export type EventPattern = Record<string, unknown>;

/** EventBridge's default limit on an event pattern's characters ("Amazon EventBridge quotas"). */
export const EVENT_PATTERN_MAX_CHARACTERS = 2048;

/** The service's `eventSource` in CloudTrail records, by IAM service prefix. */
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  ssm: 'ssm.amazonaws.com',
  logs: 'logs.amazonaws.com',
  s3: 's3.amazonaws.com',
  kms: 'kms.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
  events: 'events.amazonaws.com',
  sns: 'sns.amazonaws.com',
  ec2: 'ec2.amazonaws.com',
  autoscaling: 'autoscaling.amazonaws.com',
  // ("Log EC2 Image Builder API calls using AWS CloudTrail")
  imagebuilder: 'imagebuilder.amazonaws.com',
  iam: 'iam.amazonaws.com',
  sts: 'sts.amazonaws.com',
  // ("Log connections established over EC2 Instance Connect Endpoint", its OpenTunnel record)
  'ec2-instance-connect': 'ec2-instance-connect.amazonaws.com',
};

/**
 * Where an IAM action's name is not the name of the API call CloudTrail records (its `eventName`): the
 * S3 API operations each permission authorizes ("Required permissions for Amazon S3 API operations").
 * Every other action records under its own name.
 */
const EVENT_NAMES_OF_ACTION: Readonly<Record<string, readonly string[]>> = {
  's3:PutEncryptionConfiguration': ['PutBucketEncryption', 'DeleteBucketEncryption'],
  's3:PutLifecycleConfiguration': ['PutBucketLifecycle', 'DeleteBucketLifecycle'],
  's3:PutBucketObjectLockConfiguration': ['PutObjectLockConfiguration'],
  's3:PutBucketPublicAccessBlock': ['PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'],
  's3:PutBucketOwnershipControls': ['PutBucketOwnershipControls', 'DeleteBucketOwnershipControls'],
  's3:DeleteObject': ['DeleteObject', 'DeleteObjects'],
  's3:DeleteObjectVersion': ['DeleteObject', 'DeleteObjects'],
  // A request header on DeleteObject and PutObjectRetention, not a call of its own.
  's3:BypassGovernanceRetention': ['DeleteObject', 'DeleteObjects', 'PutObjectRetention'],
};

/**
 * Protected actions that are no call of anyone's to record: what S3 checks when another bucket's
 * replication role writes here, in calls S3 itself makes. The bucket policy refuses them; setting the
 * replication up is a call on the other bucket.
 */
export const NO_EVENT_OF_ITS_OWN: Readonly<Record<string, string>> = {
  's3:ReplicateObject': "S3's own replication write",
  's3:ReplicateDelete': "S3's own replication of a delete marker",
  's3:ObjectOwnerOverrideToBucketOwner': "S3's own change of a replica's owner",
};

/** The CloudTrail event names an IAM action shows up under. */
export function eventNamesOf(action: string): readonly string[] {
  if (NO_EVENT_OF_ITS_OWN[action]) return [];
  return EVENT_NAMES_OF_ACTION[action] ?? [action.slice(action.indexOf(':') + 1)];
}

/** The CloudTrail event names of these actions, once each. */
export function eventNames(actions: readonly string[]): string[] {
  return [...new Set(actions.flatMap(eventNamesOf))].sort();
}

/** What makes an alert: the changes to the audit trail and to the alerting itself. */
export const WATCHED_ACTIONS = {
  preferences: PROTECTED_ACTIONS.preferences,
  logGroup: PROTECTED_ACTIONS.logGroup,
  logBucket: PROTECTED_ACTIONS.logBucket,
  key: PROTECTED_ACTIONS.key,
  /** Data events: seen only where a trail records the bucket's object-level writes. */
  logObjects: PROTECTED_ACTIONS.logObjects,
  ...ALERTING_ACTIONS,
} as const;

/** The audit trail and the alerting, as CloudTrail's records name them. */
export interface WatchedResources {
  /** The preferences document, where the trail has one (a log archive has none). @default not watched */
  readonly preferencesDocumentName?: string;
  readonly preferencesDocumentArn?: string;
  /** The log group, where the trail has one. @default not watched */
  readonly logGroupName?: string;
  readonly logGroupArn?: string;
  /** @default no bucket watched */
  readonly bucketName?: string;
  /** The key's ARN and id (its UUID), as callers may name it either way. */
  readonly keyArns: readonly string[];
  readonly keyIds: readonly string[];
  /** Aliases of the keys, `alias/...`. */
  readonly keyAliases: readonly string[];
  /** Trails the stack created: names and ARNs. @default none */
  readonly trails?: readonly string[];
  /** What the alert rules' names start with ("DeleteRule", "PutTargets": the API names a rule by its name alone). */
  readonly rulePrefix: string;
  /** The alert topic's ARN, when the construct created it (a topic of the config's is its owner's business). */
  readonly topicArn?: string;
}

/**
 * Calls by these roles' sessions do not alert (the deployment pipeline, which is how the audit trail
 * changes through reviewed code). CloudTrail records a role's session as
 * `arn:<partition>:sts::<account>:assumed-role/<name>/<session>` ("CloudTrail userIdentity element"),
 * without the role's path. A caller whose record has no `arn` (another account's principal, recorded as
 * `AWSAccount`) is not excluded.
 */
function callerOtherThan(roleArns: readonly string[]): EventPattern {
  if (roleArns.length === 0) return {};
  const prefixes = roleArns.map(assumedRolePrefix);
  return {
    userIdentity: {
      $or: [
        { arn: prefixes.length === 1 ? [{ 'anything-but': { prefix: prefixes[0] } }] : [{ 'anything-but': { wildcard: prefixes.map((p) => `${p}*`) } }] },
        { arn: [{ exists: false }] },
      ],
    },
  };
}

/** The prefix of every session ARN of a role. */
export function assumedRolePrefix(roleArn: string): string {
  const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!match) throw new Error(`not an IAM role ARN: ${roleArn}`);
  const [, partition, account, name] = match;
  return `arn:${partition}:sts::${account}:assumed-role/${name}/`;
}

/** A pattern on CloudTrail's records of these calls, the `detail` narrowed by `detail`. */
function apiCalls(actions: readonly string[], detail: EventPattern): EventPattern {
  const services = [...new Set(actions.map((a) => a.slice(0, a.indexOf(':'))))];
  return {
    source: services.map((s) => `aws.${s}`),
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: services.map((s) => EVENT_SOURCES[s]),
      eventName: eventNames(actions),
      ...detail,
    },
  };
}

/** One pattern per part of the trail, each within EventBridge's size limit. */
export function tamperPatterns(watched: WatchedResources, excludedRoleArns: readonly string[], { objectEvents = false } = {}): Record<string, EventPattern> {
  const caller = callerOtherThan(excludedRoleArns);
  const keyNamed = [...watched.keyArns, ...watched.keyIds];
  const { preferencesDocumentName: document, preferencesDocumentArn: documentArn, logGroupName: group, logGroupArn: groupArn } = watched;
  const patterns: Record<string, EventPattern> = {
    ...(document && documentArn ? {
      preferences: apiCalls(WATCHED_ACTIONS.preferences, { ...caller, requestParameters: { name: [document, documentArn] } }),
    } : {}),
    ...(group && groupArn ? {
      'log-group': apiCalls(WATCHED_ACTIONS.logGroup, {
        ...caller,
        requestParameters: {
          // Older calls name the group; newer ones (data protection, transformers) take a name or an ARN.
          $or: [{ logGroupName: [group] }, { logGroupIdentifier: [group, groupArn, `${groupArn}:*`] }],
        },
      }),
    } : {}),
    ...(watched.bucketName ? { 'log-bucket': apiCalls(WATCHED_ACTIONS.logBucket, { ...caller, requestParameters: { bucketName: [watched.bucketName] } }) } : {}),
    ...(keyNamed.length > 0 ? {
      key: apiCalls(WATCHED_ACTIONS.key, {
        ...caller,
        // Key calls name the key by id or ARN; alias calls by alias and target key.
        $or: [
          { requestParameters: { keyId: keyNamed } },
          { requestParameters: { targetKeyId: keyNamed } },
          { requestParameters: { aliasName: [...watched.keyAliases] } },
          { resources: { ARN: [...watched.keyArns] } },
        ],
      }),
      // Sent by KMS itself ("AWS Key Management Service events", EventBridge): arrives with no trail at all.
      'key-deleted': { source: ['aws.kms'], 'detail-type': ['KMS CMK Deletion'], resources: [...watched.keyArns] },
    } : {}),
    alerting: alertingPattern(watched, caller),
  };
  if (objectEvents && watched.bucketName) {
    patterns['log-objects'] = apiCalls(WATCHED_ACTIONS.logObjects, { ...caller, requestParameters: { bucketName: [watched.bucketName] } });
  }
  return patterns;
}

/** Changes to the alert rules, and to the topic and trail where the construct created them. */
function alertingPattern(watched: WatchedResources, caller: EventPattern): EventPattern {
  const { topicArn, trails = [] } = watched;
  const calls: { service: string; actions: readonly string[]; requestParameters: EventPattern }[] = [
    { service: 'events', actions: WATCHED_ACTIONS.rules, requestParameters: { $or: [{ name: [{ prefix: watched.rulePrefix }] }, { rule: [{ prefix: watched.rulePrefix }] }] } },
  ];
  if (topicArn) {
    calls.push({ service: 'sns', actions: WATCHED_ACTIONS.topic, requestParameters: { $or: [{ topicArn: [topicArn] }, { resourceArn: [topicArn] }, { subscriptionArn: [{ prefix: `${topicArn}:` }] }] } });
  }
  if (trails.length > 0) {
    calls.push({ service: 'cloudtrail', actions: WATCHED_ACTIONS.trail, requestParameters: { $or: [{ name: [...trails] }, { trailName: [...trails] }] } });
  }
  const alternatives = calls.map(({ service, actions, requestParameters }) => ({ eventSource: [EVENT_SOURCES[service]], eventName: eventNames(actions), requestParameters }));
  return {
    source: calls.map(({ service }) => `aws.${service}`),
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { ...caller, ...anyOf(alternatives) },
  };
}

/** Any of the alternatives: EventBridge's $or takes two or more, one stands alone. */
function anyOf(alternatives: readonly EventPattern[]): EventPattern {
  return alternatives.length > 1 ? { $or: [...alternatives] } : alternatives[0];
}

/** What Identity Center changes alert (`SessionAlerts.identityStore`). */
export interface IdentityStoreWatch {
  /** The groups, by id, that permission sets with session access are assigned to. */
  readonly groupIds: readonly string[];
  /** Alert on any change to a user, whose attributes may name the OS user its sessions run as. @default false */
  readonly userChanges?: boolean;
  /** Permission sets (ARNs) whose policies, boundary or assignments changing alerts. @default none */
  readonly permissionSetArns?: readonly string[];
  /** Alert on changes to the instance's attributes for access control. @default false */
  readonly attributeChanges?: boolean;
}

/**
 * A member added to a watched group ("Identity Store API Reference", CreateGroupMembership: IdentityStoreId,
 * GroupId, MemberId), and with `userChanges` any UpdateUser, as CloudTrail sends them ("Identity Store
 * events", EventBridge: source aws.identitystore). A removal names a membership, not its group
 * (DeleteGroupMembership: MembershipId), and takes access away: not watched.
 */
export function identityStorePattern(watch: IdentityStoreWatch, excludedRoleArns: readonly string[]): EventPattern {
  const alternatives = [
    { eventName: ['CreateGroupMembership'], requestParameters: { groupId: [...watch.groupIds] } },
    ...(watch.userChanges ? [{ eventName: ['UpdateUser'] }] : []),
  ];
  return callsOfOneService('identitystore', alternatives, excludedRoleArns);
}

/**
 * Changes to the watched permission sets (their requests name them by `permissionSetArn`, "IAM Identity
 * Center API Reference") and, with `attributeChanges`, to the attributes for access control, as CloudTrail
 * sends them (source aws.sso); undefined when nothing of Identity Center's side is watched.
 */
export function permissionSetPattern(watch: IdentityStoreWatch, excludedRoleArns: readonly string[]): EventPattern | undefined {
  const alternatives = [
    ...(watch.permissionSetArns?.length
      ? [{ eventName: eventNames(IDENTITY_CENTER_ACTIONS.permissionSets), requestParameters: { permissionSetArn: [...watch.permissionSetArns] } }] : []),
    ...(watch.attributeChanges ? [{ eventName: eventNames(IDENTITY_CENTER_ACTIONS.attributes) }] : []),
  ];
  return alternatives.length > 0 ? callsOfOneService('sso', alternatives, excludedRoleArns) : undefined;
}

/** CloudTrail's records of one service's calls, by anyone but the excluded roles, matching any of the alternatives. */
function callsOfOneService(service: string, alternatives: readonly EventPattern[], excludedRoleArns: readonly string[]): EventPattern {
  return {
    source: [`aws.${service}`],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      ...callerOtherThan(excludedRoleArns),
      eventSource: [`${service}.amazonaws.com`],
      ...anyOf(alternatives),
    },
  };
}

/**
 * Sessions started by these roles (`sessionIssuer.userName` is the role's name, without its path), or
 * every session with `roleNames` undefined.
 */
export function sessionPattern(roleNames?: readonly string[], sessionArns: readonly string[] = []): EventPattern {
  if (!roleNames) return apiCalls(['ssm:StartSession'], {});
  const byRole = roleNames.length > 0 ? [{ userIdentity: { sessionContext: { sessionIssuer: { userName: [...roleNames] } } } }] : [];
  // A role's sessions named after their callers (`assumed-role/<role>/<session>`): one caller's alone.
  const bySession = sessionArns.length > 0 ? [{ userIdentity: { arn: [...sessionArns] } }] : [];
  return apiCalls(['ssm:StartSession'], anyOf([...byRole, ...bySession]));
}

/** Just-in-time access as CloudTrail and Systems Manager record it. */
export interface WatchedJustInTime {
  /** The approval policies' documents, by name. */
  readonly approvalDocumentNames: readonly string[];
  /**
   * Every approved request used: each access token taken (CloudTrail's GetAccessToken), and each
   * manual approval given (Systems Manager's "Requester Access Request Status Update" event, "Amazon
   * EventBridge events reference", aws.ssm; auto-approved requests send none).
   * @default false
   */
  readonly approvedRequests?: boolean;
}

/**
 * Changes to the approval policies by anyone but the excluded roles, named or by ARN, or by type (a new
 * policy of one's own); to just-in-time access's service settings and its token role (IAM: `iam`, for
 * us-east-1); and with `approvedRequests` every token taken and every manual approval.
 */
export function justInTimePatterns(watched: WatchedJustInTime, excludedRoleArns: readonly string[]): { regional: Record<string, EventPattern>; iam: EventPattern } {
  const caller = callerOtherThan(excludedRoleArns);
  const names = watched.approvalDocumentNames;
  const documents = { $or: [
    { requestParameters: { name: [...names, ...names.map((n) => ({ suffix: `:document/${n}` }))] } },
    { requestParameters: { documentType: [...APPROVAL_DOCUMENT_TYPES] } },
  ] };
  // ("UpdateServiceSetting": SettingId, the setting's id or its ARN.)
  const settings = { requestParameters: { settingId: [{ prefix: JUST_IN_TIME_SETTINGS }, { wildcard: `arn:*:servicesetting${JUST_IN_TIME_SETTINGS}*` }] } };
  return {
    regional: {
      'approval-policies': apiCalls(WATCHED_ACTIONS.preferences, { ...caller, ...documents }),
      'just-in-time-settings': apiCalls(RECORDING_PATH_ACTIONS.serviceSetting, { ...caller, ...settings }),
      ...(watched.approvedRequests ? {
        'access-tokens': apiCalls(['ssm:GetAccessToken'], {}),
        'access-approvals': { source: ['aws.ssm'], 'detail-type': ['Requester Access Request Status Update'], detail: { AccessRequestStatus: ['Approved'] } },
      } : {}),
    },
    iam: apiCalls(TRUST_CHAIN_ACTIONS.roles, { ...caller, requestParameters: { roleName: [ACCESS_TOKEN_ROLE] } }),
  };
}

/** The recording path as CloudTrail's records name it. */
export interface WatchedRecordingPath {
  /** The roles the agent records with, by name (IAM's requests name a role by name alone). */
  readonly roleNames: readonly string[];
  readonly instanceProfileNames: readonly string[];
  /** The tag keys the guardrails scope the instances' denies by, whose changes alert anywhere. */
  readonly instanceTagKeys: readonly string[];
}

/**
 * The trust chain as CloudTrail's records name it: the roles that become the pipeline or change what it
 * applies (its deploy and plan roles, `OrganizationAccountAccessRole`, the break-glass roles, the state
 * roles). Any change to one, its creation, and anyone's `AssumeRole` of one alert.
 */
export interface WatchedTrustChain {
  /** By name, as IAM's requests name a role (without its path). */
  readonly roleNames: readonly string[];
  /** Roles whose names start so, created and changed by the pipeline only (the state roles). @default none */
  readonly roleNamePrefixes?: readonly string[];
  /** By ARN, as STS's AssumeRole names a role. */
  readonly roleArns: readonly string[];
  /**
   * Roles the pipelines assume with AssumeRole (the state roles), by ARN prefix (one for any number of
   * them, within EventBridge's pattern size): only refused assumptions alert, since a new principal in
   * their trust policies alerts as a change first. @default none
   */
  readonly assumedByPipelineArnPrefixes?: readonly string[];
}

/**
 * Calls CloudTrail records as read-only ("readOnly": true), which reach a rule only in state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` ("Receiving read-only management events from AWS services").
 */
export const READ_ONLY_WAYS_IN = ['ec2:GetConsoleOutput', 'ec2:GetConsoleScreenshot'] as const;

/** Every way onto an instance but a session, and the runbooks that call them as another role. */
export const WAY_IN_ACTIONS = [...OTHER_WAYS_IN.instances, ...OTHER_WAYS_IN.account, ...OTHER_WAYS_IN.machines, 'ssm:StartAutomationExecution']
  .filter((a) => !(READ_ONLY_WAYS_IN as readonly string[]).includes(a));

/**
 * The recording path's patterns: `regional` ones for the stack's region (the instances' profiles and
 * tags, the Default Host Management setting, account log policies, every way in), and `iam` for the
 * recording roles and profiles, whose events IAM, a global service, delivers to us-east-1 only ("Why
 * does my EventBridge rule for IAM events only trigger in the us-east-1 Region?", AWS re:Post).
 */
export function recordingPathPatterns(watched: WatchedRecordingPath, excludedRoleArns: readonly string[]): { regional: Record<string, EventPattern>; iam: EventPattern } {
  const caller = callerOtherThan(excludedRoleArns);
  const alternatives = [
    { eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(RECORDING_PATH_ACTIONS.associations) },
    // EC2 records a request's lists as `<name>Set.items`: a tag call's tags as requestParameters.tagSet.items.
    { eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(RECORDING_PATH_ACTIONS.instanceTags), requestParameters: { tagSet: { items: { key: [...watched.instanceTagKeys] } } } },
    // The setting is named by its id or its ARN, both ending in the id.
    { eventSource: [EVENT_SOURCES.ssm], eventName: eventNames(RECORDING_PATH_ACTIONS.serviceSetting), requestParameters: { settingId: [{ suffix: DEFAULT_HOST_MANAGEMENT_SETTING }] } },
    { eventSource: [EVENT_SOURCES.logs], eventName: eventNames(RECORDING_PATH_ACTIONS.accountLogPolicies) },
  ];
  return {
    regional: {
      'recording-path': { source: ['aws.ec2', 'aws.ssm', 'aws.logs'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { ...caller, $or: alternatives } },
      'ways-in': apiCalls(WAY_IN_ACTIONS, caller),
    },
    iam: apiCalls([...new Set([...RECORDING_PATH_ACTIONS.roles, ...RECORDING_PATH_ACTIONS.instanceProfiles])], {
      ...caller,
      requestParameters: { $or: [{ roleName: [...watched.roleNames] }, { instanceProfileName: [...watched.instanceProfileNames] }] },
    }),
  };
}

/**
 * The trust chain's patterns: `roles` on IAM's calls that create, re-trust, change or delete one of its
 * roles, by anyone but the pipeline; `assume` on STS's AssumeRole of one, by anyone (the pipeline's own
 * come with a web identity, a call of another name), refused only for roles the pipelines assume. Both
 * arrive where CloudTrail records them: IAM's in us-east-1, STS's in the region of the endpoint called
 * (the global endpoint's in us-east-1), "Logging IAM and AWS STS API calls with AWS CloudTrail".
 */
export function trustChainPatterns(chain: WatchedTrustChain, excludedRoleArns: readonly string[]): { roles: EventPattern; assume: EventPattern } {
  const named = [...chain.roleNames, ...(chain.roleNamePrefixes ?? []).map((prefix) => ({ prefix }))];
  const refusedOnly = (chain.assumedByPipelineArnPrefixes ?? []).map((prefix) => ({ prefix }));
  const assumed = { requestParameters: { roleArn: [...chain.roleArns] } };
  return {
    roles: apiCalls(TRUST_CHAIN_ACTIONS.roles, { ...callerOtherThan(excludedRoleArns), requestParameters: { roleName: named } }),
    assume: apiCalls(TRUST_CHAIN_ACTIONS.assume, refusedOnly.length === 0 ? assumed : {
      $or: [assumed, { requestParameters: { roleArn: [...refusedOnly] }, errorCode: [{ exists: true }] }],
    }),
  };
}

/** What changes a launch template, as CloudTrail names the calls. */
const FLEET_TEMPLATE_EVENTS = ['CreateLaunchTemplate', 'CreateLaunchTemplateVersion', 'ModifyLaunchTemplate', 'DeleteLaunchTemplate', 'DeleteLaunchTemplateVersions'];

/** The rest of what the guardrails refuse, as CloudTrail's records name it (`SessionAlerts.refusals`). */
export interface WatchedRefusals {
  /** What the guardrail's and the access groups' managed policies are named with (`<prefix>-`). */
  readonly policyNamePrefix: string;
  /** The account and partition of those policies' ARNs, as IAM's requests name them. */
  readonly policyArnPrefix: string;
  /** Principal tags that decide a session's OS user (`SSMSessionRunAs`). */
  readonly principalTagKeys: readonly string[];
  /** Session documents sessions may use, by name, the preferences document first (which its own rule watches); a trailing `*` a prefix. */
  readonly approvedSessionDocuments: readonly string[];
  /** The account whose documents those are (`DocumentName` takes an ARN too). */
  readonly accountId: string;
  /** Route tables of the S3 gateway endpoint. @default none */
  readonly routeTableIds?: readonly string[];
  /** The instances' subnets. @default none */
  readonly subnetIds?: readonly string[];
  /** The session log group, where nobody reads it (an archive holds the readable copy). @default reads not watched */
  readonly unreadLogGroup?: { readonly name: string; readonly arn: string };
}

/**
 * What the guardrails refuse beyond the trail's own resources, by anyone but the pipeline: IAM's (in
 * us-east-1) on the guardrail's policies, boundaries, unbounded principals and run-as tags; the
 * network the agent records through, the default event bus, session documents; and, read-only, the
 * instances' console and the unread transcripts.
 */
export function refusalPatterns(watch: WatchedRefusals, excludedRoleArns: readonly string[]): { iam: EventPattern; regional: EventPattern; fleets: EventPattern; reads: EventPattern } {
  const caller = callerOtherThan(excludedRoleArns);
  const policies = { policyArn: [{ prefix: `${watch.policyArnPrefix}${watch.policyNamePrefix}` }] };
  const tagKeys = [...watch.principalTagKeys];
  const refused = { errorCode: [{ exists: true }] };
  const documents = watch.approvedSessionDocuments.flatMap((d) => [d, `arn:*:ssm:*:${watch.accountId}:document/${d}`]);
  const call = (action: string) => eventNames([action]);
  return {
    iam: {
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        ...caller,
        eventSource: [EVENT_SOURCES.iam],
        $or: [
          { eventName: ['DetachRolePolicy', 'DetachGroupPolicy', 'DetachUserPolicy', ...eventNames(TRUST_CHAIN_ACTIONS.policies)], requestParameters: policies },
          { eventName: ['DeleteRolePermissionsBoundary', 'DeleteUserPermissionsBoundary'] },
          { eventName: ['CreateRole', 'CreateUser'], requestParameters: { permissionsBoundary: [{ exists: false }] } },
          { eventName: ['TagRole', 'TagUser'], requestParameters: { tags: { key: tagKeys } } },
          { eventName: ['UntagRole', 'UntagUser'], requestParameters: { tagKeys } },
        ],
      },
    },
    // A fleet's group or launch template the guardrails refuse (by its tag, which the record does not carry).
    fleets: {
      source: ['aws.ec2', 'aws.autoscaling'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { ...caller, ...refused, $or: [{ eventSource: [EVENT_SOURCES.autoscaling] }, { eventSource: [EVENT_SOURCES.ec2], eventName: FLEET_TEMPLATE_EVENTS }] },
    },
    regional: {
      source: ['aws.ec2', 'aws.events', 'aws.ssm'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        ...caller,
        $or: [
          { eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(RECORDING_NETWORK_ACTIONS.endpoints) },
          // A security group or a route the guardrails refuse: ours are the pipeline's alone, and their ids unknown before they exist.
          {
            eventSource: [EVENT_SOURCES.ec2],
            eventName: eventNames([...RECORDING_NETWORK_ACTIONS.securityGroups, ...RECORDING_NETWORK_ACTIONS.routes, ...RECORDING_NETWORK_ACTIONS.instances, ...RECORDING_NETWORK_ACTIONS.subnets]),
            ...refused,
          },
          ...(watch.subnetIds?.length ? [{ eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(RECORDING_NETWORK_ACTIONS.subnets), requestParameters: { subnetId: [...watch.subnetIds] } }] : []),
          ...(watch.routeTableIds?.length ? [{ eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(RECORDING_NETWORK_ACTIONS.routes), requestParameters: { routeTableId: [...watch.routeTableIds] } }] : []),
          { eventSource: [EVENT_SOURCES.events], eventName: eventNames([...EVENT_BUS_ACTIONS.bus, ...EVENT_BUS_ACTIONS.policy]) },
          { eventSource: [EVENT_SOURCES.ssm], eventName: call('ssm:CreateDocument'), requestParameters: { documentType: ['Session'], name: [{ 'anything-but': watch.approvedSessionDocuments[0] }] } },
          { eventSource: [EVENT_SOURCES.ssm], eventName: call('ssm:StartSession'), requestParameters: { documentName: [{ 'anything-but': { wildcard: documents } }] } },
        ],
      },
    },
    reads: {
      source: ['aws.ec2', ...(watch.unreadLogGroup ? ['aws.logs'] : [])],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        ...caller,
        ...anyOf([{ eventSource: [EVENT_SOURCES.ec2], eventName: eventNames(READ_ONLY_WAYS_IN) }, ...(watch.unreadLogGroup ? logGroupReads(watch.unreadLogGroup) : [])]),
      },
    },
  };
}

/** Reads of a log group, by each way CloudWatch Logs' requests name it ("Amazon CloudWatch Logs API Reference"). */
function logGroupReads(group: { readonly name: string; readonly arn: string }): EventPattern[] {
  const identifiers = [group.name, group.arn, `${group.arn}:*`];
  return [{
    eventSource: [EVENT_SOURCES.logs],
    eventName: eventNames(TRANSCRIPT_READ_ACTIONS),
    requestParameters: {
      $or: [{ logGroupName: [group.name] }, { logGroupIdentifier: identifiers }, { logGroupNames: [group.name] }, { logGroupIdentifiers: identifiers }],
    },
  }];
}
