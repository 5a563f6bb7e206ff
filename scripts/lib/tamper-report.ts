import type { EnvironmentConfig, ProjectConfig } from '../../config/types';
import { MANAGED_BY_TAG } from '../../config/access';
import { guardrailStatements } from '../../modules/guardrails/identity';
import { scpDocuments } from '../../modules/guardrails/scp';
import { AUDIT_TRAIL_TAG, sessionLoggingGuardStatements } from '../../modules/shared/resource-guards';
import { DEFAULT_HOST_MANAGEMENT_SETTING } from '../../modules/shared/protected-actions';
import { alertTopicStatements } from '../../modules/session-alerts';
import { SESSION_PREFERENCES_DOCUMENT } from '../../modules/session-logging/names';
import { environmentAuditTrail, organizationAuditTrail } from '../../stacks/audit-trail';
import { accessPolicyName, environmentNames } from '../../stacks/naming';
import { accountAdministersKey } from '../../modules/shared/encryption-key';
import { ALLOW_EVERYTHING, asTerraformWrites, decide, Decision, PolicyJson } from './iam-decide';
import { fit, table } from './table';

/**
 * What stops whom: for each way to switch the audit trail off, which of the guardrail's deliveries
 * refuse it to each kind of principal, decided by the IAM engine on the policies the modules write
 * (with the environment's values filled in), never written by hand.
 */

/** One of the guardrail's deliveries, as it applies to a request. */
type Delivery = 'deny policy' | 'boundary' | 'resource policy' | 'SCP';

interface Principal {
  readonly title: string;
  readonly arn: string;
  /** The deliveries that apply to this principal. */
  readonly deliveries: readonly Delivery[];
  readonly strict?: boolean;
}

interface Move {
  readonly what: string;
  readonly action: string;
  readonly resource: (t: Trail) => string;
  readonly context?: (t: Trail) => Record<string, string | string[]>;
  /** Whether the environment has what the move touches. @default always */
  readonly applies?: (t: Trail) => boolean;
}

interface Trail {
  readonly account: string;
  readonly document: string;
  readonly logGroup: string;
  readonly bucket: string;
  readonly key: string;
  readonly guardrail: string;
  readonly boundary: string;
  readonly boundedRole: string;
  /** One alert rule, and the pattern of them all. */
  readonly alertRule: string;
  readonly alertRules: string;
  /** Absent where the alerts go to a topic of the config's, or read a trail of the organisation's. */
  readonly alertTopic?: string;
  readonly cloudTrail?: string;
  readonly region: string;
  readonly instanceRole: string;
  readonly dhmSetting: string;
  /** An instance of the environment, and the tags a request on it carries (aws:ResourceTag/<key>). */
  readonly instance: string;
  /** A group of a fleet's name the pipeline has yet to create. */
  readonly fleetGroup: string;
  readonly instanceTags: Record<string, string>;
  /** The deploy role. */
  readonly pipeline: string;
  /** The VPC endpoints' and their security group's ARNs, with the tags they carry, where the environment creates them. */
  readonly network?: { readonly endpoint: string; readonly securityGroup: string; readonly routeTable?: string; readonly tags: Record<string, string> };
  /** Whether an archive holds the readable copy of the transcripts. */
  readonly archived: boolean;
  /** Whether a group asks for access just in time: its approval policies are then audit trail. */
  readonly justInTime: boolean;
}

