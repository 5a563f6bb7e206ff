import * as f from './fields';
import { ANY_PORT_DOCUMENTS, MFA_ENFORCEMENTS, SESSION_DOCUMENTS, SESSION_NAMINGS } from '../modules/access-policies/choices';
import { destinationProblem } from '../modules/access-policies/destinations';
import { checkSessionLoggingProps, CLOUDWATCH_RETENTION_DAYS, SESSION_LOGGING_RANGES } from '../modules/session-logging/limits';
import * as rules from './aws-rules';
import { isAtLeastVersion, MIN_SSM_AGENT_VERSION } from '../modules/shared/ssm-agent';
import type { Rule } from './aws-rules';
import { DEFAULT_STATE_KEY_ALIAS, RESERVED_NAMES } from '../stacks/naming';

/**
 * The shape of `config/environments.json`, declared once: it validates the file (with the AWS rules
 * and the cross-field checks in `validate.ts`), gives the config's TypeScript types, and is written
 * out as JSON Schema for editors by `npm run schema`.
 */

/** A string AWS would accept, by `rule`; its pattern (where one expresses it) goes into the JSON Schema. */
function awsString(rule: Rule, description: string) {
  return f
    .string()
    .check((ctx) => {
      const reason = rule(ctx.value);
      if (reason) ctx.issues.push({ message: `${reason} (got ${JSON.stringify(ctx.value)})` });
    })
    .meta({ description, ...(rule.pattern ? { pattern: rule.pattern.source } : {}) });
}

function list<T>(item: f.Field<T>, description: string, { nonEmpty = false } = {}) {
  const array = f.list(item);
  return (nonEmpty ? array.nonEmpty('must be a non-empty list (got [])') : array).meta({ description });
}

/** An object that refuses fields it does not know, naming the ones it does. */
function strict<T extends f.Shape>(shape: T, description: string) {
  const known = Object.keys(shape).filter((k) => k !== '//' && k !== '$schema');
  return f.strictObject(shape, `is not a known field (known: ${known.join(', ')})`).meta({ description });
}

/** A map whose keys follow `rule` (checked in the map, reported at the key) and whose values are `value`. */
function keyedBy<V>(rule: Rule, what: string, value: f.Field<V>, description: string) {
  return f
    .dictionary(value)
    .check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        const reason = rule(key);
        if (reason) ctx.issues.push({ message: `${what} ${reason}`, path: [key] });
      }
    })
    .meta({ description, ...(rule.pattern ? { propertyNames: { pattern: rule.pattern.source } } : {}) });
}

/** The deploy workflow's waves, one job pair each. */
export const MAX_DEPLOY_WAVES = 5;

/** Reserved for the project's own stacks. */
export { RESERVED_NAMES };

const accountId = awsString(rules.accountId, 'AWS account id, 12 digits, written as a string');
const region = f.oneOf(rules.AWS_REGIONS as [string, ...string[]], `is not an AWS region (known regions: ${rules.AWS_REGIONS.join(', ')})`)
  .meta({ description: 'AWS region' });
const tags = keyedBy(rules.tagKey, 'tag key', awsString(rules.tagValue, 'tag value'), 'tags applied to every resource').default({});

const stateSchema = strict({
  bucket: awsString(rules.bucketName, 'state bucket'),
  key: awsString(rules.stateKey, 'state object key; default ssm-session-kit/<name>/terraform.tfstate, distinct per environment').optional(),
  region: region.optional().meta({ description: "bucket region; default the environment's region" }),
  dynamodbTable: awsString(rules.dynamodbTableName, 'legacy DynamoDB lock table, only while migrating to S3-native locking').optional(),
  kmsKeyId: awsString(rules.kmsKeyArn, 'KMS key or alias ARN for the state; default the bootstrap key when bucket is the bootstrap bucket').optional(),
  roleArn: awsString(rules.iamRoleArn, 'role to assume for state access; default, in the bootstrap bucket, the state role the bootstrap stack creates for the stack').optional(),
}, 'where the stack keeps its Terraform state (S3 backend, encrypted, S3-native locking)');

