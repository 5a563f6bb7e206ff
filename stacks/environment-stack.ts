import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { instanceTags, MANAGED_BY_TAG, reaches } from '../config/access';
import type { AccessGroupConfig, EnvironmentConfig, InstanceConfig } from '../config/types';
import { createHash } from 'crypto';
import { destinationLabel, PortForwardingDestination, PortForwardingDocument, SessionAccessPolicy, type SessionAccessStatementsProps } from '../modules/access-policies';
import { AuditTrail, AuditTrailGuardrail, protectSessionLogging, RecordingPath, suppressCompliance } from '../modules/guardrails';
import { IamSsmRole } from '../modules/iam-ssm-role';
import { IAM_EVENTS_REGION, SessionAlerts, sessionAlertNames, TRAIL_KEY_PREFIX } from '../modules/session-alerts';
import { SESSION_PREFERENCES_DOCUMENT, SessionLogging } from '../modules/session-logging';
import { DEFAULT_HOST_MANAGEMENT_PATH, DefaultHostManagement, InstanceProfile } from '../modules/instance-profile';
import { ACCESS_TAG_KEYS, SsmInstance, SsmVpcEndpoints } from '../modules/ssm-instance';
import { accountIdOf, partitionOf, regionOf } from '../modules/shared/aws-environment';
import { addAwsProvider } from './aws-provider';
import { addRemoteState } from './locking-s3-backend';
import { GUARDRAIL_ID, PORT_FORWARDING_ID, RECORDING_PATH_IDS, SESSION_ALERTS_ID, SESSION_LOGGING_ID } from './audit-trail-ids';

/** What the names of an environment's resources start with, before the environment's name. */
export const ENVIRONMENT_NAME_PREFIX = 'ssm-session-kit-';

/**
 * One environment: its provider, its remote state, and the modules composed for it. The stack turns
 * the environment's config into module props; the modules own every resource detail.
 */
export class EnvironmentStack extends TerraformStack {
  readonly provider: AwsProvider;
  /** Shared by every instance of the environment. */
  readonly instanceRole: IamSsmRole;
  readonly instanceProfile: InstanceProfile;
  readonly instances: readonly SsmInstance[];
  readonly vpcEndpoints?: SsmVpcEndpoints;
  readonly defaultHostManagement?: DefaultHostManagement;
  readonly sessionLogging: SessionLogging;
  readonly accessPolicies: readonly SessionAccessPolicy[];
  /** One Session document per port-forwarding destination some group declared. */
  readonly portForwarding: readonly PortForwardingDocument[];
  readonly guardrail: AuditTrailGuardrail;
  readonly alerts: SessionAlerts;
  private readonly providerTags: Record<string, string>;

