/**
 * The audit trail of each stack, in one shape: what its guardrails protect (as their policies name it)
 * and what its alerts watch, with the pipeline that alone may change it. The stacks build their
 * guardrails and alerts from it, and the what-stops-whom table evaluates the same trail. Nothing here
 * loads cdktf: what only a deployed resource knows (a key's id) comes in as a value.
 */
import { ACCESS_TAG_KEYS } from '../modules/ssm-instance/access-tags';
import { AUDIT_TRAIL_TAG } from '../modules/shared/resource-guards';
import type { AuditTrail, RecordingPath } from '../modules/guardrails/trail';
import { forwardsIamEvents } from '../modules/session-alerts/names';
import type { WatchedAuditTrail } from '../modules/session-alerts';
import type { WatchedJustInTime, WatchedRecordingPath, WatchedRefusals, WatchedTrustChain } from '../modules/session-alerts/patterns';
import { ACCESS_TOKEN_ROLE, AUTO_APPROVAL_DOCUMENT, DENY_ACCESS_DOCUMENT, JUST_IN_TIME_SETTINGS } from '../modules/just-in-time/choices';
import { RUN_AS_TAG } from '../modules/access-policies/choices';
import { DEFAULT_HOST_MANAGEMENT_PATH } from '../modules/instance-profile/names';
import { SESSION_PREFERENCES_DOCUMENT } from '../modules/session-logging/names';
import { MANAGED_BY_TAG } from '../config/access';
import { partitionOf } from '../config/aws-rules';
import type { BootstrapConfig, EnvironmentConfig, IdentityCenterConfig, LogArchiveConfig, OrganizationConfig } from '../config/types';
import {
  APPROVAL_STACK_SUFFIX, BOOTSTRAP_STACK, ENVIRONMENT_NAME_PREFIX, environmentNames, environmentPrefix, fleetNames, FORWARD_INFIX, LOG_ARCHIVE, recordingPathNames, reviewersRoleName, SESSION_LOG_GROUPS_PATTERN,
  STATE_ROLE_NAME_PREFIX,
} from './naming';

/** A stack's audit trail: what its guardrails protect, what its alerts watch, and who alone changes it. */
export interface StackAuditTrail {
  /** The deployment pipeline's roles: the guardrails' exception, the alerts' quiet callers. */
  readonly pipelineRoleArns: readonly string[];
  /**
   * Where each exception named by pattern (a pipeline role, a break-glass role) is the exception: by
   * pattern, its accounts. @default the exceptions are exact ARNs
   */
  readonly exceptionAccounts?: Readonly<Record<string, readonly string[]>>;
  /** As the deny policy, the boundary and the SCP name it. @default nothing guarded by identity policies */
  readonly guarded?: AuditTrail;
  /** As the alert rules match it. @default nothing watched */
  readonly watched?: WatchedAuditTrail;
  /** The recording path as the alert rules match it. @default not watched */
  readonly watchedRecordingPath?: WatchedRecordingPath;
  /** The account's roles of the trust chain as the alert rules match them. @default not watched */
  readonly watchedTrustChain?: WatchedTrustChain;
  /** The rest of what the guardrails refuse, as the alert rules match it. @default not watched */
  readonly watchedRefusals?: WatchedRefusals;
  /** Just-in-time access's approval policies, and its approved requests, as the alert rules match them. @default not watched */
  readonly watchedJustInTime?: WatchedJustInTime;
}

/** A key of the audit trail, as the stack knows it. */
export interface TrailKey {
  readonly arn: string;
  /** Its id (a UUID), which policies name keys by. */
  readonly id: string;
  /** `alias/...`. */
  readonly alias: string;
}

/** What only the stack knows of an environment's audit trail: its account's values and its keys. */
export interface EnvironmentTrailRefs {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly sessionKey: TrailKey;
  /** The preferences document's and the log group's ARNs, in the account. */
  readonly preferencesDocumentArn: string;
  readonly logGroupArn: string;
  /** The alerts' own key's id, where the alerts create one (no `alerts.topicArn`). */
  readonly alertKeyId?: string;
}