/** Adds a problem at `path` (relative to the value checked) to a check's issues. */
function problem(ctx: f.CheckContext<unknown>, path: f.Path, message: string): void {
  ctx.issues.push({ message, path });
}

const networkSchema = strict({
  vpcId: awsString(rules.vpcId, 'VPC the instances run in'),
  subnetIds: list(awsString(rules.subnetId, 'subnet id'), 'private subnets; instances without a subnetId take them in turn', { nonEmpty: true }),
  vpcEndpoints: f.boolean().default(false).meta({ description: 'create the Systems Manager VPC endpoints (else instances reach it through a NAT gateway)' }),
  vpcCidrs: list(awsString(rules.ipv4Cidr, 'CIDR block'), "the VPC's CIDR blocks, the only sources the endpoints admit; required with vpcEndpoints").default([]),
  routeTableIds: list(awsString(rules.routeTableId, 'route table id'), 'route tables for the S3 gateway endpoint').default([]),
}, 'where instances run').check((ctx) => {
  if (ctx.value.vpcEndpoints && ctx.value.vpcCidrs.length === 0) {
    problem(ctx, ['vpcCidrs'], 'must be a non-empty list with "vpcEndpoints": true: the endpoints admit the VPC\'s CIDR blocks only');
  }
});

const instanceSchema = strict({
  name: awsString(rules.instanceName, "unique within the environment; the instance's Name tag"),
  instanceType: awsString(rules.instanceType, 'EC2 instance type, e.g. t3.micro'),
  ami: awsString(rules.amiId, 'image id; default the latest Amazon Linux 2023 for the architecture').optional(),
  ssmAgentVersion: f.string().optional().meta({ description: `required with ami: the SSM Agent version the image carries, ${MIN_SSM_AGENT_VERSION} or later` }),
  subnetId: awsString(rules.subnetId, 'one of network.subnetIds; default the next in turn').optional(),
  team: awsString(rules.tagValue, 'Team tag, matched by access groups').optional(),
  accessGroup: awsString(rules.tagValue, 'AccessGroup tag, matched by access groups').optional(),
  detailedMonitoring: f.boolean().default(false).meta({ description: 'one-minute CloudWatch metrics' }),
  manageOsUsers: f.boolean().default(true).meta({
    description: "create the run-as users and take ssm-user's sudo away at first boot (cloud-config); false for an image prepared otherwise",
  }),
  tags: tags.meta({ description: 'more tags (they cannot override the access tags)' }),
}, 'an instance reached only through Session Manager').check((ctx) => {
  const { ami, ssmAgentVersion } = ctx.value;
  if (ami !== undefined && ssmAgentVersion === undefined) {
    problem(ctx, ['ssmAgentVersion'], `is required with "ami": say which SSM Agent the image carries (${MIN_SSM_AGENT_VERSION} or later, which needs no ec2messages endpoint)`);
  }
  if (ssmAgentVersion !== undefined && !isAtLeastVersion(ssmAgentVersion, MIN_SSM_AGENT_VERSION)) {
    problem(ctx, ['ssmAgentVersion'], `must be a version of ${MIN_SSM_AGENT_VERSION} or later (got ${JSON.stringify(ssmAgentVersion)}): older agents take Run Command over ec2messages`);
  }
});

const number = (description: string, annotations: Record<string, unknown> = {}) =>
  f.number().optional().meta({ description, ...annotations });
// The ranges are the module's own check (checkSessionLoggingProps); here they only annotate for editors.
const range = (field: keyof typeof SESSION_LOGGING_RANGES) => ({ minimum: SESSION_LOGGING_RANGES[field][0], maximum: SESSION_LOGGING_RANGES[field][1] });

/** How a bucket of records keeps them: the same fields for an environment's log bucket and the log archive. */
function retentionFields(objects: string, bucket: string) {
  return {
    archiveAfterDays: number(`move ${objects} to Glacier Instant Retrieval; default 90`, range('archiveAfterDays')),
    expireAfterDays: number(`expire ${objects}; default 365`, range('expireAfterDays')),
    objectLock: strict({
      mode: f.oneOf(['GOVERNANCE', 'COMPLIANCE'], 'must be GOVERNANCE or COMPLIANCE')
        .meta({ description: 'GOVERNANCE: users with s3:BypassGovernanceRetention may delete; COMPLIANCE: nobody may, root included' }),
      days: f.number().meta({ description: `days each of the ${objects} is locked`, ...range('objectLockDays') }),
    }, `write-once ${objects}; only when the bucket is created`).optional(),
    accessLogBucket: awsString(rules.bucketName, `bucket receiving S3 server access logs of the ${bucket}`).optional(),
    keyDeletionWindowInDays: number('KMS key deletion window; default 30', range('keyDeletionWindowInDays')),
  };
}

