/**
 * What an environment's config means for the modules' props, beyond copying fields: who reaches an
 * instance and as which user, what a group may do, which port-forwarding documents exist. Shared by the
 * environment stack and the Identity Center stack, and free of cdktf.
 */
import { partitionOf } from '../config/aws-rules';
import { instanceTags, type Machine, reaches } from '../config/access';
import type { AccessGroupConfig, EnvironmentConfig } from '../config/types';
import { destinationLabel, type PortForwardingDestination } from '../modules/access-policies/destinations';
import type { SessionAccessStatementsProps } from '../modules/access-policies';
import { environmentPrefix, fleetNames, forwardDocumentName, justInTimeNames } from './naming';

/**
 * What a group may do in Session Manager, from its config: the same for its IAM policy and for its
 * Identity Center permission set.
 */
export function groupAccess(env: EnvironmentConfig, group: AccessGroupConfig): Omit<SessionAccessStatementsProps, 'partition' | 'region' | 'accountId' | 'sessionKey'> {
  const prefix = environmentPrefix(env.name);
  return {
    instanceTags: group.instanceTags,
    autoScalingGroupNames: [fleetNames(prefix).groups],
    documents: [...group.documents, ...group.portForwarding.map((d) => forwardDocumentName(prefix, d))],
    mfa: group.mfa,
    mfaMaxAgeSeconds: group.mfaMaxAgeSeconds,
    canTerminateAnySession: group.admin,
    runCommand: group.runCommand !== undefined,
    justInTime: group.justInTime && {
      manualApprovalDocument: group.justInTime.manualApproval ? justInTimeNames(environmentPrefix(env.name)).manualApproval(group.name) : undefined,
    },
  };
}

/** The Identity Center groups (by id) that approve an environment's just-in-time requests. */
export function approverGroups(env: EnvironmentConfig): string[] {
  const levels = env.accessGroups.flatMap((g) => g.justInTime?.manualApproval?.levels.flat() ?? []);
  return [...new Set(levels.flatMap((a) => (a.identityCenterGroupId ? [a.identityCenterGroupId] : [])))];
}

/** The manual approval policy that targets the instance: the one just-in-time group with approvers that reaches it (the config allows no second). */
export function justInTimeApproval(env: EnvironmentConfig, instance: Machine): string | undefined {
  const group = env.accessGroups.find((g) => g.justInTime?.manualApproval && reaches(g, instanceTags(env, instance)));
  return group && justInTimeNames(environmentPrefix(env.name)).manualApproval(group.name);
}

/**
 * Every OS user a session on the instance may run as: the preferences' default, the run-as user of each
 * group that reaches it, and the environment's own list.
 */
export function runAsUsers(env: EnvironmentConfig, instance: Machine): string[] {
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
export function opensSsh(env: EnvironmentConfig, instance: Machine): boolean {
  return env.accessGroups.some((g) => g.documents.includes('AWS-StartSSHSession') && reaches(g, instanceTags(env, instance)));
}

/** The environment's declared destinations, each once. */
export function distinctDestinations(env: EnvironmentConfig): PortForwardingDestination[] {
  const byLabel = new Map(env.accessGroups.flatMap((g) => g.portForwarding).map((d) => [destinationLabel(d), d]));
  return [...byLabel.keys()].sort().map((label) => byLabel.get(label)!);
}

/**
 * The sessions whose every StartSession alerts: the alerting groups' roles, and each temporary grantee's
 * sessions of a created role (named after the IAM user; after the source identity, which the grant does
 * not name, the role's every session).
 */
export function alertingSessions(env: EnvironmentConfig): { roleNames: string[]; sessionArns: string[] } {
  // Known at plan time: the pattern names the sessions by value.
  const partition = partitionOf(env.region);
  const roleNames = env.accessGroups.filter((g) => g.alertOnSessions).flatMap((g) => [...g.roleNames, ...(g.createRole ? [g.createRole.name] : [])]);
  const sessionArns: string[] = [];
  for (const g of env.accessGroups) {
    const role = g.createRole;
    if (!role || role.temporaryGrants.length === 0 || roleNames.includes(role.name)) continue;
    if (role.sessionName === 'source-identity') roleNames.push(role.name);
    else sessionArns.push(...role.temporaryGrants.map((grant) => `arn:${partition}:sts::${env.accountId}:assumed-role/${role.name}/${grant.principalArn.split('/').pop()}`));
  }
  return { roleNames, sessionArns };
}