/**
 * An environment's audit trail. The guardrails name it in any partition, region and account where the
 * name alone is the environment's (as the organization's SCP names it): shorter than the account's own
 * ARNs, which keeps the deny policy and the boundary within IAM's size. Keys have no name: by id.
 */
export function environmentAuditTrail(env: EnvironmentConfig, refs: EnvironmentTrailRefs): StackAuditTrail {
  const anywhere = (service: string, resource: string) => `arn:*:${service}:*:*:${resource}`;
  const names = environmentNames(env.name);
  const pipelineRoleArns = [env.guardrails.pipelineRoleArn];
  const keyIds = [refs.sessionKey.id, ...(createsAlertKey(env) && refs.alertKeyId ? [refs.alertKeyId] : [])];
  return {
    pipelineRoleArns,
    guarded: {
      preferencesDocumentArns: [anywhere('ssm', `document/${SESSION_PREFERENCES_DOCUMENT}`)],
      ...(usesJustInTime([env]) ? {
        approvalPolicies: true,
        // By the suffix every stack of approval policies has: the environment's full name would not fit the boundary.
        approvalStackArns: [anywhere('cloudformation', `stack/*${APPROVAL_STACK_SUFFIX}/*`)],
        justInTimeSetup: { tokenRoleArns: [`arn:*:iam::*:role/*${ACCESS_TOKEN_ROLE}`], settingArns: [anywhere('ssm', `servicesetting${JUST_IN_TIME_SETTINGS}*`)] },
      } : {}),
      logGroupArns: [anywhere('logs', `log-group:${names.logGroup}`)],
      // With an archive, the archive's readers read the transcripts there, and nobody reads them here.
      unreadLogGroupArns: env.archive ? [anywhere('logs', `log-group:${names.logGroup}`)] : [],
      bucketArns: [`arn:*:s3:::${env.sessionLogging.bucketName}`],
      kmsKeyArns: keyIds.map((id) => anywhere('kms', `key/${id}`)),
      approvedSessionDocumentArns: [
        refs.preferencesDocumentArn, ...optedInDocumentArns([env]),
        // Only the pipeline creates or changes Session documents here (NoNewSessionDocuments), so a name
        // pattern is safe in this account and region; not in any account, whose documents can be shared.
        ...(env.accessGroups.some((g) => g.portForwarding.length > 0)
          ? [`arn:${refs.partition}:ssm:${refs.region}:${refs.accountId}:document/${names.prefix}${FORWARD_INFIX}*`] : []),
      ],
      alerting: {
        ruleArns: [anywhere('events', `rule/${names.alerts.rulePrefix}*`)],
        topicArns: createsAlertKey(env) ? [anywhere('sns', names.alerts.topic)] : [],
        trailArns: env.alerts.trail.source === 'stack' ? [anywhere('cloudtrail', `trail/${names.alerts.trail}`)] : [],
        roleArns: forwardsIamEvents(env.region) ? [`arn:*:iam::*:role/${names.alerts.forwarderRole}`] : [],
        eventBusArns: [DEFAULT_EVENT_BUS],
        // In the environment's account alone: the SCP would refuse every bus's policy in the organization.
        busPolicies: true,
      },
      // The instances by their Environment tag, sessions in the regions this account records them in.
      recordingPath: recordingPathArns(names.prefix, {
        instanceTag: { key: ACCESS_TAG_KEYS.environment, values: [env.name] },
        sessionRegions: env.sessionRegions,
        commandRoleNames: breakGlassRoleNames([env]),
        accessTagKeys: accessTagKeys([env]),
        principalTagKeys: approvalPrincipalTagKeys([env]),
        routeTableArns: env.network.vpcEndpoints ? (env.network.routeTableIds ?? []).map((id) => `arn:*:ec2:*:*:route-table/${id}`) : [],
        subnetArns: instanceSubnets(env).map((id) => `arn:*:ec2:*:*:subnet/${id}`),
      }),
      trustChain: {
        // By name: IAM's calls act on the caller's own account only, and names are shorter than ARNs.
        roleArns: [...pipelineAndPlanRoleNames(env), ORGANIZATION_ACCESS_ROLE].map(anyAccountRole),
        pipelineManagedRoleArns: [...breakGlassRoleNames([env]), ...reviewerRoleNames([env])].map(anyAccountRole),
        identityProviderArns: [PIPELINE_IDENTITY_PROVIDER],
      },
    },
    // Names as the config gives them, known at plan time (the resources' attributes are not).
    watched: {
      preferencesDocumentName: SESSION_PREFERENCES_DOCUMENT,
      preferencesDocumentArn: refs.preferencesDocumentArn,
      logGroupName: names.logGroup,
      logGroupArn: refs.logGroupArn,
      bucketName: env.sessionLogging.bucketName,
      key: refs.sessionKey,
    },
    watchedRecordingPath: {
      roleNames: [names.recordingPath.instanceRole, names.recordingPath.defaultHostManagementRole],
      instanceProfileNames: [names.recordingPath.instanceProfile],
      // Every tag a guardrail scopes by or an access group matches on.
      instanceTagKeys: [...accessTagKeys([env]), MANAGED_BY_TAG.key],
    },
    watchedRefusals: {
      policyNamePrefix: `${names.prefix}-`,
      policyArnPrefix: `arn:${refs.partition}:iam::${refs.accountId}:policy/`,
      principalTagKeys: [RUN_AS_TAG],
      approvedSessionDocuments: [
        SESSION_PREFERENCES_DOCUMENT, ...optedInDocumentArns([env]).map((arn) => arn.split('/').pop()!),
        ...(env.accessGroups.some((g) => g.portForwarding.length > 0) ? [`${names.prefix}${FORWARD_INFIX}*`] : []),
      ],
      accountId: refs.accountId,
      routeTableIds: env.network.vpcEndpoints ? env.network.routeTableIds : [],
      subnetIds: instanceSubnets(env),
      unreadLogGroup: env.archive ? { name: names.logGroup, arn: refs.logGroupArn } : undefined,
    },
    watchedTrustChain: watchedTrustChain(refs, [env.guardrails.pipelineRoleArn, env.guardrails.planRoleArn], breakGlassRoleNames([env])),
    ...(usesJustInTime([env]) ? { watchedJustInTime: watchedJustInTime(env) } : {}),
  };
}