const sessionLoggingSchema = strict({
  bucketName: awsString(rules.bucketName, 'log bucket: versioned, SSE-KMS, all public access blocked, TLS only'),
  keyPrefix: f.string().optional().meta({ description: 'where logs go in the bucket; default sessions' }),
  logRetentionDays: number('CloudWatch log retention; default 365', { enum: CLOUDWATCH_RETENTION_DAYS }),
  ...retentionFields('log objects', 'log bucket'),
  idleSessionTimeoutMinutes: number('idle session timeout; default 20', range('idleSessionTimeoutMinutes')),
  maxSessionDurationMinutes: number('maximum session duration; default no limit', range('maxSessionDurationMinutes')),
  runAsDefaultUser: f.string().optional().meta({ description: "turns run-as on, with this Linux user unless the principal's SSMSessionRunAs tag names another" }),
  shellProfile: strict({
    linux: f.string().optional().meta({ description: 'commands run at the start of Linux sessions' }),
    windows: f.string().optional().meta({ description: 'commands run at the start of Windows sessions' }),
  }, 'commands run at session start').optional(),
  destination: f.oneOf(['archive', 'local'], 'must be "archive" or "local"').optional().meta({
    description: 'where the S3 transcripts go: "archive" (under <env>/ in logArchive\'s bucket) or "local" (bucketName); default "archive" when logArchive is configured, else "local"',
  }),
  cloudWatchStreaming: f.boolean().optional().meta({ description: 'stream output as it happens rather than upload it at the end; default true' }),
  importExistingDocument: f.boolean().optional().meta({ description: 'import the existing SSM-SessionManagerRunShell document instead of creating it' }),
}, 'every session recorded: the SessionLogging props, except the log group name and key alias').check((ctx) => {
  for (const p of checkSessionLoggingProps(ctx.value)) problem(ctx, p.field.split('.'), p.message);
});

const mfaChoices = MFA_ENFORCEMENTS.map((m) => `"${m}"`).join(', ');