  constructor(scope: Construct, readonly environment: EnvironmentConfig) {
    super(scope, environment.name);
    const { name, network } = environment;
    this.providerTags = { Environment: name, ...environment.tags };
    this.provider = addAwsProvider(this, { accountId: environment.accountId, region: environment.region, tags: this.providerTags });
    addRemoteState(this, environment.state);

    const prefix = `${ENVIRONMENT_NAME_PREFIX}${name}`;
    this.sessionLogging = new SessionLogging(this, SESSION_LOGGING_ID, {
      ...environment.sessionLogging,
      logGroupName: sessionLogGroupName(name),
      keyAlias: sessionKeyAlias(name),
      transcripts: environment.archive && { ...environment.archive, keyPrefix: environment.archive.prefix },
    });
    const { guardrails } = environment;
    protectSessionLogging(this.sessionLogging, [guardrails.pipelineRoleArn]);
    this.alerts = this.addAlerts(prefix);
    this.guardrail = new AuditTrailGuardrail(this, GUARDRAIL_ID, {
      namePrefix: prefix,
      trail: this.auditTrail(prefix),
      attachToRoles: guardrails.attachToRoles,
      attachToGroups: guardrails.attachToGroups,
      // Attached only to the administrators' roles and groups, never the pipeline's (the config refuses it).
      strict: guardrails.strict,
    });
    // Every role the project creates carries the boundary, unless the environment opts out.
    const boundaryArn = guardrails.permissionsBoundary ? this.guardrail.boundary.arn : undefined;
    const names = recordingPathNames(prefix);

    this.instanceRole = new IamSsmRole(this, RECORDING_PATH_IDS[0], {
      roleName: names.instanceRole,
      permissionsBoundaryArn: boundaryArn,
      corePolicy: environment.instanceRolePolicy,
      runCommand: environment.instanceRunCommand,
    });
    this.instanceRole.grantSessionLogging(this.sessionLogging.grantTarget);
    this.instanceProfile = new InstanceProfile(this, RECORDING_PATH_IDS[1], {
      roleName: this.instanceRole.roleName,
      profileName: names.instanceProfile,
    });
    if (network.vpcEndpoints) {
      this.vpcEndpoints = new SsmVpcEndpoints(this, 'ssm-endpoints', {
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        vpcCidrs: network.vpcCidrs,
        routeTableIds: network.routeTableIds,
      });
    }
    if (environment.defaultHostManagement) {
      this.defaultHostManagement = new DefaultHostManagement(this, RECORDING_PATH_IDS[2], {
        roleName: names.defaultHostManagementRole,
        permissionsBoundaryArn: boundaryArn,
      });
      // Instances it manages record and encrypt their sessions with its role, as the others with theirs.
      this.defaultHostManagement.grantSessionLogging(this.sessionLogging.grantTarget);
    }
    this.instances = environment.instances.map((instance) => new SsmInstance(this, `instance-${instance.name}`, {
      name: instance.name,
      vpcId: network.vpcId,
      subnetId: instance.subnetId,
      instanceType: instance.instanceType,
      machineImageId: instance.ami,
      agentVersion: instance.ssmAgentVersion,
      detailedMonitoring: instance.detailedMonitoring,
      accessTags: { environment: name, team: instance.team, accessGroup: instance.accessGroup },
      instanceProfile: { role: this.instanceRole, profile: this.instanceProfile },
      tags: instance.tags,
      osUsers: instance.manageOsUsers && { users: runAsUsers(environment, instance), ssmUserSudo: environment.osUsers.ssmUserSudo },
      hardening: { sshd: opensSsh(environment, instance) },
    }));
    const forwarding = new Construct(this, PORT_FORWARDING_ID);
    this.portForwarding = distinctDestinations(environment).map((destination) => new PortForwardingDocument(
      forwarding, destinationLabel(destination).replace(/\./g, '_'), { documentName: forwardDocumentName(prefix, destination), destination },
    ));
    this.accessPolicies = environment.accessGroups.map((group) => new SessionAccessPolicy(this, `access-${group.name}`, {
      ...groupAccess(environment, group),
      policyName: `${prefix}-${group.name}`,
      sessionKeyArn: this.sessionLogging.key.keyArn,
      roleNames: group.roleNames,
      groupNames: group.groupNames,
      runAsUser: group.runAsUser,
      createRole: group.createRole && {
        roleName: group.createRole.name,
        trustedPrincipals: { arns: group.createRole.trustedArns, services: group.createRole.trustedServices },
        permissionsBoundaryArn: boundaryArn,
        requireMfaToAssume: group.createRole.requireMfaToAssume,
        sessionName: group.createRole.sessionName,
      },
    }));
    // The config demands a reason for SSH, which is not recorded; it is the suppression's reason too.
    this.accessPolicies.forEach((policy, i) => {
      const reason = environment.accessGroups[i].unrecordedSsh;
      if (reason) suppressCompliance(policy, 'NO_UNRECORDED_SSH_IN_PROD', reason);
    });
    if (boundaryArn) {
      // The forwarding role exists before the guardrail, which protects it: it takes the boundary here.
      if (this.alerts.iamForwarder) this.alerts.iamForwarder.role.permissionsBoundary = boundaryArn;
      const bounded = [this.instanceRole.role, this.defaultHostManagement?.role, this.alerts.iamForwarder?.role, ...this.accessPolicies.map((p) => p.role)];
      this.guardrail.protectRoles(...bounded.flatMap((role) => (role ? [role] : [])));
    }
    this.addOutputs();
  }

  /**
   * What the guardrail protects, named in any partition, region and account where the name alone is
   * the environment's (as the organization's SCP names them): shorter than the account's own ARNs,
   * which keeps the deny policy and the boundary within IAM's size. Keys have no name: by id.
   */
  private auditTrail(prefix: string): AuditTrail {
    const anywhere = (service: string, resource: string) => `arn:*:${service}:*:*:${resource}`;
    const alerts = sessionAlertNames(prefix);
    return {
      preferencesDocumentArns: [anywhere('ssm', `document/${SESSION_PREFERENCES_DOCUMENT}`)],
      logGroupArns: [anywhere('logs', `log-group:${this.sessionLogging.logGroupName}`)],
      bucketArns: [`arn:*:s3:::${this.environment.sessionLogging.bucketName}`],
      kmsKeyArns: [this.sessionLogging.key, ...(this.alerts.key ? [this.alerts.key] : [])].map((k) => anywhere('kms', `key/${k.key.keyId}`)),
      approvedSessionDocumentArns: [
        this.sessionLogging.documentArn, ...optedInDocumentArns([this.environment]),
        // Only the pipeline creates or changes Session documents here (NoNewSessionDocuments), so a name
        // pattern is safe in this account and region; not in any account, whose documents can be shared.
        ...(this.environment.accessGroups.some((g) => g.portForwarding.length > 0)
          ? [`arn:${partitionOf(this)}:ssm:${regionOf(this)}:${accountIdOf(this)}:document/${prefix}${FORWARD_INFIX}*`] : []),
      ],
      alerting: {
        ruleArns: [anywhere('events', `rule/${alerts.rulePrefix}*`)],
        topicArns: this.alerts.topic ? [anywhere('sns', alerts.topic)] : [],
        trailArns: this.alerts.trail ? [anywhere('cloudtrail', `trail/${alerts.trail}`)] : [],
        roleArns: this.alerts.iamForwarder ? [`arn:*:iam::*:role/${alerts.forwarderRole}`] : [],
      },
      // The instances by their Environment tag, sessions in the regions this account records them in.
      recordingPath: recordingPathArns(prefix, {
        instanceTag: { key: ACCESS_TAG_KEYS.environment, values: [this.environment.name] },
        sessionRegions: this.environment.sessionRegions,
        commandRoleNames: breakGlassRoleNames([this.environment]),
        accessTagKeys: accessTagKeys([this.environment]),
      }),
    };
  }