/** The moves an administrator makes, in the order they would. */
export const TAMPERING_MOVES: readonly Move[] = [
  { what: 'detach the guardrail deny policy', action: 'iam:DetachRolePolicy', resource: (t) => `arn:aws:iam::${t.account}:role/Administrators`, context: (t) => ({ 'iam:PolicyARN': t.guardrail }) },
  { what: 'rewrite the guardrail deny policy', action: 'iam:CreatePolicyVersion', resource: (t) => t.guardrail },
  { what: "lift a bounded role's boundary", action: 'iam:DeleteRolePermissionsBoundary', resource: (t) => t.boundedRole, context: (t) => ({ 'iam:PermissionsBoundary': t.boundary }) },
  { what: 'mint a role without the boundary', action: 'iam:CreateRole', resource: (t) => `arn:aws:iam::${t.account}:role/escape-hatch` },
  { what: 'rewrite the preferences document', action: 'ssm:UpdateDocument', resource: (t) => t.document },
  { what: 'shorten the log group retention', action: 'logs:PutRetentionPolicy', resource: (t) => t.logGroup },
  { what: 'delete session log objects', action: 's3:DeleteObject', resource: (t) => `${t.bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log` },
  { what: 'expire the logs by lifecycle rule', action: 's3:PutLifecycleConfiguration', resource: (t) => t.bucket },
  { what: 'rewrite the key policy', action: 'kms:PutKeyPolicy', resource: (t) => t.key },
  { what: 'schedule the key for deletion', action: 'kms:ScheduleKeyDeletion', resource: (t) => t.key },
  { what: 'disable an alert rule', action: 'events:DisableRule', resource: (t) => t.alertRule },
  { what: 'delete the alert topic', action: 'sns:DeleteTopic', resource: (t) => t.alertTopic!, applies: (t) => t.alertTopic !== undefined },
  { what: 'stop the trail the alerts read', action: 'cloudtrail:StopLogging', resource: (t) => t.cloudTrail!, applies: (t) => t.cloudTrail !== undefined },
  // The recording path, and the ways onto an instance but a session.
  { what: 'deny the recording in the instance role', action: 'iam:PutRolePolicy', resource: (t) => t.instanceRole },
  { what: "swap an instance's profile", action: 'ec2:ReplaceIamInstanceProfileAssociation', resource: (t) => t.instance, context: (t) => t.instanceTags },
  { what: 'point Default Host Management at another role', action: 'ssm:UpdateServiceSetting', resource: (t) => t.dhmSetting },
  { what: 'put an account-wide log policy', action: 'logs:PutAccountPolicy', resource: () => '*', context: (t) => ({ 'aws:RequestedRegion': t.region }) },
  { what: 'run a command with Run Command', action: 'ssm:SendCommand', resource: (t) => t.instance, context: (t) => t.instanceTags },
  { what: "change an instance's user data", action: 'ec2:ModifyInstanceAttribute', resource: (t) => t.instance, context: (t) => ({ ...t.instanceTags, 'ec2:Attribute': 'userData' }) },
  // Run by a service's own role on instances chosen by tag: no instance in the request.
  { what: 'run commands from a maintenance window task', action: 'ssm:RegisterTaskWithMaintenanceWindow', resource: (t) => `arn:aws:ssm:${t.region}:${t.account}:maintenancewindow/mw-0123456789abcdef0` },
  // AWS's documents carry no account; the engine wants one in the ARN.
  { what: 'associate a command document with the instances by tag', action: 'ssm:CreateAssociation', resource: (t) => `arn:aws:ssm:${t.region}:${t.account}:document/AWS-RunShellScript` },
  // A machine of one's own, tagged into the environment by a service.
  { what: 'register a machine of their own as a tagged node', action: 'ssm:CreateActivation', resource: () => '*' },
  { what: 'build an image on an instance tagged into an access group', action: 'imagebuilder:CreateInfrastructureConfiguration', resource: (t) => `arn:aws:imagebuilder:${t.region}:${t.account}:infrastructure-configuration/mine` },
  { what: 'push an SSH key with EC2 Instance Connect', action: 'ec2-instance-connect:SendSSHPublicKey', resource: (t) => t.instance, context: (t) => t.instanceTags },
  { what: 'retag an instance out of the environment', action: 'ec2:DeleteTags', resource: (t) => t.instance, context: (t) => ({ ...t.instanceTags, 'aws:TagKeys': 'Environment' }) },
  { what: 'open a session in a region that records nothing', action: 'ssm:StartSession', resource: (t) => t.instance.replace(`:${t.region}:`, `:${otherRegion(t.region)}:`) },
  { what: 'start a session with an unapproved document', action: 'ssm:StartSession', resource: (t) => `arn:aws:ssm:${t.region}:${t.account}:document/team-shell` },
  { what: 'create a Session document that records nothing', action: 'ssm:CreateDocument', resource: (t) => `arn:aws:ssm:${t.region}:${t.account}:document/no-logging`, context: () => ({ 'ssm:DocumentType': 'Session' }) },
  // A fleet: what it launches, and one tagged in.
  { what: "add a version to a fleet's launch template", action: 'ec2:CreateLaunchTemplateVersion', resource: (t) => `arn:aws:ec2:${t.region}:${t.account}:launch-template/lt-0123456789abcdef0`, context: (t) => t.instanceTags },
  {
    what: 'create an Auto Scaling group tagged into an access group', action: 'autoscaling:CreateAutoScalingGroup',
    resource: (t) => `arn:aws:autoscaling:${t.region}:${t.account}:autoScalingGroup:*:autoScalingGroupName/mine`,
    context: () => ({ 'aws:TagKeys': ['Environment', 'AccessGroup'] }),
  },
  // Untagged, of a name the access policies reach: its template could tag its instances into any group.
  {
    what: "create an Auto Scaling group of a fleet's name", action: 'autoscaling:CreateAutoScalingGroup',
    resource: (t) => `arn:aws:autoscaling:${t.region}:${t.account}:autoScalingGroup:*:autoScalingGroupName/${t.fleetGroup}`,
  },
  { what: "tag an instance into another group's reach", action: 'ec2:CreateTags', resource: (t) => t.instance, context: (t) => ({ ...t.instanceTags, 'aws:TagKeys': ['Team'] }) },
  // ("Setting up just-in-time node access") ssm:DocumentType names the approval policies' type.
  {
    what: 'write an approval policy that approves oneself', action: 'ssm:CreateDocument', resource: (t) => `arn:aws:ssm:${t.region}:${t.account}:document/my-approvals`,
    context: () => ({ 'ssm:DocumentType': 'ManualApprovalPolicy' }), applies: (t) => t.justInTime,
  },
  { what: 'tag a role to run as another OS user', action: 'iam:TagRole', resource: (t) => `arn:aws:iam::${t.account}:role/Administrators`, context: () => ({ 'aws:TagKeys': ['SSMSessionRunAs'] }) },
  // Copies of an instance, read without a session; the transcripts' second copy.
  { what: 'image an instance', action: 'ec2:CreateImage', resource: (t) => t.instance, context: (t) => t.instanceTags },
  { what: "read an instance's console output", action: 'ec2:GetConsoleOutput', resource: (t) => t.instance, context: (t) => t.instanceTags },
  { what: 'read the transcripts an archive holds', action: 'logs:StartQuery', resource: (t) => t.logGroup, applies: (t) => t.archived },
  // The way out the agent records through, and the way in of the alerts.
  { what: "rewrite an endpoint's policy to refuse uploads", action: 'ec2:ModifyVpcEndpoint', resource: (t) => t.network!.endpoint, context: (t) => t.network!.tags, applies: (t) => t.network !== undefined },
  { what: "open the endpoints' security group", action: 'ec2:AuthorizeSecurityGroupIngress', resource: (t) => t.network!.securityGroup, context: (t) => t.network!.tags, applies: (t) => t.network !== undefined },
  { what: 'route around the S3 gateway endpoint', action: 'ec2:ReplaceRoute', resource: (t) => t.network!.routeTable!, applies: (t) => t.network?.routeTable !== undefined },
  // No resource: a bus's policy changes for the account's default bus, or the one the request names.
  { what: "drop the alerts' events by the bus policy", action: 'events:PutPermission', resource: () => '*', context: (t) => ({ 'aws:RequestedRegion': t.region }) },
  // The trust chain: becoming the pipeline, directly or through the role Organizations creates.
  { what: 're-trust the deploy role to oneself', action: 'iam:UpdateAssumeRolePolicy', resource: (t) => t.pipeline },
  { what: 'assume the deploy role', action: 'sts:AssumeRole', resource: (t) => t.pipeline },
  { what: 're-trust OrganizationAccountAccessRole to oneself', action: 'iam:UpdateAssumeRolePolicy', resource: (t) => `arn:aws:iam::${t.account}:role/OrganizationAccountAccessRole` },
];