const accessGroupSchema = strict({
  instances: strict({
    team: list(awsString(rules.tagValue, 'Team tag value'), 'Team tag values the instances carry').optional(),
    accessGroup: list(awsString(rules.tagValue, 'AccessGroup tag value'), 'AccessGroup tag values the instances carry').optional(),
    tags: keyedBy(rules.conditionTagKey, 'tag key', list(awsString(rules.tagValue, 'tag value'), 'accepted values', { nonEmpty: true }), 'other tags: key to accepted values').optional(),
  }, "the tag values the group's instances carry; the environment's own Environment tag is always required too"),
  documents: list(
    f.oneOf(SESSION_DOCUMENTS as [string, ...string[]], `is not a session document this project knows (known: ${SESSION_DOCUMENTS.join(', ')})`),
    'session documents; default ["SSM-SessionManagerRunShell"]',
  ).optional(),
  unrecordedSsh: f.string().nonEmpty().optional().meta({
    description: 'required with AWS-StartSSHSession: why this group may open SSH sessions, whose content Session Manager does not record',
  }),
  portForwarding: list(strict({
    port: f.number().meta({ description: 'the port forwarded to (1 to 65535, not 22)', minimum: 1, maximum: 65535 }),
    host: f.string().optional().meta({ description: 'a host name or IPv4 address the instance reaches; default the instance itself' }),
  }, 'one destination'), 'where the group may forward ports: a Session document each, its port and host fixed').default([]),
  unrecordedPortForwarding: f.string().nonEmpty().optional().meta({
    description: "required with AWS's port-forwarding documents: why this group may forward to any port and host, unrecorded",
  }),
  requireMfa: f.never(`is replaced by "mfa": one of ${mfaChoices}`).optional().meta({ description: 'replaced by mfa', deprecated: true }),
  runCommand: f.string().nonEmpty().optional().meta({
    description: 'a break-glass group: why it may also run commands on its instances (Run Command with AWS-RunShellScript), which every other principal but the pipeline is refused; needs createRole, and every call alerts',
  }),
  mfa: f.oneOf(MFA_ENFORCEMENTS, `must be one of ${mfaChoices}`)
    .optional()
    .meta({ description: 'who enforces MFA: "iam" (aws:MultiFactorAuthPresent), "identity-provider" (IAM Identity Center, SAML, OIDC) or "none"; default "identity-provider" with a permissionSet, else "iam"' }),
  mfaMaxAgeSeconds: f.number().optional().meta({ description: 'with "mfa": "iam": the most seconds since the MFA code (aws:MultiFactorAuthAge)', minimum: 1 }),
  runAsUser: awsString(rules.linuxUserName, "OS user of the created role's sessions (its SSMSessionRunAs tag)").optional(),
  admin: f.boolean().default(false).meta({ description: "may also end anyone's session" }),
  alertOnSessions: f.boolean().optional().meta({
    description: "every session the group's roles start alerts (CloudTrail names roles, not IAM groups, so the group needs roleNames or createRole); default true for admin groups",
  }),
  roleNames: list(awsString(rules.iamRoleName, 'IAM role name'), 'existing IAM roles that receive the policy').default([]),
  groupNames: list(awsString(rules.iamGroupName, 'IAM group name'), 'existing IAM groups that receive the policy').default([]),
  createRole: strict({
    name: awsString(rules.iamRoleName, 'role name; default ssm-session-kit-<env>-<group>').optional(),
    trustedArns: list(awsString(rules.principalArn, 'principal ARN'), 'IAM principals (or accounts\' root) that may assume the role').default([]),
    trustedServices: list(awsString(rules.servicePrincipal, 'service principal'), 'services that may assume the role').default([]),
    requireMfaToAssume: f.boolean().optional().meta({ description: 'trusted principals must give an MFA code to assume the role; default on with "mfa": "iam"' }),
    sessionName: f.oneOf(SESSION_NAMINGS, `must be one of ${SESSION_NAMINGS.map((n) => `"${n}"`).join(', ')}`).default('user-name').meta({
      description: 'what sessions of the role are named after, so that nobody resumes or ends another\'s: "user-name" (callers are IAM users: the session is named after aws:username) or "source-identity" (callers are roles carrying a source identity, which they pass on and name the session after)',
    }),
  }, 'a new role for the group').optional(),
  permissionSet: strict({
    name: awsString(rules.permissionSetName, 'permission set name; default <env>-<group>').optional(),
    sessionDuration: awsString(rules.permissionSetSessionDuration, 'how long a session from the access portal lasts: PT1H to PT12H; default PT1H').optional(),
    groups: list(awsString(rules.identityCenterGroup, 'Identity Center group display name or id'), 'Identity Center groups assigned the permission set in the environment\'s account', { nonEmpty: true }),
    runAs: f.oneOf(['engineer', 'shared'], 'must be "engineer" or "shared"').optional().meta({
      description: 'sessions run as the engineer (their Identity Center attribute identityCenter.runAsAttribute, as SSMSessionRunAs) or as the shared default user; default "engineer" when identityCenter.runAsAttribute is set',
    }),
    osUsers: list(awsString(rules.linuxUserName, 'Linux user name'), "with runAs \"engineer\": the engineers' OS users, as the attribute names them, created on the group's instances").default([]),
  }, "an IAM Identity Center permission set for the group, with the group's policy inline, assigned to Identity Center groups in the environment's account").optional(),
}, 'who may open sessions: one managed policy per group').check((ctx) => {
  const { mfaMaxAgeSeconds, roleNames, groupNames, createRole, documents = [], unrecordedSsh, permissionSet } = ctx.value;
  const mfa = ctx.value.mfa ?? (permissionSet ? 'identity-provider' : 'iam');
  if (permissionSet && ctx.value.mfa === 'iam') {
    problem(ctx, ['mfa'], `${IDENTITY_CENTER_MFA}; the permission set's users give MFA at the access portal: set "mfa": "identity-provider"`);
  }
  // ("Logging session activity") Session Manager does not log the content of SSH and port-forwarding sessions.
  if (documents.includes('AWS-StartSSHSession') && !unrecordedSsh?.trim()) {
    problem(ctx, ['unrecordedSsh'], 'is required with AWS-StartSSHSession: SSH sessions are not recorded, so say why this group needs one');
  }
  if (unrecordedSsh !== undefined && !documents.includes('AWS-StartSSHSession')) {
    problem(ctx, ['unrecordedSsh'], 'acknowledges SSH, which the group does not use (documents has no AWS-StartSSHSession)');
  }
  const anyPort = documents.filter((d) => ANY_PORT_DOCUMENTS.includes(d));
  if (anyPort.length > 0 && !ctx.value.unrecordedPortForwarding?.trim()) {
    problem(ctx, ['unrecordedPortForwarding'], `is required with ${anyPort.join(' and ')}: they forward to any port (22 included) and host, unrecorded; declare portForwarding destinations instead, or say why`);
  }
  if (ctx.value.unrecordedPortForwarding !== undefined && anyPort.length === 0) {
    problem(ctx, ['unrecordedPortForwarding'], "acknowledges AWS's port-forwarding documents, which the group does not use");
  }
  ctx.value.portForwarding.forEach((destination, i) => {
    const found = destinationProblem(destination);
    if (found) problem(ctx, ['portForwarding', i, found.field], found.message);
  });
  if (mfaMaxAgeSeconds !== undefined && (mfa !== 'iam' || !Number.isInteger(mfaMaxAgeSeconds) || mfaMaxAgeSeconds < 1)) {
    problem(ctx, ['mfaMaxAgeSeconds'], 'must be a whole number of seconds, with "mfa": "iam" (the only MFA whose age IAM knows)');
  }
  if (createRole && createRole.trustedArns.length === 0 && createRole.trustedServices.length === 0) {
    problem(ctx, ['createRole'], 'must trust at least one principal (trustedArns or trustedServices)');
  }
  createRole?.trustedArns.forEach((arn, i) => {
    if (createRole.sessionName === 'user-name' && /:role\//.test(arn)) {
      problem(ctx, ['createRole', 'trustedArns', i], 'is a role, which has no aws:username to name its sessions after; set createRole.sessionName to "source-identity"');
    }
  });
  if (ctx.value.runCommand !== undefined && !ctx.value.runCommand.trim()) {
    problem(ctx, ['runCommand'], 'must say why this group may run commands outside a session');
  }
  if (ctx.value.runCommand !== undefined && !createRole) {
    problem(ctx, ['runCommand'], 'needs createRole: the guardrails except the break-glass role by its exact ARN, which only a role of the project\'s has');
  }
  if (roleNames.length === 0 && groupNames.length === 0 && !createRole && !permissionSet) {
    problem(ctx, [], 'gives its policy to nobody: name roleNames, groupNames, createRole or permissionSet');
  }
  if (mfa !== 'iam') return;
  roleNames.forEach((role, i) => {
    if (isIdentityCenterRole(role)) problem(ctx, ['roleNames', i], `${IDENTITY_CENTER_MFA}; set "mfa": "identity-provider"`);
  });
  createRole?.trustedArns.forEach((arn, i) => {
    const reason = isIdentityCenterRole(arn) ? IDENTITY_CENTER_MFA : /:role\//.test(arn) ? ROLE_CHAINING_MFA : undefined;
    if (reason) problem(ctx, ['createRole', 'trustedArns', i], `${reason}; trust the users' account or users, or set "mfa"`);
  });
});

