import { isFleet, reachableInstances } from '../../config/access';
import type { AccessGroupConfig, EnvironmentConfig, FleetConfig, InstanceConfig, LogArchiveConfig, ProjectConfig } from '../../config/types';

type Machine = InstanceConfig | FleetConfig;
import { DEFAULT_SESSION_KEY_PREFIX } from '../../modules/session-logging/names';
import { ANY_PORT_DOCUMENTS, type MfaEnforcement, SHELL_DOCUMENT } from '../../modules/access-policies/choices';
import type { PortForwardingDestination } from '../../modules/access-policies/destinations';
import { environmentNames, environmentPrefix, forwardDocumentName, sessionLogGroupName } from '../../stacks/naming';
import { fit, table, wrap } from './table';

/** Who may reach which instances, with which documents, per environment: a table for humans. */
export function accessReport(config: ProjectConfig, width = Infinity): string {
  const archive = config.logArchive ? [logArchiveReport(config.logArchive, config.environments)] : [];
  return fit([...config.environments.map((env) => environmentReport(env, config.logArchive, width)), ...archive].join('\n\n'), width) + '\n';
}

/** A command on lines of at most `width` where its words allow, continued with shell line continuations. */
export function wrapCommand(command: string, width: number, indent: string): string {
  return wrap(command, width - indent.length - 4).map((l, i) => `${indent}${i > 0 ? '  ' : ''}${l}`).join(' \\\n');
}

/** Where the environment's transcripts are, and who reads them. */
function transcriptsLine(env: EnvironmentConfig, archive: LogArchiveConfig | undefined): string {
  const logGroup = `log group ${sessionLogGroupName(env.name)} in this account`;
  if (env.archive && archive) {
    return `  transcripts: s3://${env.archive.bucketName}/${env.archive.prefix}/ in the log archive (account ${env.archive.accountId}), read only by ${archive.readerArns.join(', ')}; ${logGroup}`;
  }
  return `  transcripts: s3://${env.sessionLogging.bucketName}/${env.sessionLogging.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX}/ and ${logGroup}`;
}

/** The log archive: who writes where, who reads, and what its own administrators cannot do. */
function logArchiveReport(archive: LogArchiveConfig, environments: readonly EnvironmentConfig[]): string {
  const writers = environments.filter((e) => e.archive).map((e) => `${e.name} under ${e.archive!.prefix}/ (account ${e.accountId})`);
  const lock = archive.objectLock ? `object lock ${archive.objectLock.mode}, ${archive.objectLock.days} days` : 'no object lock';
  return [
    `log archive (account ${archive.accountId}, ${archive.region}): s3://${archive.bucketName}`,
    `  written by: ${writers.join(', ') || 'no environment'}, each by its recording roles, under its own prefix only`,
    `  read and decrypted by: ${archive.readerArns.join(', ')}${archive.organizationId ? `, in organization ${archive.organizationId}` : ''}`,
    `  the archive account's administrators cannot read or decrypt transcripts, delete them or shorten their retention (${lock}),`,
    `  or change the bucket or key policy: only ${archive.pipelineRoleArn} can; every attempt alerts`,
  ].join('\n');
}

function environmentReport(env: EnvironmentConfig, archive: LogArchiveConfig | undefined, width: number): string {
  const header = `${env.name} (account ${env.accountId}, ${env.region})\n${transcriptsLine(env, archive)}`;
  if (env.accessGroups.length === 0) return `${header}\n  no access groups: nobody may start a session`;
  const rows = env.accessGroups.map((group) => [
    group.name,
    reachableInstances(env, group).map((i) => (isFleet(i) ? `fleet ${i.name}` : i.name)).join(', '),
    [
      ...group.documents.map((d) => (ANY_PORT_DOCUMENTS.includes(d) ? `${d} (not recorded, any port)` : UNRECORDED_DOCUMENTS.includes(d) ? `${d} (not recorded)` : d)),
      ...group.portForwarding.map((d) => `forward to ${d.host ?? 'the instance'}:${d.port} only (not recorded)`),
    ].join(', '),
    MFA_COLUMN[group.mfa],
    group.justInTime ? 'on request' : 'standing',
    group.admin ? 'any session' : 'own sessions',
    recipients(group, env),
  ]);
  const connect = env.accessGroups.map((group) => [
    `  ${group.name}:`,
    ...(group.permissionSet ? identityCenterSignIn(env, group.permissionSet.name) : []),
    ...connectCommands(env, group).map((c) => `    ${c.what}:\n${wrapCommand(c.command, width, '      ')}`),
  ].join('\n'));
  const grants = env.accessGroups.flatMap((group) => (group.createRole?.temporaryGrants ?? []).map((g) => `  ${group.name}: ${g.principalArn} until ${g.until} (${g.reason}), in ${group.createRole!.name}; every session alerts`));
  const temporary = grants.length > 0 ? `\n\n  temporary access (ends by itself; npm run -s grant adds, --prune removes)\n${grants.join('\n')}` : '';
  const onRequest = env.accessGroups.flatMap(justInTimeLines);
  const justInTime = onRequest.length > 0 ? `\n\n  just-in-time access (no session without an approved request)\n${onRequest.join('\n')}` : '';
  return `${header}\n${table(['group', 'instances', 'documents', 'MFA', 'access', 'may end', 'given to'], rows, width)}${temporary}${justInTime}\n\n  how to connect\n${connect.join('\n')}`;
}