/** The environment's approval policies by name (the organization's deny-access policy too), and its approved requests where it asks. */
function watchedJustInTime(env: EnvironmentConfig): WatchedJustInTime {
  const names = environmentNames(env.name).justInTime;
  const manual = env.accessGroups.filter((g) => g.justInTime?.manualApproval).map((g) => names.manualApproval(g.name));
  return { approvalDocumentNames: [AUTO_APPROVAL_DOCUMENT, DENY_ACCESS_DOCUMENT, ...manual], approvedRequests: env.alerts.justInTimeAccess };
}

/**
 * An account's roles of the trust chain as the alerts watch them: the pipeline's (by ARN), and roles of
 * the account by name (`OrganizationAccountAccessRole` first). IAM's requests name a role by its name
 * alone, without its path; STS's by its ARN.
 */
function watchedTrustChain(
  account: { readonly partition: string; readonly accountId: string }, pipelineRoleArns: readonly (string | undefined)[], roleNames: readonly string[] = [],
): WatchedTrustChain {
  const roleArns = [
    ...pipelineRoleArns.flatMap((arn) => (arn ? [arn] : [])),
    ...[ORGANIZATION_ACCESS_ROLE, ...roleNames].map((name) => `arn:${account.partition}:iam::${account.accountId}:role/${name}`),
  ];
  return { roleNames: roleArns.map((arn) => arn.split('/').pop()!), roleArns };
}

/** The names of the environment's deploy role and, where it has one, its plan role. */
function pipelineAndPlanRoleNames(env: EnvironmentConfig): string[] {
  return [env.guardrails.pipelineRoleArn, env.guardrails.planRoleArn].flatMap((arn) => (arn ? [roleNameOf(arn)] : []));
}

/** Whether the environment's alerts create a topic and a key of their own (no topic of the config's). */
function createsAlertKey(env: EnvironmentConfig): boolean {
  return env.alerts.topicArn === undefined;
}


/**
 * Every environment's audit trail, and the log archive's, as the organization's SCP names them: it
 * reaches every account, so by patterns (one per pipeline role name and per log-bucket prefix, so that
 * the policy does not grow with the environments), keys by the audit-trail tag.
 */