/**
 * An IAM Identity Center permission set's role (`AWSReservedSSO_<set>_<id>`, under
 * `/aws-reserved/sso.amazonaws.com/`), by name or ARN.
 */
export function isIdentityCenterRole(nameOrArn: string): boolean {
  return /(^|:role\/(aws-reserved\/sso\.amazonaws\.com\/([\w-]+\/)?)?)AWSReservedSSO_/.test(nameOrArn);
}

// Why "mfa": "iam" cannot hold for these callers ("Configuring MFA-protected API access"; STS
// "AssumeRole": SerialNumber is the MFA device of the user making the call).
const IDENTITY_CENTER_MFA =
  'is an IAM Identity Center role: its sessions come from AssumeRoleWithSAML, where AWS cannot tell whether the identity provider required MFA, so "mfa": "iam" would refuse every session';
const ROLE_CHAINING_MFA =
  'is a role: sessions it assumes (role chaining) cannot present an MFA code, which only an IAM user\'s device gives, so "mfa": "iam" would refuse every session';

const guardrailsSchema = strict({
  pipelineRoleArn: awsString(rules.iamRoleArn, "the deployment pipeline's role: the only principal that may still change the audit trail"),
  planRoleArn: awsString(rules.iamRoleArn, "the pipeline's read-only role for plans and drift checks: the bootstrap stack gives it a role that reads, and only reads, the stack's state").optional(),
  attachToRoles: list(awsString(rules.iamRoleName, 'IAM role name'), 'existing roles (administrators included) that get the audit-trail deny policy').default([]),
  attachToGroups: list(awsString(rules.iamGroupName, 'IAM group name'), 'existing groups that get the audit-trail deny policy').default([]),
  permissionsBoundary: f.boolean().default(true).meta({ description: 'roles created for access groups carry the guardrail boundary' }),
  strict: f.boolean().default(false).meta({
    description: 'for accounts without the organization SCP: whoever gets the deny policy may create roles and users only with the boundary, and may not change the trust of roles that carry it',
  }),
}, 'nobody, administrators included, switches the audit trail off').check((ctx) => {
  const pipeline = ctx.value.pipelineRoleArn.split('/').pop();
  const i = ctx.value.attachToRoles.indexOf(pipeline ?? '');
  if (i >= 0) problem(ctx, ['attachToRoles', i], `is the pipeline role, the one principal that must still change the audit trail`);
});