/** The moves of the table that apply to an environment (what it has). */
export function tamperMoves(env: EnvironmentConfig): readonly Move[] {
  const trail = trailOf(env);
  return TAMPERING_MOVES.filter((m) => m.applies?.(trail) ?? true);
}

/** A region where the environment records nothing. */
function otherRegion(region: string): string {
  return region === 'us-west-2' ? 'us-east-2' : 'us-west-2';
}

export interface TamperMatrixOptions {
  /** Add a column for an administrator under the organization's SCP. */
  readonly withScp: boolean;
  /** One administrator column per value: the deny policy without and with strict mode. */
  readonly strict: readonly boolean[];
}

/**
 * The principals, for an environment: each granted every permission (AdministratorAccess), so that
 * only the guardrail decides.
 */
function principals(env: EnvironmentConfig, { withScp, strict }: TamperMatrixOptions): Principal[] {
  const admin = `arn:aws:iam::${env.accountId}:role/Administrators`;
  const scp: Delivery[] = withScp ? ['SCP'] : [];
  return [
    { title: 'engineer (bounded role)', arn: `arn:aws:iam::${env.accountId}:role/${accessPolicyName(env.name, 'operators')}`, deliveries: ['boundary', 'resource policy', ...scp] },
    ...strict.map((s): Principal => ({ title: `administrator${s ? ', strict' : ''}, no SCP`, arn: admin, deliveries: ['deny policy', 'resource policy'], strict: s })),
    ...(withScp ? [{ title: 'administrator under the SCP', arn: admin, deliveries: ['deny policy', 'resource policy', 'SCP'] as Delivery[], strict: strict[0] }] : []),
    // The deny policy is never attached to the pipeline's role (the config refuses it).
    { title: 'pipeline', arn: env.guardrails.pipelineRoleArn, deliveries: ['resource policy', ...scp] },
  ];
}