/** Who a just-in-time group's requests are approved for at once, and who approves the rest, for how long. */
function justInTimeLines(group: AccessGroupConfig): string[] {
  const jit = group.justInTime;
  if (!jit) return [];
  const who = (w: NonNullable<typeof jit>['autoApprove'][number]) => [
    ...w.identityCenterGroupIds.map((g) => `Identity Center group ${g}`),
    ...Object.entries(w.userAttributes).map(([k, v]) => `${k} ${v}`),
    ...Object.entries(w.principalTags).map(([k, v]) => `principal tag ${k}=${v}`),
  ].join(' and ') || 'anyone';
  const levels = (jit.manualApproval?.levels ?? []).map((level, i) => `level ${i + 1}: ${level.map((a) => (a.iamRoleName ? `role ${a.iamRoleName}` : `Identity Center group ${a.identityCenterGroupId}`)).join(' or ')}`);
  return [
    ...jit.autoApprove.map((w) => `  ${group.name}: approved at once for 1 hour: ${who(w)}`),
    ...(jit.manualApproval ? [`  ${group.name}: otherwise up to ${jit.manualApproval.hours} h once approved by ${levels.join(', then ')}`] : []),
  ];
}

export interface ConnectCommand {
  /** What the command opens, e.g. `shell on prod-tools`. */
  readonly what: string;
  readonly instance: string;
  readonly document: string;
  readonly parameters?: Readonly<Record<string, readonly string[]>>;
  /** The AWS CLI command, ready to paste (it looks the instance id up by its tags). */
  readonly command: string;
}

/** Example forwards for the port-forwarding documents a group may opt into. */
const FORWARDS: Readonly<Record<string, { what: string; parameters: Record<string, string[]> }>> = {
  'AWS-StartPortForwardingSession': { what: 'port 8080 on the instance at localhost:8080', parameters: { portNumber: ['8080'], localPortNumber: ['8080'] } },
  'AWS-StartPortForwardingSessionToRemoteHost': {
    what: 'a database behind the instance at localhost:15432',
    parameters: { host: ['db.internal.example'], portNumber: ['5432'], localPortNumber: ['15432'] },
  },
};

/**
 * The commands a member of the group runs: a shell on every instance it reaches, and for each
 * port-forwarding document it opted into, an example through the first of them. Every command names
 * its document, as the document access check requires.
 */
export function connectCommands(env: EnvironmentConfig, group: AccessGroupConfig): ConnectCommand[] {
  const instances = reachableInstances(env, group);
  const command = (machine: Machine, document: string, parameters?: Record<string, string[]>) => [
    'aws ssm start-session',
    `--target ${targetOf(env, machine)}`,
    `--document-name ${document}`,
    ...(parameters ? [`--parameters '${JSON.stringify(parameters)}'`] : []),
    `--region ${env.region}`,
  ].join(' ');
  if (group.justInTime) return instances.flatMap((i) => requestCommands(env, i));
  const shells = group.documents.includes(SHELL_DOCUMENT)
    ? instances.map((i) => ({ what: `shell on ${i.name}`, instance: i.name, document: SHELL_DOCUMENT, command: command(i, SHELL_DOCUMENT) }))
    : [];
  const forwards = instances.length === 0 ? [] : group.documents.filter((d) => FORWARDS[d]).map((document) => ({
    what: `${FORWARDS[document].what}, through ${instances[0].name}`,
    instance: instances[0].name,
    document,
    parameters: FORWARDS[document].parameters,
    command: command(instances[0], document, FORWARDS[document].parameters),
  }));
  const declared = instances.length === 0 ? [] : group.portForwarding.map((destination) => {
    const document = forwardDocumentName(environmentPrefix(env.name), destination);
    const parameters = { localPortNumber: [String(localPort(destination))] };
    return {
      what: `${destination.host ?? 'the instance'}:${destination.port} at localhost:${localPort(destination)}, through ${instances[0].name}`,
      instance: instances[0].name,
      document,
      parameters,
      command: command(instances[0], document, parameters),
    };
  });
  return [...shells, ...forwards, ...declared];
}