export function organizationAuditTrail(
  environments: readonly EnvironmentConfig[], logArchive?: LogArchiveConfig, bootstrap?: BootstrapConfig, identityCenter?: IdentityCenterConfig,
  organization?: Pick<OrganizationConfig, 'justInTime'>,
): StackAuditTrail & { guarded: AuditTrail } {
  const every = environmentNames('*');
  // The state is guarded where the bootstrap stack has a pipeline of its own to change it.
  const state = bootstrap?.pipelineRoleArn ? bootstrap : undefined;
  const pipelines = [
    ...environments.map((e) => e.guardrails.pipelineRoleArn), ...(logArchive ? [logArchive.pipelineRoleArn] : []), ...(state ? [state.pipelineRoleArn!] : []),
    ...(identityCenter ? [identityCenter.pipelineRoleArn] : []),
  ];
  const planRoles = [...environments.map((e) => e.guardrails.planRoleArn), logArchive?.planRoleArn].flatMap((arn) => (arn ? [arn] : []));
  const exceptionAccounts: Record<string, string[]> = {};
  const bind = (pattern: string, account: string) => (exceptionAccounts[pattern] ??= []).push(account);
  for (const arn of pipelines) bind(anyAccountRole(roleNameOf(arn)), arn.split(':')[4]);
  for (const env of environments) for (const name of breakGlassRoleNames([env])) bind(anyAccountRole(name), env.accountId);
  return {
    pipelineRoleArns: distinct(pipelines.map((arn) => anyAccountRole(roleNameOf(arn)))),
    exceptionAccounts,
    guarded: {
      preferencesDocumentArns: [`arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`],
      // Where the organization enables it, in every account: a policy of one's own would approve oneself.
      ...(usesJustInTime(environments) || organization?.justInTime ? { approvalPolicies: true, approvalStackArns: [`arn:*:cloudformation:*:*:stack/*${APPROVAL_STACK_SUFFIX}/*`] } : {}),
      logGroupArns: [SESSION_LOG_GROUPS_PATTERN],
      // The archive's too: its account is under the SCP as well.
      // Never a pattern that names the state bucket: its pipelines delete their locks there.
      bucketArns: bucketPatterns([...environments.map((e) => e.sessionLogging.bucketName), ...(logArchive ? [logArchive.bucketName] : [])], bootstrap ? [bootstrap.stateBucket] : [])
        .map((b) => `arn:*:s3:::${b}`),
      ...(state ? { stateBucketArns: [`arn:*:s3:::${state.stateBucket}`] } : {}),
      kmsKeyArns: ['*'],
      keyTag: AUDIT_TRAIL_TAG,
      approvedSessionDocumentArns: [
        `arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`, ...optedInDocumentArns(environments),
        ...(environments.some((e) => e.accessGroups.some((g) => g.portForwarding.length > 0)) ? [`arn:*:ssm:*:*:document/${ENVIRONMENT_NAME_PREFIX}*${FORWARD_INFIX}*`] : []),
      ],
      ownSessionDocumentArns: ownSessionDocumentArns(every.prefix),
      // The alert key carries the audit-trail tag, which keyTag protects.
      alerting: {
        ruleArns: [`arn:*:events:*:*:rule/${every.alerts.rulePrefix}*`],
        topicArns: [`arn:*:sns:*:*:${every.alerts.topic}`],
        trailArns: [`arn:*:cloudtrail:*:*:trail/${every.alerts.trail}`],
        roleArns: [`arn:*:iam::*:role/${every.alerts.forwarderRole}`],
        eventBusArns: [DEFAULT_EVENT_BUS],
      },
      // Every environment's instances by the tag every resource of the project carries, sessions in
      // the regions of every environment.
      recordingPath: recordingPathArns(every.prefix, {
        instanceTag: { key: MANAGED_BY_TAG.key, values: [MANAGED_BY_TAG.value] },
        sessionRegions: distinct(environments.map((e) => e.region)).sort(),
        commandRoleNames: breakGlassRoleNames(environments),
        // ManagedBy too: it decides which instances the SCP protects.
        accessTagKeys: [...accessTagKeys(environments), MANAGED_BY_TAG.key],
        principalTagKeys: approvalPrincipalTagKeys(environments),
      }),
      // Where Identity Center is managed from an account the SCP reaches (a delegated administrator):
      // the project's permission sets (tagged by the provider's default tags) and the run-as attribute.
      ...(identityCenter ? { identityCenter: { permissionSetTag: MANAGED_BY_TAG, attributes: identityCenter.runAsAttribute !== undefined } } : {}),
      // Names in every account: nobody creates, re-trusts or assumes a role of these names anywhere.
      trustChain: {
        roleArns: distinct([...pipelines, ...planRoles].map((arn) => anyAccountRole(roleNameOf(arn))).concat(anyAccountRole(ORGANIZATION_ACCESS_ROLE))),
        // The state roles too: assumed by the pipelines, changed by the bootstrap stack's.
        pipelineManagedRoleArns: [...breakGlassRoleNames(environments), ...reviewerRoleNames(environments), ...(state ? [`${STATE_ROLE_NAME_PREFIX}*`] : [])].map(anyAccountRole),
        identityProviderArns: [PIPELINE_IDENTITY_PROVIDER],
        // Every managed policy of the project's names: the access groups' and the guardrails'.
        pipelineManagedPolicyArns: [`arn:*:iam::*:policy/${ENVIRONMENT_NAME_PREFIX}*`],
      },
    },
  };
}