const alertEmails = list(awsString(rules.emailAddress, 'email address'), 'addresses subscribed to the alert topic; each confirms by the link AWS sends').check((ctx) => {
  // Lower-cased: SNS would send both subscriptions to one mailbox.
  const seen = new Set<string>();
  ctx.value.forEach((email, i) => {
    if (seen.has(email.toLowerCase())) problem(ctx, [i], `"${email}" is listed twice`);
    seen.add(email.toLowerCase());
  });
}).default([]);
const alertTopicArn = awsString(rules.snsTopicArn, "an existing SNS topic in the stack's region to alert instead of creating one; its owner lets EventBridge publish to it").optional();
const trailSource = f.oneOf(['stack', 'existing'], 'must be "stack" (the stack creates a trail) or "existing" (an organisation or account trail already records the account)')
  .default('stack')
  .meta({ description: 'the CloudTrail trail the alerts read: "stack" creates a multi-region trail of management events, "existing" relies on one already logging (an organisation trail)' });

const alertsSchema = strict({
  emails: alertEmails,
  topicArn: alertTopicArn,
  allSessions: f.boolean().default(false).meta({ description: 'alert on every session in the environment, not only those of alerting groups' }),
  trail: strict({
    source: trailSource,
    bucketName: awsString(rules.bucketName, 'with "stack": an existing bucket for the trail\'s log files; default the session log bucket, under cloudtrail/').optional(),
    objectEvents: f.boolean().optional().meta({
      description: 'alert on deleting session log objects, S3 data events: with "stack" the created trail records them (default true); with "existing" set true only where that trail records write data events for the log bucket',
    }),
  }, 'EventBridge receives "AWS API Call via CloudTrail" events only while a trail records them').prefault({}),
}, 'alerts when anyone but the pipeline touches the audit trail, and on break-glass sessions').prefault({});