  /** Alerts on the audit trail and on the alerting groups' sessions, read from the trail the config names. */
  private addAlerts(prefix: string): SessionAlerts {
    const { alerts, guardrails, accessGroups } = this.environment;
    const names = recordingPathNames(prefix);
    const logging = this.sessionLogging;
    // Names as the config gives them, known at plan time (the resources' attributes are not).
    const logBucket = this.environment.sessionLogging.bucketName;
    const trailBucket = alerts.trail.bucketName ?? logBucket;
    const intoLogBucket = alerts.trail.bucketName === undefined;
    const sessionAlerts = new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: prefix,
      watched: {
        preferencesDocumentName: SESSION_PREFERENCES_DOCUMENT,
        preferencesDocumentArn: logging.documentArn,
        logGroupName: logging.logGroupName,
        logGroupArn: logging.logGroupArn,
        bucketName: logBucket,
        key: { arn: logging.key.keyArn, id: logging.key.key.keyId, alias: logging.key.aliasName },
      },
      excludedRoleArns: [guardrails.pipelineRoleArn],
      sessionRoleNames: accessGroups.filter((g) => g.alertOnSessions).flatMap((g) => [...g.roleNames, ...(g.createRole ? [g.createRole.name] : [])]),
      allSessions: alerts.allSessions,
      topicArn: alerts.topicArn,
      emails: alerts.emails,
      trail: alerts.trail.source === 'stack'
        ? { bucketName: trailBucket, kmsKeyArn: intoLogBucket ? logging.key.keyArn : undefined }
        : undefined,
      objectEvents: alerts.trail.objectEvents,
      recordingPath: {
        roleNames: [names.instanceRole, names.defaultHostManagementRole],
        instanceProfileNames: [names.instanceProfile],
        instanceTagKeys: [ACCESS_TAG_KEYS.environment, MANAGED_BY_TAG.key],
      },
      // IAM delivers its events to us-east-1 only: from another region, a rule there forwards them.
      iamEventsProvider: this.environment.region === IAM_EVENTS_REGION ? undefined
        : addAwsProvider(this, { accountId: this.environment.accountId, region: IAM_EVENTS_REGION, tags: this.providerTags, alias: 'iam-events' }),
      keyDeletionWindowInDays: this.environment.sessionLogging.keyDeletionWindowInDays,
    });
    if (sessionAlerts.trail && intoLogBucket) {
      sessionAlerts.grantTrailDelivery(logging.bucket, logging.key);
      logging.retainLikeSessionLogs(TRAIL_KEY_PREFIX);
    }
    return sessionAlerts;
  }

  private addOutputs(): void {
    const byName = <T>(value: (i: SsmInstance) => T) =>
      Object.fromEntries(this.instances.map((i, n) => [this.environment.instances[n].name, value(i)]));
    new TerraformOutput(this, 'instance_ids', { value: byName((i) => i.instance.id) });
    new TerraformOutput(this, 'start_session_commands', { value: byName((i) => i.startSessionCommand) });
    new TerraformOutput(this, 'instance_role_name', { value: this.instanceRole.roleName });
    new TerraformOutput(this, 'instance_profile_name', { value: this.instanceProfile.profileName });
    new TerraformOutput(this, 'session_log_bucket', { value: this.sessionLogging.bucket.bucket.bucket });
    new TerraformOutput(this, 'session_log_group', { value: this.sessionLogging.logGroup.name });
    new TerraformOutput(this, 'session_key_arn', { value: this.sessionLogging.key.keyArn });
    new TerraformOutput(this, 'alert_topic_arn', { value: this.alerts.topicArn });
  }
}

