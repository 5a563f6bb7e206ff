import { ACCESS_TAG_KEYS } from '../modules/ssm-instance/access-tags';
import { accessPolicyName, defaultStateKey, IDENTITY_CENTER, LOG_ARCHIVE, ORGANIZATION_STACK, RESERVED_NAMES, stateReadRoleName, stateRoleName } from '../stacks/naming';
import { MANAGED_BY_TAG, reachableInstances } from './access';
import * as rules from './aws-rules';
import {
  AccessGroupFile, bootstrapSchema, configFileSchema, EnvironmentFile, environmentSchema, IdentityCenterFile, identityCenterSchema, isIdentityCenterRole,
  LogArchiveFile, logArchiveSchema, StateFile,
} from './schema';
import type { AccessGroupConfig, BootstrapConfig, EnvironmentConfig, PermissionSetConfig, ProjectConfig, RemoteStateConfig } from './types';

export interface ConfigProblem {
  /** `bootstrap`, `organization`, `environment "dev"`, or `config` for the file as a whole. */
  readonly scope: string;
  /** Dotted path of the field inside that scope, e.g. `state.bucket`. */
  readonly field: string;
  readonly message: string;
}

/** Every problem found in a config, reported together so one run shows all there is to fix. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.scope}, field "${p.field}": ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Checks a parsed config file and returns it typed, or throws a ConfigError listing every problem:
 * the file's shape and the AWS rules (`schema.ts`), then what spans an environment's sections or
 * several environments. Unknown fields are problems too: a misspelt optional field must not be
 * silently ignored.
 */
export function validateConfig(raw: unknown, source = 'config'): ProjectConfig {
  const parsed = configFileSchema.safeParse(raw);
  const problems: ConfigProblem[] = parsed.issues.map((issue) => problemAt(issue.path, issue.message));
  const report = (scope: string) => (field: string, message: string) => problems.push({ scope, field, message });

  // Each environment on its own, so that one broken environment does not hide another's problems.
  const rawEnvironments = objectAt(raw, 'environments') ?? {};
  if (objectAt(raw, 'environments') && Object.keys(rawEnvironments).length === 0) {
    report('config')('environments', 'must declare at least one environment');
  }
  const environments: EnvironmentConfig[] = [];
  const identityCenter = identityCenterSchema.safeParse(objectAt(raw, 'identityCenter')).data;
  for (const [name, value] of Object.entries(rawEnvironments)) {
    const scope = `environment "${name}"`;
    const nameProblem = rules.environmentName(name) ?? (RESERVED_NAMES.includes(name) ? `"${name}" is reserved for the project's own stack` : undefined);
    if (nameProblem) report(scope)('name', nameProblem);
    const env = environmentSchema.safeParse(value);
    const checked = env.success ? checkEnvironment(name, env.data, report(scope), identityCenter) : undefined;
    if (checked && !nameProblem) environments.push(checked);
  }
  checkSharedState(problems, environments, bootstrapSchema.safeParse(objectAt({ raw }, 'raw')?.bootstrap).data);

  const logArchive = logArchiveSchema.safeParse(objectAt(raw, 'logArchive')).data;
  checkLogArchive(problems, environments, logArchive);
  checkPermissionSetNames(problems, environments);

  if (problems.length > 0 || !parsed.success) throw new ConfigError(source, sortByScope(problems, Object.keys(rawEnvironments)));
  const { organization } = parsed.data;
  return {
    bootstrap: parsed.data.bootstrap,
    environments: environments.map((env) => withBootstrapState(withArchive(withSessionRegions(env, environments), logArchive), env.name, env.guardrails, parsed.data.bootstrap)),
    organization: organization && withBootstrapState(
      { ...organization, state: stateWithDefaults(organization.state, ORGANIZATION_STACK, organization.region) },
      ORGANIZATION_STACK,
      organization,
      parsed.data.bootstrap,
    ),
    identityCenter: identityCenter && withBootstrapState(
      { ...identityCenter, state: stateWithDefaults(identityCenter.state, IDENTITY_CENTER, identityCenter.region) },
      IDENTITY_CENTER,
      identityCenter,
      parsed.data.bootstrap,
    ),
    logArchive: logArchive && withBootstrapState(
      { ...logArchive, state: stateWithDefaults(logArchive.state, LOG_ARCHIVE, logArchive.region) },
      LOG_ARCHIVE,
      logArchive,
      parsed.data.bootstrap,
    ),
  };
}