export const environmentSchema = strict({
  accountId: accountId.meta({ description: "the only AWS account the environment's provider will act in (allowed_account_ids)" }),
  region: region.meta({ description: "the environment's region" }),
  tags: tags.meta({ description: "applied to every resource through the provider's default_tags, with Environment and ManagedBy" }),
  state: stateSchema,
  network: networkSchema,
  instances: list(instanceSchema, 'the instances; an empty list is fine').check((ctx) => {
    const seen = new Set<string>();
    ctx.value.forEach(({ name }, i) => {
      if (seen.has(name)) problem(ctx, [i, 'name'], `"${name}" names another instance of this environment`);
      seen.add(name);
    });
  }),
  defaultHostManagement: f.boolean().default(false).meta({ description: 'turn on Default Host Management, so instances without a profile are managed too' }),
  deployWave: f.number().default(1).check((ctx) => {
    if (!Number.isInteger(ctx.value) || ctx.value < 1 || ctx.value > MAX_DEPLOY_WAVES) {
      problem(ctx, [], `must be a whole number from 1 to ${MAX_DEPLOY_WAVES} (got ${ctx.value})`);
    }
  }).meta({ description: `the pipeline deploys wave 1 first, then 2, ...; the stacks of one wave together (1 to ${MAX_DEPLOY_WAVES})`, minimum: 1 }),
  instanceRolePolicy: f.oneOf(['managed', 'minimal'], 'must be "managed" or "minimal"').default('managed').meta({
    description: 'what lets SSM Agent serve sessions: "managed" (AmazonSSMManagedInstanceCore) or "minimal" (only the Session Manager actions)',
  }),
  instanceRunCommand: f.boolean().default(false).meta({ description: 'with "instanceRolePolicy": "minimal", let the agent take Run Command messages too' }),
  osUsers: strict({
    users: list(awsString(rules.linuxUserName, 'Linux user name'), 'more OS users to create on every instance, without sudo (the run-as users of the preferences and the groups are created anyway)').default([]),
    ssmUserSudo: f.boolean().default(false).meta({ description: 'ssm-user, the session user when run-as is off, keeps the sudo rights SSM Agent gives it' }),
  }, "the instances' OS users").default({ users: [], ssmUserSudo: false }),
  sessionLogging: sessionLoggingSchema,
  accessGroups: keyedBy(rules.accessGroupName, 'group name', accessGroupSchema, 'who may open sessions, by group name'),
  guardrails: guardrailsSchema,
  alerts: alertsSchema,
}, 'one environment: one account, one region, one stack');

export const bootstrapSchema = strict({
  accountId: accountId.meta({ description: 'where the state bucket lives' }),
  region: region.meta({ description: 'where the state bucket lives' }),
  stateBucket: awsString(rules.bucketName, 'name of the state bucket the bootstrap stack creates'),
  stateKeyAlias: awsString(rules.kmsAliasName, "alias of the bucket's KMS key").default(DEFAULT_STATE_KEY_ALIAS),
  administratorArns: list(awsString(rules.principalArnPattern, 'principal ARN pattern'), 'who may read and write state objects beside the state roles (by hand, in an emergency)').default([]),
  tags: tags.meta({ description: 'tags for the bootstrap resources' }),
}, 'the stack that creates the remote-state bucket (local state)');

const organizationSchema = strict({
  accountId: accountId.meta({ description: "the organization's management account" }),
  region: region,
  targetIds: list(awsString(rules.organizationTarget, 'root, OU or account id'), 'where the guardrail SCP is attached', { nonEmpty: true }),
  pipelineRoleArn: awsString(rules.iamRoleArn, "the role that deploys the organization stack: its state role trusts it").optional(),
  planRoleArn: awsString(rules.iamRoleArn, "the read-only role that plans the organization stack: its read-only state role trusts it").optional(),
  tags,
  state: stateSchema,
}, "the management account's organization stack, which holds the guardrail SCP");

const identityCenterSchema = strict({
  accountId: accountId.meta({ description: 'the account that manages IAM Identity Center: the management account or a delegated administrator' }),
  region: region.meta({ description: "Identity Center's region" }),
  instanceArn: awsString(rules.identityCenterInstanceArn, 'the Identity Center instance; default looked up (the account has one)').optional(),
  identityStoreId: awsString(rules.identityStoreId, 'its identity store; default looked up').optional(),
  runAsAttribute: f.oneOf(rules.IDENTITY_CENTER_ATTRIBUTE_PATHS as [string, ...string[]], `is not an Identity Center attribute path (known: ${rules.IDENTITY_CENTER_ATTRIBUTE_PATHS.join(', ')})`)
    .optional()
    .meta({ description: 'the user attribute passed as the SSMSessionRunAs session tag ("Attributes for access control"), so that each engineer runs as their own OS user; for every permission set of the instance' }),
  pipelineRoleArn: awsString(rules.iamRoleArn, 'the role that deploys the identity-center stack; its state role trusts it'),
  planRoleArn: awsString(rules.iamRoleArn, 'the read-only role that plans the identity-center stack').optional(),
  tags,
  state: stateSchema,
}, 'IAM Identity Center: permission sets from the access groups that name one');