/** The matrix for one environment, as rows of cells: which deliveries stop each move, or `allowed`. */
export async function tamperMatrix(env: EnvironmentConfig, options: TamperMatrixOptions): Promise<string[][]> {
  const trail = trailOf(env);
  const policies = { strict: policiesOf(env, trail, true), lenient: policiesOf(env, trail, false) };
  const columns = principals(env, options);
  const rows: string[][] = [];
  for (const move of tamperMoves(env)) {
    const cells = [move.what];
    for (const principal of columns) {
      const stoppedBy: Delivery[] = [];
      for (const delivery of principal.deliveries) {
        if ((await decideWith(principal, move, trail, principal.strict ? policies.strict : policies.lenient, [delivery])) === 'ExplicitlyDenied') stoppedBy.push(delivery);
      }
      const overall = await decideWith(principal, move, trail, principal.strict ? policies.strict : policies.lenient, principal.deliveries);
      cells.push(overall === 'Allowed' ? 'allowed' : stoppedBy.join(', ') || 'denied');
    }
    rows.push(cells);
  }
  return [['move', ...columns.map((c) => c.title)], ...rows];
}

/** The matrix as a Markdown table (README) or a plain one (the report). */
export function renderMatrix([head, ...rows]: string[][], markdown: boolean, width = Infinity): string {
  if (markdown) return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  return table(head, rows, width);
}

/** `npm run access-report`'s tamper section: every environment, as its config sets it up. */
export async function tamperReport(config: ProjectConfig, width = Infinity): Promise<string> {
  const sections: string[] = [];
  for (const env of config.environments) {
    const matrix = await tamperMatrix(env, { withScp: config.organization !== undefined, strict: [env.guardrails.strict] });
    sections.push(`${env.name}: who can switch the audit trail off (what stops them)\n${renderMatrix(matrix, false, width)}`);
  }
  return fit(sections.join('\n\n'), width) + '\n';
}

function trailOf(env: EnvironmentConfig): Trail {
  const { accountId: account, region, name } = env;
  const { guardrail: names, alerts, recordingPath: recording, logGroup } = environmentNames(name);
  return {
    account,
    document: `arn:aws:ssm:${region}:${account}:document/${SESSION_PREFERENCES_DOCUMENT}`,
    logGroup: `arn:aws:logs:${region}:${account}:log-group:${logGroup}`,
    bucket: `arn:aws:s3:::${env.sessionLogging.bucketName}`,
    // AWS assigns the key's id; any id stands for it.
    key: `arn:aws:kms:${region}:${account}:key/${KEY_ID}`,
    guardrail: `arn:aws:iam::${account}:policy/${names.deny}`,
    boundary: `arn:aws:iam::${account}:policy/${names.boundary}`,
    boundedRole: `arn:aws:iam::${account}:role/${accessPolicyName(name, 'operators')}`,
    alertRule: `arn:aws:events:${region}:${account}:rule/${alerts.rulePrefix}key`,
    alertRules: `arn:aws:events:${region}:${account}:rule/${alerts.rulePrefix}*`,
    alertTopic: env.alerts.topicArn ? undefined : `arn:aws:sns:${region}:${account}:${alerts.topic}`,
    cloudTrail: env.alerts.trail.source === 'stack' ? `arn:aws:cloudtrail:${region}:${account}:trail/${alerts.trail}` : undefined,
    region,
    instanceRole: `arn:aws:iam::${account}:role/${recording.instanceRole}`,
    dhmSetting: `arn:aws:ssm:${region}:${account}:servicesetting${DEFAULT_HOST_MANAGEMENT_SETTING}`,
    instance: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
    fleetGroup: environmentNames(name).fleets.of('payments'),
    pipeline: env.guardrails.pipelineRoleArn,
    instanceTags: { 'aws:ResourceTag/Environment': name, [`aws:ResourceTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value, 'ssm:resourceTag/Environment': name },
    // AWS assigns the ids; any stand for them. The provider's default tags mark them as the instances.
    network: env.network.vpcEndpoints ? {
      endpoint: `arn:aws:ec2:${region}:${account}:vpc-endpoint/vpce-0123456789abcdef0`,
      securityGroup: `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`,
      routeTable: env.network.routeTableIds[0] && `arn:aws:ec2:${region}:${account}:route-table/${env.network.routeTableIds[0]}`,
      tags: { 'aws:ResourceTag/Environment': name, [`aws:ResourceTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value },
    } : undefined,
    archived: env.archive !== undefined,
    justInTime: env.accessGroups.some((g) => g.justInTime),
  };
}