/** The log-archive and identity-center stacks' names are their scopes in problems too. */
export { IDENTITY_CENTER, LOG_ARCHIVE };

/** A permission set's name is the Identity Center instance's, across every environment. */
function checkPermissionSetNames(problems: ConfigProblem[], environments: readonly EnvironmentConfig[]): void {
  const seen = new Map<string, string>();
  for (const env of environments) {
    for (const group of env.accessGroups) {
      if (!group.permissionSet) continue;
      const owner = `environment "${env.name}" group "${group.name}"`;
      const other = seen.get(group.permissionSet.name);
      if (other) {
        problems.push({ scope: `environment "${env.name}"`, field: `accessGroups.${group.name}.permissionSet.name`, message: `"${group.permissionSet.name}" is also ${other}'s permission set: names are the Identity Center instance's` });
      }
      seen.set(group.permissionSet.name, owner);
    }
  }
}

/** Environments sending their transcripts to an archive that exists, one that is not their own bucket. */
function checkLogArchive(problems: ConfigProblem[], environments: readonly EnvironmentConfig[], archive: LogArchiveFile | undefined): void {
  for (const env of environments) {
    if (destinationOf(env) === 'archive' && !archive) {
      problems.push({ scope: `environment "${env.name}"`, field: 'sessionLogging.destination', message: 'is "archive", but the config has no logArchive to send the transcripts to' });
    }
    if (archive && env.sessionLogging.bucketName === archive.bucketName) {
      problems.push({ scope: LOG_ARCHIVE, field: 'bucketName', message: `"${archive.bucketName}" is environment "${env.name}"'s own log bucket: the archive needs a bucket of its own` });
    }
  }
}

/** The destination the file chose, before `withArchive` settles it. */
function destinationOf(env: EnvironmentConfig): string | undefined {
  return (env.sessionLogging as EnvironmentFile['sessionLogging']).destination;
}

/** Where the environment's transcripts go: the archive by default when there is one. */
function withArchive(env: EnvironmentConfig, archive: LogArchiveFile | undefined): EnvironmentConfig {
  const { destination: _chosen, ...sessionLogging } = env.sessionLogging as EnvironmentFile['sessionLogging'];
  const toArchive = archive !== undefined && (destinationOf(env) ?? 'archive') === 'archive';
  return {
    ...env,
    sessionLogging,
    ...(toArchive ? { archive: { accountId: archive.accountId, region: archive.region, bucketName: archive.bucketName, prefix: env.name } } : {}),
  };
}

