import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentConfig, FleetConfig, InstanceConfig } from '../config/types';
import { destinationLabel, PortForwardingDocument, SessionAccessPolicy } from '../modules/access-policies';
import { suppressCompliance } from '../modules/compliance';
import { AuditTrailGuardrail } from '../modules/guardrails';
import { IamSsmRole } from '../modules/iam-ssm-role';
import { SessionAlerts, TRAIL_KEY_PREFIX } from '../modules/session-alerts';
import { SessionLogging } from '../modules/session-logging';
import { DefaultHostManagement, InstanceProfile } from '../modules/instance-profile';
import { SsmInstance, SsmVpcEndpoints } from '../modules/ssm-instance';
import { accountIdOf, partitionOf, regionOf } from '../modules/shared/aws-environment';
import { environmentAuditTrail, type StackAuditTrail } from './audit-trail';
import { addAwsProvider, addIamEventsProvider } from './aws-provider';
import { alertingSessions, distinctDestinations, groupAccess, justInTimeApproval, opensSsh, runAsUsers } from './environment-props';
import { ApprovalPolicies, type Approver } from '../modules/just-in-time';
import { SsmFleet, SsmLaunchTemplate } from '../modules/ssm-fleet';
import { SessionReviewers } from '../modules/session-review';
import { MANAGED_BY_TAG } from '../config/access';
import { autoApprovalRules } from '../config/sections/just-in-time';
import { ACCESS_TAG_KEYS } from '../modules/ssm-instance/access-tags';
import { addRemoteState } from './locking-s3-backend';
import {
  accessPolicyName, environmentNames, FLEETS_ID, forwardDocumentName, reviewersRoleName, SESSION_REVIEW_ID, GUARDRAIL_ID, JUST_IN_TIME_ID, PORT_FORWARDING_ID, RECORDING_NETWORK_ID, RECORDING_PATH_IDS, SESSION_ALERTS_ID, SESSION_LOGGING_ID,
} from './naming';