/**
 * Every OS user a session on the instance may run as: the preferences' default, the run-as user of each
 * group that reaches it, and the environment's own list.
 */
function runAsUsers(env: EnvironmentConfig, instance: InstanceConfig): string[] {
  const reaching = env.accessGroups.filter((g) => reaches(g, instanceTags(env, instance)));
  const users = [
    ...(env.sessionLogging.runAsDefaultUser ? [env.sessionLogging.runAsDefaultUser] : []),
    ...reaching.flatMap((g) => (g.runAsUser !== undefined ? [g.runAsUser] : [])),
    // Each engineer of a permission set that runs sessions as them.
    ...reaching.flatMap((g) => (g.permissionSet?.runAs === 'engineer' ? g.permissionSet.osUsers : [])),
    ...env.osUsers.users,
  ];
  return [...new Set(users)];
}

/** Whether a group that reaches the instance opened SSH over Session Manager, which needs sshd. */
function opensSsh(env: EnvironmentConfig, instance: InstanceConfig): boolean {
  return env.accessGroups.some((g) => g.documents.includes('AWS-StartSSHSession') && reaches(g, instanceTags(env, instance)));
}

/** What a port-forwarding document's name carries between the environment's prefix and its destination. */
/**
 * What a group may do in Session Manager, from its config: the same for its IAM policy and for its
 * Identity Center permission set.
 */
export function groupAccess(env: EnvironmentConfig, group: AccessGroupConfig): Omit<SessionAccessStatementsProps, 'partition' | 'region' | 'accountId' | 'sessionKey'> {
  const prefix = `${ENVIRONMENT_NAME_PREFIX}${env.name}`;
  return {
    instanceTags: group.instanceTags,
    documents: [...group.documents, ...group.portForwarding.map((d) => forwardDocumentName(prefix, d))],
    mfa: group.mfa,
    mfaMaxAgeSeconds: group.mfaMaxAgeSeconds,
    canTerminateAnySession: group.admin,
    runCommand: group.runCommand !== undefined,
  };
}

/** The alias of the environment's session key. */
export function sessionKeyAlias(environment: string): string {
  return `${ENVIRONMENT_NAME_PREFIX}${environment}-sessions`;
}

/** The environment's session log group: its name alone makes it the environment's. */
export function sessionLogGroupName(environment: string): string {
  return `/ssm-session-kit/${environment}/sessions`;
}

export const FORWARD_INFIX = '-forward-';
const MAX_DOCUMENT_NAME = 128;

/** `ssm-session-kit-prod-forward-db.internal-5432`; a host too long for a document name is hashed. */
export function forwardDocumentName(prefix: string, destination: PortForwardingDestination): string {
  const name = `${prefix}${FORWARD_INFIX}${destinationLabel(destination)}`;
  if (name.length <= MAX_DOCUMENT_NAME) return name;
  const hash = createHash('sha256').update(destination.host ?? '').digest('hex').slice(0, 12);
  return `${prefix}${FORWARD_INFIX}${hash}-${destination.port}`;
}

/** The environment's declared destinations, each once. */
function distinctDestinations(env: EnvironmentConfig): PortForwardingDestination[] {
  const byLabel = new Map(env.accessGroups.flatMap((g) => g.portForwarding).map((d) => [destinationLabel(d), d]));
  return [...byLabel.keys()].sort().map((label) => byLabel.get(label)!);
}

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
  scope: Pick<RecordingPath, 'instanceTag' | 'sessionRegions' | 'accessTagKeys'> & { readonly commandRoleNames: readonly string[] },
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
  };
}

/** Every tag key an access group of these environments matches on, the project's own access tags first. */
export function accessTagKeys(environments: readonly EnvironmentConfig[]): string[] {
  const own: string[] = Object.values(ACCESS_TAG_KEYS);
  const matched = environments.flatMap((e) => e.accessGroups.flatMap((g) => Object.keys(g.instanceTags)));
  return [...own, ...[...new Set(matched)].filter((k) => !own.includes(k)).sort()];
}

/** The roles of the break-glass groups that may still run commands (`runCommand`, which needs `createRole`). */
export function breakGlassRoleNames(environments: readonly EnvironmentConfig[]): string[] {
  return [...new Set(environments.flatMap((e) => e.accessGroups.filter((g) => g.runCommand).map((g) => g.createRole!.name)))];
}

/** The names of what records an environment's sessions: the instance role and profile, the Default Host Management role. */
export function recordingPathNames(prefix: string): { instanceRole: string; instanceProfile: string; defaultHostManagementRole: string } {
  return { instanceRole: `${prefix}-instance`, instanceProfile: `${prefix}-instance`, defaultHostManagementRole: `${prefix}-default-host-management` };
}