/** What spans an environment's sections, and the defaults that depend on other fields. */
function checkEnvironment(
  name: string, env: EnvironmentFile, report: (field: string, message: string) => void, identityCenter: IdentityCenterFile | undefined,
): EnvironmentConfig | undefined {
  const { subnetIds } = env.network;
  // Instances without a subnet of their own are spread over the network's subnets in turn.
  const instances = env.instances.map((instance, i) => {
    if (instance.subnetId !== undefined && !subnetIds.includes(instance.subnetId)) {
      report(`instances[${i}].subnetId`, `"${instance.subnetId}" is not one of network.subnetIds`);
    }
    return { ...instance, subnetId: instance.subnetId ?? subnetIds[i % subnetIds.length] };
  });
  const accessGroups = Object.entries(env.accessGroups).map(([group, g]): AccessGroupConfig => {
    const instanceTags: Record<string, readonly string[]> = { [ACCESS_TAG_KEYS.environment]: [name] };
    if (g.instances.team?.length) instanceTags[ACCESS_TAG_KEYS.team] = g.instances.team;
    if (g.instances.accessGroup?.length) instanceTags[ACCESS_TAG_KEYS.accessGroup] = g.instances.accessGroup;
    Object.assign(instanceTags, g.instances.tags);
    const { instances: _match, requireMfa: _replaced, createRole, documents, alertOnSessions, permissionSet, ...rest } = g;
    const mfa = g.mfa ?? (permissionSet ? 'identity-provider' : 'iam');
    return {
      ...rest,
      mfa,
      permissionSet: permissionSet && checkPermissionSet(name, group, permissionSet, env, identityCenter, report),
      name: group,
      alertOnSessions: alertOnSessions ?? g.admin,
      instanceTags,
      documents: documents?.length ? documents : ['SSM-SessionManagerRunShell'],
      createRole: createRole && {
        name: createRole.name ?? accessPolicyName(name, group),
        trustedArns: createRole.trustedArns,
        trustedServices: createRole.trustedServices,
        requireMfaToAssume: createRole.requireMfaToAssume ?? mfa === 'iam',
        sessionName: createRole.sessionName,
      },
    };
  });
  // Identity Center passes SSMSessionRunAs to every permission set's sessions, hand-kept ones too.
  if (identityCenter?.runAsAttribute && env.sessionLogging.runAsDefaultUser !== undefined) {
    for (const group of accessGroups) {
      const role = group.roleNames.find(isIdentityCenterRole);
      if (role && !group.permissionSet) {
        report(`accessGroups.${group.name}.roleNames`, `has the Identity Center role ${role}, whose sessions run as each engineer (identityCenter.runAsAttribute) with run-as on: give the group a permissionSet listing the engineers' osUsers`);
      }
    }
  }
  const alerts = { ...env.alerts, trail: { ...env.alerts.trail, objectEvents: env.alerts.trail.objectEvents ?? env.alerts.trail.source === 'stack' } };
  const checked: EnvironmentConfig = {
    ...env, name, state: stateWithDefaults(env.state, name, env.region), instances, accessGroups, alerts, sessionRegions: [env.region],
  };
  checkManagedByTag(checked, report);
  checkAlerts(checked, report);
  const runAsDefaultUser = env.sessionLogging.runAsDefaultUser;
  const unmanaged = (list: readonly { name: string; manageOsUsers: boolean }[]) => list.filter((i) => !i.manageOsUsers).map((i) => `"${i.name}"`);
  for (const group of accessGroups) {
    const reached = reachableInstances(checked, group);
    if (reached.length === 0) report(`accessGroups.${group.name}.instances`, 'reaches no instance of this environment');
    if (group.runAsUser === undefined) continue;
    // Session Manager reads the role's SSMSessionRunAs tag only with run-as on, and runs as a user the node has.
    if (runAsDefaultUser === undefined) {
      report(`accessGroups.${group.name}.runAsUser`, 'takes effect only with run-as on: set sessionLogging.runAsDefaultUser');
    } else if (unmanaged(reached).length > 0) {
      report(`accessGroups.${group.name}.runAsUser`, `"${group.runAsUser}" is not created on instance ${unmanaged(reached).join(', ')} (manageOsUsers is false), where its sessions would fail`);
    }
  }
  if (runAsDefaultUser !== undefined && unmanaged(instances).length > 0) {
    report('sessionLogging.runAsDefaultUser', `"${runAsDefaultUser}" is not created on instance ${unmanaged(instances).join(', ')} (manageOsUsers is false), where every session would fail`);
  }
  return checked;
}