/**
 * One environment: its provider, its remote state, and the modules composed for it. The stack turns
 * the environment's config into module props; the modules own every resource detail, the audit trail
 * is described in audit-trail.ts and the names in naming.ts.
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
  /** The Auto Scaling groups of instances, each with its launch template. */
  readonly fleets: readonly SsmFleet[];
  /** The session reviewers, where the config names them. */
  readonly reviewers?: SessionReviewers;
  /** Just-in-time access's approval policies, where a group uses it. */
  readonly approvalPolicies?: ApprovalPolicies;
  /** One Session document per port-forwarding destination some group declared. */
  readonly portForwarding: readonly PortForwardingDocument[];
  /** What the guardrail protects and the alerts watch. */
  readonly auditTrail: StackAuditTrail;
  readonly guardrail: AuditTrailGuardrail;
  readonly alerts: SessionAlerts;
  private readonly providerTags: Record<string, string>;

  constructor(scope: Construct, readonly environment: EnvironmentConfig) {
    super(scope, environment.name);
    const { name, network, guardrails } = environment;
    const names = environmentNames(name);
    this.providerTags = { Environment: name, ...environment.tags };
    this.provider = addAwsProvider(this, { accountId: environment.accountId, region: environment.region, tags: this.providerTags });
    addRemoteState(this, environment.state);

    this.sessionLogging = new SessionLogging(this, SESSION_LOGGING_ID, {
      ...environment.sessionLogging,
      logGroupName: names.logGroup,
      keyAlias: names.sessionKeyAlias,
      transcripts: environment.archive && { ...environment.archive, keyPrefix: environment.archive.prefix },
      pipelineRoleArns: [guardrails.pipelineRoleArn],
      reviewerRoleArns: environment.sessionReview ? [`arn:${partitionOf(this)}:iam::${accountIdOf(this)}:role/${reviewersRoleName(names.prefix)}`] : undefined,
    });
    const logging = this.sessionLogging;
    this.auditTrail = environmentAuditTrail(environment, {
      partition: partitionOf(this), region: regionOf(this), accountId: accountIdOf(this),
      sessionKey: { arn: logging.key.keyArn, id: logging.key.key.keyId, alias: logging.key.aliasName },
      preferencesDocumentArn: logging.documentArn,
      logGroupArn: logging.logGroupArn,
      // The guardrail protects the alerts' key, created with the alerts below.
      alertKeyId: Lazy.stringValue({ produce: () => this.alerts.key?.key.keyId }),
    });
    // The forwarding role carries the boundary of the guardrail, which is created after the alerts
    // because it protects their key: a cycle among the constructs, not among the resources.
    const boundaryArn = guardrails.permissionsBoundary ? Lazy.stringValue({ produce: () => this.guardrail.boundary.arn }) : undefined;
    this.alerts = this.addAlerts(boundaryArn);
    this.guardrail = new AuditTrailGuardrail(this, GUARDRAIL_ID, {
      namePrefix: names.prefix,
      trail: this.auditTrail.guarded!,
      attachToRoles: guardrails.attachToRoles,
      attachToGroups: guardrails.attachToGroups,
      // Attached only to the administrators' roles and groups, never the pipeline's (the config refuses it).
      strict: guardrails.strict,
    });

    this.instanceRole = new IamSsmRole(this, RECORDING_PATH_IDS[0], {
      roleName: names.recordingPath.instanceRole,
      permissionsBoundaryArn: boundaryArn,
      corePolicy: environment.instanceRolePolicy,
      runCommand: environment.instanceRunCommand,
    });
    this.instanceRole.grantSessionLogging(logging.grantTarget);
    this.instanceProfile = new InstanceProfile(this, RECORDING_PATH_IDS[1], {
      roleName: this.instanceRole.roleName,
      profileName: names.recordingPath.instanceProfile,
    });
    if (network.vpcEndpoints) {
      this.vpcEndpoints = new SsmVpcEndpoints(this, RECORDING_NETWORK_ID, {
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        vpcCidrs: network.vpcCidrs,
        routeTableIds: network.routeTableIds,
      });
    }
    if (environment.defaultHostManagement) {
      this.defaultHostManagement = new DefaultHostManagement(this, RECORDING_PATH_IDS[2], {
        roleName: names.recordingPath.defaultHostManagementRole,
        permissionsBoundaryArn: boundaryArn,
      });
      // Instances it manages record and encrypt their sessions with its role, as the others with theirs.
      this.defaultHostManagement.grantSessionLogging(logging.grantTarget);
    }
    this.instances = environment.instances.map((instance) => new SsmInstance(this, `instance-${instance.name}`, {
      ...this.machineProps(instance),
      subnetId: instance.subnetId,
      tags: instance.tags,
    }));
    const fleets = new Construct(this, FLEETS_ID);
    this.fleets = environment.fleets.map((fleet) => {
      const scope = new Construct(fleets, fleet.name);
      const launchTemplate = new SsmLaunchTemplate(scope, 'launch-template', {
        ...this.machineProps(fleet),
        templateName: names.fleets.of(fleet.name),
        rootDeviceName: fleet.rootDeviceName,
        // The provider's default tags reach the template, not what it launches: the SCP knows the instances by this one.
        tags: { ...fleet.tags, [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value },
      });
      return new SsmFleet(scope, 'group', {
        name: names.fleets.of(fleet.name),
        launchTemplate,
        subnetIds: fleet.subnetIds,
        minSize: fleet.minSize,
        maxSize: fleet.maxSize,
        desiredCapacity: fleet.desiredCapacity,
        instanceRefresh: fleet.instanceRefresh,
        mixedInstances: fleet.mixedInstances,
      });
    });
    const forwarding = new Construct(this, PORT_FORWARDING_ID);
    this.portForwarding = distinctDestinations(environment).map((destination) => new PortForwardingDocument(
      forwarding, destinationLabel(destination).replace(/\./g, '_'), { documentName: forwardDocumentName(names.prefix, destination), destination },
    ));
    this.accessPolicies = environment.accessGroups.map((group) => new SessionAccessPolicy(this, `access-${group.name}`, {
      ...groupAccess(environment, group),
      policyName: accessPolicyName(name, group.name),
      sessionKeyArn: logging.key.keyArn,
      roleNames: group.roleNames,
      groupNames: group.groupNames,
      runAsUser: group.runAsUser,
      createRole: group.createRole && {
        roleName: group.createRole.name,
        trustedPrincipals: { arns: group.createRole.trustedArns, services: group.createRole.trustedServices },
        permissionsBoundaryArn: boundaryArn,
        requireMfaToAssume: group.createRole.requireMfaToAssume,
        sessionName: group.createRole.sessionName,
        temporaryGrants: group.createRole.temporaryGrants,
      },
    }));
    this.approvalPolicies = this.addApprovalPolicies();
    this.reviewers = environment.sessionReview && new SessionReviewers(this, SESSION_REVIEW_ID, {
      roleName: reviewersRoleName(names.prefix),
      trustedArns: environment.sessionReview.trustedArns,
      recording: {
        transcripts: logging.grantTarget, signOffBucketArn: logging.bucket.bucketArn,
        // The stack's trail writes into the log bucket unless the config names another.
        trailLogsPrefix: environment.alerts.trail.source === 'stack' && !environment.alerts.trail.bucketName ? TRAIL_KEY_PREFIX : undefined,
      },
      permissionsBoundaryArn: boundaryArn,
    });
    // The config demands a reason for SSH, which is not recorded; it is the suppression's reason too.
    this.accessPolicies.forEach((policy, i) => {
      const reason = environment.accessGroups[i].unrecordedSsh;
      if (reason) suppressCompliance(policy, 'NO_UNRECORDED_SSH_IN_PROD', reason);
    });
    if (boundaryArn) {
      const bounded = [this.instanceRole.role, this.defaultHostManagement?.role, this.alerts.iamForwarder?.role, ...this.accessPolicies.map((p) => p.role), this.reviewers?.role];
      this.guardrail.protectRoles(...bounded.flatMap((role) => (role ? [role] : [])));
    }
    this.addOutputs();
  }

  /** What an instance and a fleet's instances are made of, as the config and the environment say. */
  private machineProps(machine: InstanceConfig | FleetConfig) {
    const environment = this.environment;
    return {
      name: machine.name,
      vpcId: environment.network.vpcId,
      instanceType: machine.instanceType,
      machineImageId: machine.ami,
      agentVersion: machine.ssmAgentVersion,
      detailedMonitoring: machine.detailedMonitoring,
      accessTags: { environment: environment.name, team: machine.team, accessGroup: machine.accessGroup, justInTimeApproval: justInTimeApproval(environment, machine) },
      instanceProfile: { role: this.instanceRole, profile: this.instanceProfile },
      osUsers: machine.manageOsUsers && { users: runAsUsers(environment, machine), ssmUserSudo: environment.osUsers.ssmUserSudo },
      hardening: { sshd: opensSsh(environment, machine) },
    };
  }

  /** Just-in-time access's approval policies, where a group asks for access per need. */
  private addApprovalPolicies(): ApprovalPolicies | undefined {
    const env = this.environment;
    const jit = env.accessGroups.filter((g) => g.justInTime);
    if (jit.length === 0) return undefined;
    const names = environmentNames(env.name).justInTime;
    const approvers = jit.flatMap((g) => g.justInTime!.manualApproval?.levels.flat() ?? []);
    return new ApprovalPolicies(this, JUST_IN_TIME_ID, {
      stackName: names.stack,
      autoApproval: autoApprovalRules(env),
      manualApprovals: jit.flatMap((g) => {
        const approval = g.justInTime!.manualApproval;
        return approval ? [{
          name: names.manualApproval(g.name),
          description: `${env.name} ${g.name}: access on approval`,
          targetTag: { key: ACCESS_TAG_KEYS.justInTimeApproval, values: [names.manualApproval(g.name)] },
          hours: approval.hours,
          levels: approval.levels.map((level) => level.map((a): Approver => (a.iamRoleName ? { iamRoleName: a.iamRoleName } : { identityCenterGroupId: a.identityCenterGroupId! }))),
        }] : [];
      }),
      approverRoles: { policyName: names.approverPolicy, roleNames: [...new Set(approvers.flatMap((a) => (a.iamRoleName ? [a.iamRoleName] : [])))] },
    });
  }

  /** Alerts on the audit trail and on the alerting groups' sessions, read from the trail the config names. */
  private addAlerts(permissionsBoundaryArn: string | undefined): SessionAlerts {
    const { alerts, sessionLogging: config } = this.environment;
    const logging = this.sessionLogging;
    // The alerting groups' sessions, and each temporary grantee's.
    const sessions = alertingSessions(this.environment);
    const trailBucket = alerts.trail.bucketName ?? config.bucketName;
    const intoLogBucket = alerts.trail.bucketName === undefined;
    const sessionAlerts = new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: environmentNames(this.environment.name).prefix,
      watched: this.auditTrail.watched!,
      excludedRoleArns: this.auditTrail.pipelineRoleArns,
      sessionRoleNames: sessions.roleNames,
      sessionArns: sessions.sessionArns,
      allSessions: alerts.allSessions,
      topicArn: alerts.topicArn,
      emails: alerts.emails,
      trail: alerts.trail.source === 'stack'
        ? { bucketName: trailBucket, kmsKeyArn: intoLogBucket ? logging.key.keyArn : undefined }
        : undefined,
      objectEvents: alerts.trail.objectEvents,
      recordingPath: this.auditTrail.watchedRecordingPath,
      trustChain: this.auditTrail.watchedTrustChain,
      refusals: this.auditTrail.watchedRefusals,
      justInTime: this.auditTrail.watchedJustInTime,
      // IAM delivers its events to us-east-1 only: from another region, rules there forward them.
      iamEventsProvider: addIamEventsProvider(this, { accountId: this.environment.accountId, region: this.environment.region, tags: this.providerTags }),
      permissionsBoundaryArn,
      keyDeletionWindowInDays: config.keyDeletionWindowInDays,
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