/**
 * The bootstrap account's audit trail, where its config names the role that deploys it: the state
 * bucket's configuration and history, its key, and who may become a state role (nobody but its trust
 * chain: its pipeline, which creates them; the pipelines they trust assume them from their accounts).
 */
export function bootstrapAuditTrail(
  config: BootstrapConfig, state: { readonly key: TrailKey; readonly alertKeyId?: string },
): StackAuditTrail {
  const pipeline = config.pipelineRoleArn;
  if (!pipeline) return { pipelineRoleArns: [] };
  const alerts = environmentNames(BOOTSTRAP_STACK).alerts;
  const chain = watchedTrustChain({ partition: partitionOf(config.region), accountId: config.accountId }, [pipeline]);
  return {
    pipelineRoleArns: [pipeline],
    guarded: {
      preferencesDocumentArns: [],
      logGroupArns: [],
      bucketArns: [],
      stateBucketArns: [`arn:*:s3:::${config.stateBucket}`],
      kmsKeyArns: [state.key.id, ...(state.alertKeyId ? [state.alertKeyId] : [])].map((id) => `arn:*:kms:*:*:key/${id}`),
      alerting: {
        ruleArns: [`arn:*:events:*:*:rule/${alerts.rulePrefix}*`],
        topicArns: config.alerts.topicArn ? [] : [`arn:*:sns:*:*:${alerts.topic}`],
        trailArns: config.alerts.trail.source === 'stack' ? [`arn:*:cloudtrail:*:*:trail/${alerts.trail}`] : [],
        roleArns: forwardsIamEvents(config.region) ? [anyAccountRole(alerts.forwarderRole)] : [],
        eventBusArns: [DEFAULT_EVENT_BUS],
      },
      trustChain: {
        roleArns: [`${STATE_ROLE_NAME_PREFIX}*`, roleNameOf(pipeline), ORGANIZATION_ACCESS_ROLE].map(anyAccountRole),
        identityProviderArns: [PIPELINE_IDENTITY_PROVIDER],
      },
    },
    // The state bucket's configuration, not its objects: the pipelines write states and delete locks all day.
    watched: { bucketName: config.stateBucket, key: state.key },
    // The state roles by prefix too: one created under their names alerts.
    watchedTrustChain: {
      ...chain, roleNamePrefixes: [STATE_ROLE_NAME_PREFIX],
      assumedByPipelineArnPrefixes: [`arn:${partitionOf(config.region)}:iam::${config.accountId}:role/${STATE_ROLE_NAME_PREFIX}`],
    },
  };
}

/**
 * The log archive's audit trail: its bucket and key, and its account's trust chain, watched by its
 * alerts (the organization's SCP guards them).
 */