export const logArchiveSchema = strict({
  accountId: accountId.meta({ description: 'the log-archive account, where no workload administrator has a role' }),
  region: region.meta({ description: "the archive bucket's region; environments of every region write to it" }),
  bucketName: awsString(rules.bucketName, 'the archive bucket: versioned, SSE-KMS, all public access blocked, TLS only'),
  organizationId: awsString(rules.organizationId, 'writers and readers must belong to this organization (aws:PrincipalOrgID)').optional(),
  pipelineRoleArn: awsString(rules.iamRoleArn, 'the role that deploys the log-archive stack: the only principal that may change the archive; its state role trusts it'),
  planRoleArn: awsString(rules.iamRoleArn, 'the read-only role that plans the log-archive stack').optional(),
  readerArns: list(awsString(rules.accountRoleArnPattern, 'reader role ARN'), 'who may read and decrypt the transcripts (security teams): role ARNs of named accounts, * allowed in the name', { nonEmpty: true }),
  ...retentionFields('transcripts', 'archive bucket'),
  alerts: strict({
    emails: alertEmails,
    topicArn: alertTopicArn,
    trail: strict({ source: trailSource }, 'with "stack", the trail delivers into the archive bucket, under cloudtrail/, and records its object-level writes').prefault({}),
  }, "alerts when anyone but the archive's pipeline touches the archive").prefault({}),
  tags,
  state: stateSchema,
}, "a central log archive: every environment's transcripts in one account its own administrators cannot reach").check((ctx) => {
  // The retention rules are the environments' own.
  for (const p of checkSessionLoggingProps(ctx.value)) problem(ctx, p.field.split('.'), p.message);
});

export const configFileSchema = strict({
  $schema: f.string().optional().meta({ description: 'this file\'s JSON Schema, for editors' }),
  '//': f.string().optional().meta({ description: 'a comment' }),
  bootstrap: bootstrapSchema,
  // Names are checked in validate.ts, where a bad one is reported as the environment's own "name".
  environments: f.dictionary(environmentSchema).meta({
    description: 'one entry per environment; the name is also its stack name',
    propertyNames: { pattern: rules.environmentName.pattern!.source, not: { enum: RESERVED_NAMES } },
  }),
  organization: organizationSchema.optional(),
  logArchive: logArchiveSchema.optional(),
  identityCenter: identityCenterSchema.optional(),
}, 'ssm-session-kit environments: see README.md, "Configuration"');

/** The config file as parsed, defaults filled in. */
export type ConfigFile = f.Output<typeof configFileSchema>;
export type EnvironmentFile = f.Output<typeof environmentSchema>;
export type AccessGroupFile = f.Output<typeof accessGroupSchema>;
export type StateFile = f.Output<typeof stateSchema>;
export type InstanceFile = f.Output<typeof instanceSchema>;
export type NetworkFile = f.Output<typeof networkSchema>;
export type GuardrailsFile = f.Output<typeof guardrailsSchema>;
export type BootstrapFile = f.Output<typeof bootstrapSchema>;
export type OrganizationFile = f.Output<typeof organizationSchema>;
export type LogArchiveFile = f.Output<typeof logArchiveSchema>;
export type IdentityCenterFile = f.Output<typeof identityCenterSchema>;
export { identityCenterSchema };
export type SessionLoggingFile = f.Output<typeof sessionLoggingSchema>;
export type AlertsFile = f.Output<typeof alertsSchema>;

/** The JSON Schema (draft 2020-12) of the config file, as editors read it. */
export function configJsonSchema(): object {
  return f.jsonSchemaDocument(configFileSchema);
}
