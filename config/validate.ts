import { MFA_ENFORCEMENTS, MfaEnforcement, SESSION_DOCUMENTS } from '../modules/access-policies';
import { ACCESS_TAG_KEYS } from '../modules/ssm-instance/access-tags';
import { checkSessionLoggingProps } from '../modules/session-logging/limits';
import { reachableInstances } from './access';
import * as rules from './aws-rules';
import type { Rule } from './aws-rules';
import type {
  AccessGroupConfig, BootstrapConfig, EnvironmentConfig, GuardrailsConfig, OrganizationConfig, InstanceConfig, NetworkConfig, ProjectConfig, RemoteStateConfig,
  SessionLoggingConfig, Tags,
} from './types';

export interface ConfigProblem {
  /** `bootstrap`, `environment "dev"`, or `config` for the file as a whole. */
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

/** Reserved for the project's own stacks. */
const RESERVED_NAMES = ['bootstrap', 'organization'];

/**
 * Checks a parsed config file and returns it typed, or throws a ConfigError listing every problem.
 * Unknown fields are problems too: a misspelt optional field must not be silently ignored.
 */
export function validateConfig(raw: unknown, source = 'config'): ProjectConfig {
  const problems: ConfigProblem[] = [];
  const root = Section.of(problems, 'config', '', raw);
  if (!root) throw new ConfigError(source, problems);
  root.rejectUnknown(['bootstrap', 'environments', 'organization', '$schema', '//']);

  const bootstrapSection = root.section('bootstrap', 'bootstrap');
  const bootstrap = bootstrapSection && readBootstrap(bootstrapSection);
  const environments = readEnvironments(problems, root.section('environments'));
  const organizationSection = root.raw('organization') === undefined ? undefined : root.section('organization', 'organization');
  const organization = organizationSection && readOrganization(organizationSection);
  checkSharedState(problems, environments, bootstrap);
  const linked = bootstrap ? environments.map((env) => withBootstrapStateKey(env, bootstrap)) : environments;

  if (problems.length > 0 || !bootstrap) throw new ConfigError(source, problems);
  return { bootstrap, environments: linked, organization: organization && withBootstrapStateKey(organization, bootstrap) };
}

function readBootstrap(s: Section): BootstrapConfig | undefined {
  s.rejectUnknown(['accountId', 'region', 'stateBucket', 'stateKeyAlias', 'tags']);
  const accountId = s.string('accountId', rules.accountId);
  const region = s.string('region', rules.region);
  const stateBucket = s.string('stateBucket', rules.bucketName);
  const stateKeyAlias = s.optionalString('stateKeyAlias', rules.kmsAliasName) ?? 'ssm-session-kit-tfstate';
  const tags = s.tags('tags');
  if (accountId === undefined || region === undefined || stateBucket === undefined) return undefined;
  return { accountId, region, stateBucket, stateKeyAlias, tags };
}

function readOrganization(s: Section): OrganizationConfig | undefined {
  s.rejectUnknown(['accountId', 'region', 'targetIds', 'tags', 'state']);
  const accountId = s.string('accountId', rules.accountId);
  const region = s.string('region', rules.region);
  const targetIds = s.stringList('targetIds', rules.organizationTarget, { required: true });
  const tags = s.tags('tags');
  const stateSection = s.section('state');
  const state = stateSection && readState('organization', stateSection, region);
  if (accountId === undefined || region === undefined || !targetIds || !state) return undefined;
  return { accountId, region, targetIds, tags, state };
}

function readEnvironments(problems: ConfigProblem[], s: Section | undefined): EnvironmentConfig[] {
  if (!s) return [];
  if (s.keys().length === 0) s.problem('', 'must declare at least one environment');
  const environments: EnvironmentConfig[] = [];
  for (const name of s.keys()) {
    const scope = `environment "${name}"`;
    const nameProblem = rules.environmentName(name) ??
      (RESERVED_NAMES.includes(name) ? `"${name}" is reserved for the project's own stack` : undefined);
    if (nameProblem) problems.push({ scope, field: 'name', message: nameProblem });
    const env = Section.of(problems, scope, '', s.raw(name));
    const parsed = env && readEnvironment(name, env);
    if (parsed && !nameProblem) environments.push(parsed);
  }
  return environments;
}

function readEnvironment(name: string, s: Section): EnvironmentConfig | undefined {
  s.rejectUnknown(['accountId', 'region', 'tags', 'state', 'network', 'instances', 'defaultHostManagement', 'sessionLogging', 'accessGroups', 'guardrails']);
  const accountId = s.string('accountId', rules.accountId);
  const region = s.string('region', rules.region);
  const tags = s.tags('tags');
  const stateSection = s.section('state');
  const state = stateSection && readState(name, stateSection, region);
  const networkSection = s.section('network');
  const network = networkSection && readNetwork(networkSection);
  const instances = readInstances(s, network);
  const defaultHostManagement = s.optionalBoolean('defaultHostManagement') ?? false;
  const loggingSection = s.section('sessionLogging');
  const sessionLogging = loggingSection && readSessionLogging(loggingSection);
  const groupsSection = s.section('accessGroups');
  const accessGroups = groupsSection ? groupsSection.keys().map((group) => readAccessGroup(name, group, groupsSection)) : [];
  const guardrailsSection = s.section('guardrails');
  const guardrails = guardrailsSection && readGuardrails(guardrailsSection);
  if (accountId === undefined || region === undefined || !state || !network || !instances || !sessionLogging || !guardrails) return undefined;
  if (accessGroups.some((g) => g === undefined)) return undefined;
  const env = {
    name, accountId, region, tags, state, network, instances, defaultHostManagement, sessionLogging,
    accessGroups: accessGroups as AccessGroupConfig[], guardrails,
  };
  env.accessGroups.forEach((group) => {
    if (reachableInstances(env, group).length === 0) {
      s.problem(`accessGroups.${group.name}.instances`, 'reaches no instance of this environment');
    }
  });
  return env;
}

function readGuardrails(s: Section): GuardrailsConfig | undefined {
  s.rejectUnknown(['pipelineRoleArn', 'attachToRoles', 'attachToGroups', 'permissionsBoundary']);
  const pipelineRoleArn = s.string('pipelineRoleArn', rules.iamRoleArn);
  const attachToRoles = s.stringList('attachToRoles', rules.iamRoleName, { required: false });
  const attachToGroups = s.stringList('attachToGroups', rules.iamGroupName, { required: false });
  const permissionsBoundary = s.optionalBoolean('permissionsBoundary') ?? true;
  if (pipelineRoleArn === undefined || !attachToRoles || !attachToGroups) return undefined;
  return { pipelineRoleArn, attachToRoles, attachToGroups, permissionsBoundary };
}

/** A group of `accessGroups`: problems are reported in the environment's scope, with the group in the field path. */
function readAccessGroup(envName: string, group: string, groups: Section): AccessGroupConfig | undefined {
  const nameProblem = rules.accessGroupName(group);
  if (nameProblem) groups.problem(group, `group name ${nameProblem}`);
  const g = groups.section(group);
  if (!g) return undefined;
  if (g.raw('requireMfa') !== undefined) {
    g.problem('requireMfa', `is replaced by "mfa": one of ${MFA_ENFORCEMENTS.map((m) => `"${m}"`).join(', ')}`);
  }
  g.rejectUnknown(['instances', 'documents', 'requireMfa', 'mfa', 'mfaMaxAgeSeconds', 'runAsUser', 'admin', 'roleNames', 'groupNames', 'createRole']);

  const instanceTags: Record<string, readonly string[]> = { [ACCESS_TAG_KEYS.environment]: [envName] };
  const match = g.section('instances');
  if (match) {
    match.rejectUnknown(['team', 'accessGroup', 'tags']);
    const team = match.stringList('team', rules.tagValue, { required: false });
    const accessGroup = match.stringList('accessGroup', rules.tagValue, { required: false });
    if (team?.length) instanceTags[ACCESS_TAG_KEYS.team] = team;
    if (accessGroup?.length) instanceTags[ACCESS_TAG_KEYS.accessGroup] = accessGroup;
    const tags = match.raw('tags') === undefined ? undefined : match.section('tags');
    for (const key of tags?.keys() ?? []) {
      const keyProblem = rules.conditionTagKey(key);
      if (keyProblem) tags!.problem(key, `tag key ${keyProblem}`);
      const values = tags!.stringList(key, rules.tagValue, { required: true });
      if (!keyProblem && values) instanceTags[key] = values;
    }
  }
  const documents = g.stringList('documents', (d) =>
    SESSION_DOCUMENTS.includes(d) ? undefined : `is not a session document this project knows (known: ${SESSION_DOCUMENTS.join(', ')})`,
  { required: false });
  const mfa = (g.optionalString('mfa', (v) =>
    (MFA_ENFORCEMENTS as readonly string[]).includes(v) ? undefined : `must be one of ${MFA_ENFORCEMENTS.map((m) => `"${m}"`).join(', ')}`,
  ) ?? 'iam') as MfaEnforcement;
  const mfaMaxAgeSeconds = g.optionalNumber('mfaMaxAgeSeconds');
  if (mfaMaxAgeSeconds !== undefined && (mfa !== 'iam' || !Number.isInteger(mfaMaxAgeSeconds) || mfaMaxAgeSeconds < 1)) {
    g.problem('mfaMaxAgeSeconds', 'must be a whole number of seconds, with "mfa": "iam" (the only MFA whose age IAM knows)');
  }
  const runAsUser = g.optionalString('runAsUser', rules.linuxUserName);
  const admin = g.optionalBoolean('admin') ?? false;
  const roleNames = g.stringList('roleNames', rules.iamRoleName, { required: false });
  const groupNames = g.stringList('groupNames', rules.iamGroupName, { required: false });
  let createRole: AccessGroupConfig['createRole'];
  const roleSection = g.raw('createRole') === undefined ? undefined : g.section('createRole');
  if (roleSection) {
    roleSection.rejectUnknown(['name', 'trustedArns', 'trustedServices', 'requireMfaToAssume']);
    const roleName = roleSection.optionalString('name', rules.iamRoleName) ?? `ssm-session-kit-${envName}-${group}`;
    const trustedArns = roleSection.stringList('trustedArns', rules.principalArn, { required: false });
    const trustedServices = roleSection.stringList('trustedServices', rules.servicePrincipal, { required: false });
    if (trustedArns?.length === 0 && trustedServices?.length === 0) {
      roleSection.problem('', 'must trust at least one principal (trustedArns or trustedServices)');
    }
    const requireMfaToAssume = roleSection.optionalBoolean('requireMfaToAssume') ?? mfa === 'iam';
    if (trustedArns && trustedServices) createRole = { name: roleName, trustedArns, trustedServices, requireMfaToAssume };
  }
  if (mfa === 'iam') {
    roleNames?.forEach((role, i) => {
      if (isIdentityCenterRole(role)) g.problem(`roleNames[${i}]`, `${IDENTITY_CENTER_MFA}; set "mfa": "identity-provider"`);
    });
    createRole?.trustedArns.forEach((arn, i) => {
      const problem = isIdentityCenterRole(arn) ? IDENTITY_CENTER_MFA : /:role\//.test(arn) ? ROLE_CHAINING_MFA : undefined;
      if (problem) g.problem(`createRole.trustedArns[${i}]`, `${problem}; trust the users' account or users, or set "mfa"`);
    });
  }
  if (roleNames?.length === 0 && groupNames?.length === 0 && !roleSection) {
    g.problem('', 'gives its policy to nobody: name roleNames, groupNames or createRole');
  }
  if (nameProblem || !match || !documents || !roleNames || !groupNames || (roleSection && !createRole)) return undefined;
  return {
    name: group,
    instanceTags,
    documents: documents.length > 0 ? documents : [SESSION_DOCUMENTS[0]],
    mfa,
    mfaMaxAgeSeconds,
    runAsUser,
    admin,
    roleNames,
    groupNames,
    createRole,
  };
}

/**
 * An IAM Identity Center permission set's role (`AWSReservedSSO_<set>_<id>`, under
 * `/aws-reserved/sso.amazonaws.com/`), by name or ARN.
 */
function isIdentityCenterRole(nameOrArn: string): boolean {
  return /(^|:role\/(aws-reserved\/sso\.amazonaws\.com\/([\w-]+\/)?)?)AWSReservedSSO_/.test(nameOrArn);
}

// Why "mfa": "iam" cannot hold for these callers ("Configuring MFA-protected API access"; STS
// "AssumeRole": SerialNumber is the MFA device of the user making the call).
const IDENTITY_CENTER_MFA =
  'is an IAM Identity Center role: its sessions come from AssumeRoleWithSAML, where AWS cannot tell whether the identity provider required MFA, so "mfa": "iam" would refuse every session';
const ROLE_CHAINING_MFA =
  'is a role: sessions it assumes (role chaining) cannot present an MFA code, which only an IAM user\'s device gives, so "mfa": "iam" would refuse every session';

function readNetwork(s: Section): NetworkConfig | undefined {
  s.rejectUnknown(['vpcId', 'subnetIds', 'vpcEndpoints', 'vpcCidrs', 'routeTableIds']);
  const vpcId = s.string('vpcId', rules.vpcId);
  const subnetIds = s.stringList('subnetIds', rules.subnetId, { required: true });
  const vpcEndpoints = s.optionalBoolean('vpcEndpoints') ?? false;
  const vpcCidrs = s.stringList('vpcCidrs', rules.ipv4Cidr, { required: vpcEndpoints });
  const routeTableIds = s.stringList('routeTableIds', rules.routeTableId, { required: false });
  if (vpcId === undefined || !subnetIds || !vpcCidrs || !routeTableIds) return undefined;
  return { vpcId, subnetIds, vpcEndpoints, vpcCidrs, routeTableIds };
}

/** Types and names here; the ranges AWS accepts are the module's own check, reported per field. */
function readSessionLogging(s: Section): SessionLoggingConfig | undefined {
  s.rejectUnknown([
    'bucketName', 'keyPrefix', 'logRetentionDays', 'archiveAfterDays', 'expireAfterDays', 'objectLock', 'accessLogBucket',
    'keyDeletionWindowInDays', 'idleSessionTimeoutMinutes', 'maxSessionDurationMinutes', 'runAsDefaultUser', 'shellProfile',
    'cloudWatchStreaming', 'importExistingDocument',
  ]);
  const bucketName = s.string('bucketName', rules.bucketName);
  const lockSection = s.raw('objectLock') === undefined ? undefined : s.section('objectLock');
  const shellSection = s.raw('shellProfile') === undefined ? undefined : s.section('shellProfile');
  lockSection?.rejectUnknown(['mode', 'days']);
  shellSection?.rejectUnknown(['linux', 'windows']);
  const lockMode = lockSection?.string('mode', (v) => (['GOVERNANCE', 'COMPLIANCE'].includes(v) ? undefined : 'must be GOVERNANCE or COMPLIANCE'));
  const lockDays = lockSection?.number('days');
  const anything = () => undefined;
  const config: SessionLoggingConfig = {
    bucketName: bucketName ?? '',
    keyPrefix: s.optionalString('keyPrefix', anything),
    logRetentionDays: s.optionalNumber('logRetentionDays'),
    archiveAfterDays: s.optionalNumber('archiveAfterDays'),
    expireAfterDays: s.optionalNumber('expireAfterDays'),
    objectLock: lockMode !== undefined && lockDays !== undefined ? { mode: lockMode as 'GOVERNANCE' | 'COMPLIANCE', days: lockDays } : undefined,
    accessLogBucket: s.optionalString('accessLogBucket', rules.bucketName),
    keyDeletionWindowInDays: s.optionalNumber('keyDeletionWindowInDays'),
    idleSessionTimeoutMinutes: s.optionalNumber('idleSessionTimeoutMinutes'),
    maxSessionDurationMinutes: s.optionalNumber('maxSessionDurationMinutes'),
    runAsDefaultUser: s.optionalString('runAsDefaultUser', anything),
    shellProfile: shellSection && { linux: shellSection.optionalString('linux', anything), windows: shellSection.optionalString('windows', anything) },
    cloudWatchStreaming: s.optionalBoolean('cloudWatchStreaming'),
    importExistingDocument: s.optionalBoolean('importExistingDocument'),
  };
  for (const p of checkSessionLoggingProps(config)) s.problem(p.field, p.message);
  return bucketName === undefined ? undefined : config;
}

/** Instances without a subnet of their own are spread over the network's subnets in turn. */
function readInstances(env: Section, network: NetworkConfig | undefined): InstanceConfig[] | undefined {
  const list = env.objectList('instances');
  if (!list) return undefined;
  const instances: InstanceConfig[] = [];
  const seen = new Set<string>();
  list.forEach((s, i) => {
    s.rejectUnknown(['name', 'instanceType', 'ami', 'subnetId', 'team', 'accessGroup', 'detailedMonitoring', 'tags']);
    const name = s.string('name', rules.instanceName);
    if (name !== undefined && seen.has(name)) s.problem('name', `"${name}" names another instance of this environment`);
    if (name !== undefined) seen.add(name);
    const instanceType = s.string('instanceType', rules.instanceType);
    const ami = s.optionalString('ami', rules.amiId);
    const subnetId = s.optionalString('subnetId', rules.subnetId);
    if (subnetId !== undefined && network && !network.subnetIds.includes(subnetId)) {
      s.problem('subnetId', `"${subnetId}" is not one of network.subnetIds`);
    }
    const team = s.optionalString('team', rules.tagValue);
    const accessGroup = s.optionalString('accessGroup', rules.tagValue);
    const detailedMonitoring = s.optionalBoolean('detailedMonitoring') ?? false;
    const tags = s.tags('tags');
    if (name === undefined || instanceType === undefined || !network) return;
    const subnet = subnetId ?? network.subnetIds[i % network.subnetIds.length];
    instances.push({ name, instanceType, ami, subnetId: subnet, team, accessGroup, detailedMonitoring, tags });
  });
  return instances;
}

function readState(envName: string, s: Section, envRegion: string | undefined): RemoteStateConfig | undefined {
  s.rejectUnknown(['bucket', 'key', 'region', 'dynamodbTable', 'kmsKeyId', 'roleArn']);
  const bucket = s.string('bucket', rules.bucketName);
  const key = s.optionalString('key', rules.stateKey) ?? `ssm-session-kit/${envName}/terraform.tfstate`;
  const region = s.optionalString('region', rules.region) ?? envRegion;
  const dynamodbTable = s.optionalString('dynamodbTable', rules.dynamodbTableName);
  const kmsKeyId = s.optionalString('kmsKeyId', rules.kmsKeyArn);
  const roleArn = s.optionalString('roleArn', rules.iamRoleArn);
  if (bucket === undefined || region === undefined) return undefined;
  return { bucket, key, region, dynamodbTable, kmsKeyId, roleArn };
}

/** Two environments writing one state object would overwrite each other's state. */
function checkSharedState(
  problems: ConfigProblem[],
  environments: readonly EnvironmentConfig[],
  bootstrap: BootstrapConfig | undefined,
): void {
  const owners = new Map<string, string>();
  for (const env of environments) {
    const scope = `environment "${env.name}"`;
    const object = `s3://${env.state.bucket}/${env.state.key}`;
    const owner = owners.get(object);
    if (owner) {
      problems.push({ scope, field: 'state.key', message: `${object} is already the state of environment "${owner}"` });
    }
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

/** State kept in the bootstrap bucket is encrypted with the bootstrap key unless told otherwise. */
function withBootstrapStateKey<T extends { readonly state: RemoteStateConfig }>(env: T, bootstrap: BootstrapConfig): T {
  if (env.state.kmsKeyId || env.state.bucket !== bootstrap.stateBucket) return env;
  const { accountId, region, stateKeyAlias } = bootstrap;
  const kmsKeyId = `arn:${rules.partitionOf(region)}:kms:${region}:${accountId}:alias/${stateKeyAlias}`;
  return { ...env, state: { ...env.state, kmsKeyId } };
}

/** One JSON object of the config, and the problems found in it. */
class Section {
  static of(problems: ConfigProblem[], scope: string, path: string, value: unknown): Section | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return new Section(problems, scope, path, value as Record<string, unknown>);
    }
    problems.push({ scope, field: path || '(root)', message: `must be a JSON object (got ${describe(value)})` });
    return undefined;
  }

  private constructor(
    private readonly problems: ConfigProblem[],
    private readonly scope: string,
    private readonly path: string,
    private readonly obj: Record<string, unknown>,
  ) {}

  keys(): string[] {
    return Object.keys(this.obj);
  }

  raw(field: string): unknown {
    return this.obj[field];
  }

  problem(field: string, message: string): void {
    this.problems.push({ scope: this.scope, field: this.fieldPath(field) || '(root)', message });
  }

  rejectUnknown(allowed: readonly string[]): void {
    for (const key of this.keys()) {
      if (!allowed.includes(key)) this.problem(key, `is not a known field (known: ${allowed.join(', ')})`);
    }
  }

  /** A nested object; given a scope, its fields are reported under that scope instead. */
  section(field: string, scope?: string): Section | undefined {
    if (this.obj[field] === undefined) {
      this.problem(field, 'is required');
      return undefined;
    }
    return scope
      ? Section.of(this.problems, scope, '', this.obj[field])
      : Section.of(this.problems, this.scope, this.fieldPath(field), this.obj[field]);
  }

  string(field: string, rule: Rule): string | undefined {
    if (this.obj[field] === undefined) {
      this.problem(field, 'is required');
      return undefined;
    }
    return this.optionalString(field, rule);
  }

  optionalString(field: string, rule: Rule): string | undefined {
    const value = this.obj[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problem(field, `must be a string (got ${describe(value)})`);
      return undefined;
    }
    const reason = rule(value);
    if (reason) {
      this.problem(field, `${reason} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  }

  number(field: string): number | undefined {
    if (this.obj[field] === undefined) {
      this.problem(field, 'is required');
      return undefined;
    }
    return this.optionalNumber(field);
  }

  optionalNumber(field: string): number | undefined {
    const value = this.obj[field];
    if (value === undefined || typeof value === 'number') return value;
    this.problem(field, `must be a number (got ${describe(value)})`);
    return undefined;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.obj[field];
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(field, `must be true or false (got ${describe(value)})`);
    return undefined;
  }

  /** A list of strings each passing `rule`; absent is an empty list unless required. */
  stringList(field: string, rule: Rule, { required }: { required: boolean }): string[] | undefined {
    const value = this.obj[field];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && value.length === 0)) {
      this.problem(field, `must be a ${required ? 'non-empty ' : ''}list of strings (got ${describe(value)})`);
      return undefined;
    }
    const problemsBefore = this.problems.length;
    value.forEach((item, i) => {
      const reason = typeof item === 'string' ? rule(item) : `must be a string (got ${describe(item)})`;
      if (reason) this.problem(`${field}[${i}]`, `${reason}${typeof item === 'string' ? ` (got ${JSON.stringify(item)})` : ''}`);
    });
    return this.problems.length === problemsBefore ? (value as string[]) : undefined;
  }

  /** A required list of objects, possibly empty. */
  objectList(field: string): Section[] | undefined {
    const value = this.obj[field];
    if (!Array.isArray(value)) {
      this.problem(field, value === undefined ? 'is required (an empty list is fine)' : `must be a list (got ${describe(value)})`);
      return undefined;
    }
    const sections = value.map((item, i) => Section.of(this.problems, this.scope, this.fieldPath(`${field}[${i}]`), item));
    return sections.every((x): x is Section => x !== undefined) ? sections : undefined;
  }

  /** A map of tag keys to values; absent means no tags. */
  tags(field: string): Tags {
    if (this.obj[field] === undefined) return {};
    const tags = Section.of(this.problems, this.scope, this.fieldPath(field), this.obj[field]);
    if (!tags) return {};
    const result: Record<string, string> = {};
    for (const key of tags.keys()) {
      const keyProblem = rules.tagKey(key);
      if (keyProblem) tags.problem(key, `tag key ${keyProblem}`);
      const value = tags.optionalString(key, rules.tagValue);
      if (value !== undefined && !keyProblem) result[key] = value;
    }
    return result;
  }

  private fieldPath(field: string): string {
    return [this.path, field].filter(Boolean).join('.');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}