export function logArchiveAuditTrail(config: LogArchiveConfig, key: TrailKey): StackAuditTrail & { watched: WatchedAuditTrail } {
  return {
    pipelineRoleArns: [config.pipelineRoleArn],
    watched: { bucketName: config.bucketName, key },
    watchedTrustChain: watchedTrustChain({ partition: partitionOf(config.region), accountId: config.accountId }, [config.pipelineRoleArn, config.planRoleArn]),
  };
}

/** Identity Center's account's trust chain, watched by its alerts: who becomes its pipeline changes every permission set. */
export function identityCenterAuditTrail(config: IdentityCenterConfig): StackAuditTrail {
  return {
    pipelineRoleArns: [config.pipelineRoleArn],
    watchedTrustChain: watchedTrustChain({ partition: partitionOf(config.region), accountId: config.accountId }, [config.pipelineRoleArn, config.planRoleArn]),
  };
}

/**
 * The role Organizations creates in an account it creates, for the management account ("Accessing a
 * member account that has a management account access role", AWS Organizations User Guide): an
 * administrator of the account, so part of the chain, never an exception.
 */
export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

/** The default event bus of any region: the alerts' events reach their rules, and the forwarder puts them, there. */
const DEFAULT_EVENT_BUS = 'arn:*:events:*:*:event-bus/default';

/**
 * The identity provider the pipeline's roles trust: GitHub's ("Configuring OpenID Connect in Amazon Web
 * Services", GitHub Docs), by its ARN in any account.
 */
export const PIPELINE_IDENTITY_PROVIDER = 'arn:*:iam::*:oidc-provider/token.actions.githubusercontent.com';

/** A role by name in any partition and account; a path in the name is kept. */
function anyAccountRole(name: string): string {
  return `arn:*:iam::*:role/${name}`;
}

function roleNameOf(arn: string): string {
  return arn.split(':role/')[1];
}

/** The session documents of the project's names (preferences, port forwarding), in any account. */
function ownSessionDocumentArns(prefix: string): string[] {
  return [`arn:*:ssm:*:*:document/${SESSION_PREFERENCES_DOCUMENT}`, `arn:*:ssm:*:*:document/${prefix}${FORWARD_INFIX}*`];
}

/** The prefix of the log archive's alerts. */
export const LOG_ARCHIVE_PREFIX = environmentPrefix(LOG_ARCHIVE);

/** The AWS session documents some group of these environments opted into, as ARN patterns of any account and region. */
export function optedInDocumentArns(environments: readonly EnvironmentConfig[]): string[] {
  const documents = new Set(environments.flatMap((e) => e.accessGroups.flatMap((g) => g.documents)).filter((d) => d.startsWith('AWS-')));
  return [...documents].sort().map((d) => `arn:*:ssm:*:*:document/${d}`);
}

/**
 * The recording path of the environments whose names start with `prefix` (`ssm-session-kit-<env>`, or
 * `ssm-session-kit-*` for all of them), by name in any partition and account, known before the roles
 * exist: what one environment's guardrails and the organization's SCP protect.
 */
export function recordingPathArns(
  prefix: string,
  scope: Pick<RecordingPath, 'instanceTag' | 'sessionRegions' | 'accessTagKeys' | 'principalTagKeys' | 'routeTableArns' | 'subnetArns'> & { readonly commandRoleNames: readonly string[] },
): RecordingPath {
  const names = recordingPathNames(prefix);
  const role = (path: string) => `arn:*:iam::*:role${path}`;
  return {
    roleArns: [role(`/${names.instanceRole}`), role(`${DEFAULT_HOST_MANAGEMENT_PATH}${names.defaultHostManagementRole}`)],
    instanceProfileArns: [`arn:*:iam::*:instance-profile/${names.instanceProfile}`],
    instanceTag: scope.instanceTag,
    sessionRegions: scope.sessionRegions,
    commandPrincipalArns: scope.commandRoleNames.map((name) => role(`/${name}`)),
    accessTagKeys: scope.accessTagKeys,
    ...(scope.principalTagKeys?.length ? { principalTagKeys: scope.principalTagKeys } : {}),
    routeTableArns: scope.routeTableArns,
    subnetArns: scope.subnetArns,
    fleetGroupArns: [`arn:*:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/${fleetNames(prefix).groups}`],
  };
}