/**
 * A running instance's id, looked up by its tags: a single instance by its `Name` and `Environment`, a
 * fleet's by the group that launched it (`aws:autoscaling:groupName`, which AWS writes on each: "Tag
 * Auto Scaling groups and instances"), the first of them.
 */
function targetOf(env: EnvironmentConfig, machine: Machine): string {
  const tags = isFleet(machine)
    ? `Name=tag:aws:autoscaling:groupName,Values=${environmentNames(env.name).fleets.of(machine.name)}`
    : `Name=tag:Name,Values=${machine.name} Name=tag:Environment,Values=${env.name}`;
  return `"$(aws ec2 describe-instances --region ${env.region} --filters ${tags} Name=instance-state-name,Values=running --query 'Reservations[0].Instances[0].InstanceId' --output text)"`;
}

/**
 * ("Start a just-in-time node access session", AWS CLI) Ask for access, take the approved request's
 * token into the environment, then start the session with it: the group's own credentials start none.
 */
function requestCommands(env: EnvironmentConfig, machine: Machine): ConnectCommand[] {
  const target = targetOf(env, machine);
  const instance = machine.name;
  return [
    {
      what: `ask for access to ${instance} (keeps the request's id in REQUEST_ID)`, instance, document: SHELL_DOCUMENT,
      command: `REQUEST_ID="$(aws ssm start-access-request --targets Key=InstanceIds,Values=${target} --reason "<why>" --query AccessRequestId --output text --region ${env.region})"`,
    },
    {
      what: `once approved, a shell on ${instance} with the request's token`, instance, document: SHELL_DOCUMENT,
      command: `read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< "$(aws ssm get-access-token --access-request-id "$REQUEST_ID" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text --region ${env.region})" && export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN && aws ssm start-session --target ${target} --region ${env.region}`,
    },
  ];
}

/** A local port for the example: 10000 above the destination's, where there is room. */
function localPort(d: PortForwardingDestination): number {
  return d.port + 10000 <= 65535 ? d.port + 10000 : d.port;
}

/** ("Logging session activity") Session Manager does not log what passes through these: a tunnel, or SSH's own encryption. */
export const UNRECORDED_DOCUMENTS = ['AWS-StartPortForwardingSession', 'AWS-StartPortForwardingSessionToRemoteHost', 'AWS-StartSSHSession'];

const MFA_COLUMN: Record<MfaEnforcement, string> = { iam: 'IAM', 'identity-provider': 'identity provider', none: 'no' };

/**
 * Through the access portal: a named profile of the permission set in the environment's account
 * ("Configuring IAM Identity Center authentication with the AWS CLI": sso_account_id, sso_role_name),
 * signed in once, then the commands below with --profile.
 */
function identityCenterSignIn(env: EnvironmentConfig, permissionSet: string): string[] {
  const profile = `${env.name}-${permissionSet}`;
  return [
    `    sign in (Identity Center): aws configure sso --profile ${profile}  (account ${env.accountId}, role ${permissionSet}, region ${env.region})`,
    `      aws sso login --profile ${profile}; then add --profile ${profile} to the commands below`,
  ];
}

function recipients(group: AccessGroupConfig, env: EnvironmentConfig): string {
  const set = group.permissionSet;
  const sharedUser = env.sessionLogging.runAsDefaultUser ?? 'ssm-user';
  return [
    ...group.roleNames.map((r) => `role ${r}`),
    ...group.groupNames.map((g) => `group ${g}`),
    ...(group.createRole ? [`new role ${group.createRole.name}${group.runAsUser ? ` (runs as ${group.runAsUser})` : ''}`] : []),
    ...(set ? [`permission set ${set.name} to Identity Center ${set.groups.join(', ')} (runs as ${set.runAs === 'engineer' ? 'each engineer' : `shared ${sharedUser}`})`] : []),
  ].join(', ');
}