/** A group's permission set, its defaults settled, where Identity Center and run-as can serve it. */
function checkPermissionSet(
  env: string, group: string, set: NonNullable<AccessGroupFile['permissionSet']>, file: EnvironmentFile,
  identityCenter: IdentityCenterFile | undefined, report: (field: string, message: string) => void,
): PermissionSetConfig {
  const field = `accessGroups.${group}.permissionSet`;
  if (!identityCenter) report(field, 'needs identityCenter (the account that manages IAM Identity Center) at the top of the config');
  const name = set.name ?? `${env}-${group}`;
  if (set.name === undefined && rules.permissionSetName(name)) report(`${field}.name`, `is required: the default "${name}" is longer than Identity Center's 32 characters`);
  const runAs = set.runAs ?? (identityCenter?.runAsAttribute ? 'engineer' : 'shared');
  if (runAs === 'engineer' && identityCenter && !identityCenter.runAsAttribute) {
    report(`${field}.runAs`, 'is "engineer", but identityCenter.runAsAttribute names no attribute to run as: set it (for example "${path:userName}")');
  }
  if (runAs === 'engineer' && file.sessionLogging.runAsDefaultUser === undefined) {
    report(`${field}.runAs`, 'is "engineer", which takes effect only with run-as on: set sessionLogging.runAsDefaultUser');
  }
  if (runAs === 'engineer' && set.osUsers.length === 0) {
    report(`${field}.osUsers`, "must list the engineers' OS users (as the attribute names them): a session as a user the instance lacks fails");
  }
  if (runAs === 'shared' && set.osUsers.length > 0) report(`${field}.osUsers`, 'lists OS users, but sessions run as the shared user ("runAs": "shared")');
  if (runAs === 'shared' && identityCenter?.runAsAttribute && file.sessionLogging.runAsDefaultUser !== undefined) {
    report(`${field}.runAs`, 'is "shared", but Identity Center passes SSMSessionRunAs (identityCenter.runAsAttribute) to every permission set, and run-as is on here: sessions would run as each engineer');
  }
  return { name, sessionDuration: set.sessionDuration, groups: set.groups, runAs, osUsers: set.osUsers };
}

function checkAlerts({ alerts, accessGroups, region }: EnvironmentConfig, report: (field: string, message: string) => void): void {
  const topicRegion = alerts.topicArn?.split(':')[3];
  if (topicRegion !== undefined && topicRegion !== region) {
    report('alerts.topicArn', `is in ${topicRegion}: EventBridge rules in ${region} publish only to a topic of their own region`);
  }
  if (alerts.trail.bucketName !== undefined && alerts.trail.source !== 'stack') {
    report('alerts.trail.bucketName', 'names where a trail the stack creates delivers; with "source": "existing" there is none');
  }
  for (const group of accessGroups) {
    if (group.alertOnSessions && group.roleNames.length === 0 && !group.createRole) {
      report(`accessGroups.${group.name}.alertOnSessions`,
        'is on (by default for admin groups), but CloudTrail records a user, not its IAM groups: give the group roleNames or createRole, or set it false');
    }
  }
}

/** The organization SCP knows the project's instances by this tag: nothing may set it to another value. */
function checkManagedByTag({ tags, instances }: EnvironmentConfig, report: (field: string, message: string) => void): void {
  const refuse = (field: string) => report(field, `is set by the project ("${MANAGED_BY_TAG.value}"): the organization SCP protects the instances that carry it`);
  if (tags[MANAGED_BY_TAG.key] !== undefined) refuse(`tags.${MANAGED_BY_TAG.key}`);
  instances.forEach((instance, i) => {
    if (instance.tags[MANAGED_BY_TAG.key] !== undefined) refuse(`instances[${i}].tags.${MANAGED_BY_TAG.key}`);
  });
}

/** Sessions are recorded in every region where an environment of the same account creates the preferences document. */
function withSessionRegions(env: EnvironmentConfig, all: readonly EnvironmentConfig[]): EnvironmentConfig {
  return { ...env, sessionRegions: [...new Set(all.filter((e) => e.accountId === env.accountId).map((e) => e.region))].sort() };
}

function stateWithDefaults(state: StateFile, name: string, region: string): RemoteStateConfig {
  return { ...state, key: state.key ?? defaultStateKey(name), region: state.region ?? region };
}