/** The ARNs of the roles an environment's stack creates to record sessions, as the archive's policies name them. */
export function recordingRoleArns(env: EnvironmentConfig): string[] {
  const names = recordingPathNames(environmentPrefix(env.name));
  const role = (path: string) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:role${path}`;
  return [role(`/${names.instanceRole}`), ...(env.defaultHostManagement ? [role(`${DEFAULT_HOST_MANAGEMENT_PATH}${names.defaultHostManagementRole}`)] : [])];
}

/** The subnets the environment's instances and fleets run in. */
function instanceSubnets(env: EnvironmentConfig): string[] {
  return [...new Set([...env.instances.map((i) => i.subnetId), ...env.fleets.flatMap((f) => f.subnetIds)])];
}

/** Every tag key an access group of these environments matches on, the project's own access tags first. */
export function accessTagKeys(environments: readonly EnvironmentConfig[]): string[] {
  const own: string[] = Object.values(ACCESS_TAG_KEYS);
  const matched = environments.flatMap((e) => e.accessGroups.flatMap((g) => Object.keys(g.instanceTags)));
  return [...own, ...[...new Set(matched)].filter((k) => !own.includes(k)).sort()];
}

/** The management account's part of just-in-time access: the approval policies there, and Quick Setup's enablement (the project's by its tag). */
export function justInTimeEnablementTrail(): AuditTrail {
  return {
    preferencesDocumentArns: [], logGroupArns: [], bucketArns: [], kmsKeyArns: [],
    approvalPolicies: true,
    approvalStackArns: [`arn:*:cloudformation:*:*:stack/*${APPROVAL_STACK_SUFFIX}/*`],
    quickSetupTag: { key: MANAGED_BY_TAG.key, value: MANAGED_BY_TAG.value },
    // Detached, the SCP guards no member account: the deny policy keeps it (the provider's default tags mark it).
    organizationPolicyTag: { key: MANAGED_BY_TAG.key, value: MANAGED_BY_TAG.value },
  };
}

/** The principal tags the environments' auto-approval rules match on. */
function approvalPrincipalTagKeys(environments: readonly EnvironmentConfig[]): string[] {
  return [...new Set(environments.flatMap((e) => e.accessGroups.flatMap((g) => (g.justInTime?.autoApprove ?? []).flatMap((w) => Object.keys(w.principalTags)))))].sort();
}

/** Whether a group of these environments asks for access per need: its approval policies are then audit trail. */
function usesJustInTime(environments: readonly EnvironmentConfig[]): boolean {
  return environments.some((e) => e.accessGroups.some((g) => g.justInTime));
}

/** The roles of the break-glass groups that may still run commands (`runCommand`, which needs `createRole`). */
export function breakGlassRoleNames(environments: readonly EnvironmentConfig[]): string[] {
  return [...new Set(environments.flatMap((e) => e.accessGroups.filter((g) => g.runCommand).map((g) => g.createRole!.name)))];
}

/**
 * The reviewers' roles: the bucket lets them alone write sign-offs, so they are the pipeline's alone.
 * Several environments' as one pattern (`ssm-session-kit-*-reviewers`): any other role it matches
 * carries the project's prefix, and is the pipeline's too.
 */
export function reviewerRoleNames(environments: readonly EnvironmentConfig[]): string[] {
  const reviewed = environments.filter((e) => e.sessionReview);
  if (reviewed.length > 1) return [reviewersRoleName(environmentPrefix('*'))];
  return reviewed.map((e) => reviewersRoleName(environmentPrefix(e.name)));
}

/**
 * The log buckets as few patterns as keep the SCP small: their common prefix and a wildcard when they
 * share one of at least 8 characters (other buckets of that prefix are protected too) and it names none of
 * `avoid`, else each name.
 */
export function bucketPatterns(names: readonly string[], avoid: readonly string[] = []): string[] {
  const unique = distinct([...names]);
  if (unique.length < 2) return unique;
  let prefix = unique[0];
  for (const name of unique) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.length >= 8 && !avoid.some((a) => a.startsWith(prefix)) ? [`${prefix}*`] : unique;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