interface Policies {
  /** The deny policies, by the names the guardrail gives them. */
  readonly deny: { readonly name: string; readonly policy: PolicyJson }[];
  readonly boundary: PolicyJson;
  readonly bucket: PolicyJson;
  readonly key: PolicyJson;
  readonly topic: PolicyJson;
  readonly scps: PolicyJson[];
}

/**
 * The policies each delivery puts in place for the environment, from the audit trail the stacks protect
 * (audit-trail.ts) with the account's values filled in: the environment's own guardrail, and the
 * organization's SCP as it reaches this environment.
 */
function policiesOf(env: EnvironmentConfig, trail: Trail, strict: boolean): Policies {
  const doc = (Statement: unknown[]): PolicyJson => ({ Version: '2012-10-17', Statement });
  const own = environmentAuditTrail(env, {
    partition: 'aws', region: trail.region, accountId: trail.account,
    sessionKey: { arn: trail.key, id: KEY_ID, alias: `alias/${environmentNames(env.name).sessionKeyAlias}` },
    preferencesDocumentArn: trail.document, logGroupArn: trail.logGroup, alertKeyId: ALERT_KEY_ID,
  });
  const guardrail = guardrailStatements({
    namePrefix: environmentNames(env.name).prefix, trail: own.guarded!, attachToGroups: env.guardrails.attachToGroups, strict,
  });
  const guards = sessionLoggingGuardStatements(trail.bucket, own.pipelineRoleArns);
  const organization = organizationAuditTrail([env]);
  return {
    deny: [{ name: 'guardrail', policy: doc(guardrail.deny) }, { name: 'recording-path', policy: doc(guardrail.recordingPath) }, { name: 'instances', policy: doc(guardrail.instances) }],
    boundary: doc(guardrail.boundary),
    bucket: doc(guards.bucket),
    key: doc([accountAdministersKey('aws', env.accountId), ...guards.key]),
    topic: doc(trail.alertTopic ? alertTopicStatements(trail.alertTopic, env.accountId, trail.alertRules, own.pipelineRoleArns) : []),
    scps: asTerraformWrites(scpDocuments({ trail: organization.guarded, exceptPrincipalArns: organization.pipelineRoleArns, exceptPrincipalAccounts: organization.exceptionAccounts })),
  };
}

/** AWS assigns a key's id; any ids stand for the session key's and the alerts' key's. */
const KEY_ID = '0a1b2c3d-0000-4000-8000-000000000000';
const ALERT_KEY_ID = '0a1b2c3d-0000-4000-8000-000000000001';

function decideWith(principal: Principal, move: Move, trail: Trail, policies: Policies, deliveries: readonly Delivery[]): Promise<Decision> {
  const resource = move.resource(trail);
  const resourcePolicy = !deliveries.includes('resource policy') ? undefined
    : resource.startsWith('arn:aws:s3') ? policies.bucket
    : resource.startsWith('arn:aws:kms') ? policies.key
    : resource === trail.alertTopic ? policies.topic
    : undefined;
  return decide({
    principal: principal.arn,
    action: move.action,
    resource,
    resourceAccount: trail.account,
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(deliveries.includes('deny policy') ? policies.deny : []),
    ],
    permissionBoundary: deliveries.includes('boundary') ? policies.boundary : undefined,
    resourcePolicy,
    scps: deliveries.includes('SCP') ? policies.scps : undefined,
    context: {
      'aws:PrincipalArn': principal.arn,
      ...(resource === trail.key ? { [`aws:ResourceTag/${AUDIT_TRAIL_TAG.key}`]: AUDIT_TRAIL_TAG.value } : {}),
      ...move.context?.(trail),
    },
  });
}