/** Two environments writing one state object would overwrite each other's state. */
function checkSharedState(problems: ConfigProblem[], environments: readonly EnvironmentConfig[], bootstrap: BootstrapConfig | undefined): void {
  const owners = new Map<string, string>();
  for (const env of environments) {
    const scope = `environment "${env.name}"`;
    const object = `s3://${env.state.bucket}/${env.state.key}`;
    const owner = owners.get(object);
    if (owner) problems.push({ scope, field: 'state.key', message: `${object} is already the state of environment "${owner}"` });
    owners.set(object, env.name);
    if (bootstrap && env.state.bucket === bootstrap.stateBucket && env.state.region !== bootstrap.region) {
      problems.push({
        scope,
        field: 'state.region',
        message: `the bootstrap stack creates bucket "${bootstrap.stateBucket}" in ${bootstrap.region}, not ${env.state.region}`,
      });
    }
  }
}

/**
 * State kept in the bootstrap bucket is encrypted with the bootstrap key, and reached through the
 * state role the bootstrap stack creates for the stack (trusted by its pipeline), unless told otherwise;
 * with a plan role, also through a second role that only reads it.
 */
function withBootstrapState<T extends { readonly state: RemoteStateConfig }>(
  stack: T, name: string, roles: { readonly pipelineRoleArn?: string; readonly planRoleArn?: string }, bootstrap: BootstrapConfig,
): T {
  if (stack.state.bucket !== bootstrap.stateBucket) return stack;
  const { accountId, region, stateKeyAlias } = bootstrap;
  const { pipelineRoleArn, planRoleArn } = roles;
  const partition = rules.partitionOf(region);
  const kmsKeyId = stack.state.kmsKeyId ?? `arn:${partition}:kms:${region}:${accountId}:alias/${stateKeyAlias}`;
  const roleArnOf = (roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`;
  const bootstrapRoleName = stateRoleName(name);
  const bootstrapRoleArn = roleArnOf(bootstrapRoleName);
  const roleArn = stack.state.roleArn ?? (pipelineRoleArn ? bootstrapRoleArn : undefined);
  const bootstrapRole = pipelineRoleArn !== undefined && roleArn === bootstrapRoleArn;
  return {
    ...stack,
    state: {
      ...stack.state,
      kmsKeyId,
      roleArn,
      ...(bootstrapRole ? { bootstrapRole: { roleName: bootstrapRoleName, trustedRoleArn: pipelineRoleArn } } : {}),
      ...(planRoleArn ? { bootstrapReadRole: { roleName: stateReadRoleName(name), roleArn: roleArnOf(stateReadRoleName(name)), trustedRoleArn: planRoleArn } } : {}),
    },
  };
}


/** A problem in the file, scoped by its path's head (an environment, bootstrap, organization), its field the rest. */
function problemAt(path: readonly PropertyKey[], message: string): ConfigProblem {
  const [head, second, ...rest] = path;
  if (head === 'environments' && second !== undefined) return { scope: `environment "${String(second)}"`, field: fieldPath(rest), message };
  if ((head === 'bootstrap' || head === 'organization') && second !== undefined) return { scope: head, field: fieldPath([second, ...rest]), message };
  if (head === 'logArchive' && second !== undefined) return { scope: LOG_ARCHIVE, field: fieldPath([second, ...rest]), message };
  if (head === 'identityCenter' && second !== undefined) return { scope: IDENTITY_CENTER, field: fieldPath([second, ...rest]), message };
  return { scope: 'config', field: fieldPath(path), message };
}

/** `['instances', 0, 'name']` as `instances[0].name`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '') || '(root)';
}

/** The file's order: the whole file, bootstrap, each environment as declared, organization. */
function sortByScope(problems: ConfigProblem[], environments: string[]): ConfigProblem[] {
  const order = ['config', 'bootstrap', ...environments.map((e) => `environment "${e}"`), 'organization', LOG_ARCHIVE, IDENTITY_CENTER];
  return problems.map((p, i) => ({ p, i })).sort((a, b) => order.indexOf(a.p.scope) - order.indexOf(b.p.scope) || a.i - b.i).map(({ p }) => p);
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}
