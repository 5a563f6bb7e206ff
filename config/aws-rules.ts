/**
 * The rules AWS applies to the values a config holds. Each check returns a reason when the value
 * would be refused, or undefined when AWS would accept it.
 */
export interface Rule {
  (value: string): string | undefined;
  /** The part of the rule a JSON Schema `pattern` can express, for editors; the check has the last word. */
  readonly pattern?: RegExp;
}

/** A rule that is exactly a pattern. */
function matching(pattern: RegExp, reason: string): Rule {
  return Object.assign((v: string) => (pattern.test(v) ? undefined : reason), { pattern });
}

/** A rule whose check goes beyond a pattern that every accepted value matches. */
function beyond(pattern: RegExp, check: (v: string) => string | undefined): Rule {
  return Object.assign(check, { pattern });
}

/** Regions hashicorp/aws 5.100.0 knows (the provider refuses others unless told to skip the check). */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1',
  'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-west-1', 'us-west-2',
];

/** The ARN partition a region belongs to. */
export function partitionOf(regionName: string): string {
  if (regionName.startsWith('cn-')) return 'aws-cn';
  if (regionName.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export const accountId = matching(/^\d{12}$/, 'must be a 12-digit AWS account id, written as a string');

export const region: Rule = (v) =>
  AWS_REGIONS.includes(v) ? undefined : `is not an AWS region (known regions: ${AWS_REGIONS.join(', ')})`;

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose buckets). */
export const bucketName = beyond(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, (v) => {
  if (v.length < 3 || v.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(v)) {
    return 'may hold only lower-case letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  }
  if (v.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return 'must not be formatted as an IP address';
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => v.startsWith(p));
  if (prefix) return `must not begin with the reserved prefix "${prefix}"`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => v.endsWith(s));
  if (suffix) return `must not end with the reserved suffix "${suffix}"`;
  return undefined;
});

/** Environment names become stack names, state keys and parts of resource names. */
export const environmentName = matching(
  /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/,
  'must be 2 to 32 lower-case letters, digits or hyphens, beginning with a letter',
);

/** https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const tagKey = beyond(TAG_CHARS, (v) => {
  if (v.length < 1 || v.length > 128) return 'must be 1 to 128 characters long';
  if (!TAG_CHARS.test(v)) return 'may hold only letters, digits, spaces and _ . : / = + - @';
  if (v.toLowerCase().startsWith('aws:')) return 'must not begin with the reserved prefix "aws:"';
  return undefined;
});

export const tagValue = beyond(TAG_CHARS, (v) => {
  if (v.length > 256) return 'must be at most 256 characters long';
  return TAG_CHARS.test(v) ? undefined : 'may hold only letters, digits, spaces and _ . : / = + - @';
});

export const stateKey = beyond(/^[^/](.*[^/])?$/, (v) => {
  if (v.length < 1 || v.length > 1024) return 'must be 1 to 1024 characters long';
  if (v.startsWith('/') || v.endsWith('/')) return 'must not begin or end with "/"';
  return undefined;
});

export const dynamodbTableName = matching(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3 to 255 letters, digits, "_", "-" or "."');

const PARTITION = 'aws(?:-cn|-us-gov)?';

export const kmsKeyArn = matching(
  new RegExp(`^arn:${PARTITION}:kms:[a-z0-9-]+:\\d{12}:(key/[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]+)$`),
  'must be the ARN of a KMS key or alias (arn:aws:kms:<region>:<account>:key/<id>)',
);

export const kmsAliasName = matching(
  /^(?!aws\/)[A-Za-z0-9/_-]{1,250}$/,
  'must be 1 to 250 letters, digits, "/", "_" or "-", without the "alias/" prefix and not in "aws/"',
);

export const iamRoleArn = matching(
  new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$`),
  'must be the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)',
);

/** A role in a named account, `*` allowed in the name: a bucket or key policy can then name the account as principal. */
export const accountRoleArnPattern = matching(
  new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/*-]{1,512}$`),
  'must be the ARN of an IAM role in a named account (arn:aws:iam::<account>:role/<name>, * allowed in the name)',
);

/** "CreatePermissionSet" (IAM Identity Center API Reference): Name, 1 to 32 of [\w+=,.@-]. */
export const permissionSetName = matching(/^[\w+=,.@-]{1,32}$/, 'must be 1 to 32 letters, digits or + = , . @ _ -');

/** "CreatePermissionSet": SessionDuration, an ISO 8601 duration of 1 to 12 hours. */
export const permissionSetSessionDuration = beyond(/^PT(\d+H)?(\d+M)?$/, (v) => {
  const [, hours = '0', minutes = '0'] = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(v) ?? [];
  const total = Number(hours) * 60 + Number(minutes);
  return v !== 'PT' && total >= 60 && total <= 720 ? undefined : 'must be an ISO 8601 duration from PT1H to PT12H, such as PT1H, PT8H or PT90M';
});

/** "InstanceMetadata" (IAM Identity Center API Reference): InstanceArn. */
export const identityCenterInstanceArn = matching(
  new RegExp(`^arn:${PARTITION}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`),
  'must be an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-<16 characters>)',
);

/** "Group" (Identity Store API Reference): IdentityStoreId. */
export const identityStoreId = matching(
  /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  'must be an identity store id (d- and 10 hexadecimal digits)',
);

/** "Group" (Identity Store API Reference): GroupId, or DisplayName (1 to 1024 characters). */
export const identityCenterGroup = matching(/^\S(.{0,1022}\S)?$/, 'must be an Identity Center group display name or id');

/** What "Group" names a group's id by: an optional 10 hexadecimal digits and a hyphen, then a UUID. */
export const IDENTITY_CENTER_GROUP_ID = /^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/** An Identity Store group's id, as Cedar names it (`AWS::IdentityStore::Group::"<id>"`): approval policies take no display name. */
export const identityCenterGroupId = matching(IDENTITY_CENTER_GROUP_ID, 'must be an Identity Store group id (a UUID, optionally after 10 hexadecimal digits and a hyphen)');
/** A Cedar attribute name (an identifier); which ones exist, the just-in-time schema decides at validation. */
export const cedarAttribute = matching(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an attribute name (letters, digits, _; not starting with a digit)');
/** A value written into Cedar as a string literal: no quote, backslash or control character. */
export const cedarStringValue = matching(/^[^"\\\x00-\x1f]{1,256}$/, 'must be 1 to 256 characters without quotes, backslashes or control characters');

/**
 * User attributes IAM Identity Center can pass as session tags ("Attributes for access control",
 * "Supported user and group attributes": the SCIM core and enterprise user attributes), as
 * `${path:<attribute>}`.
 */
export const IDENTITY_CENTER_ATTRIBUTE_PATHS = [
  'userName', 'displayName', 'nickName', 'name.givenName', 'name.familyName', 'name.middleName', 'name.formatted', 'title', 'userType',
  'preferredLanguage', 'locale', 'timezone', 'emails[primary eq true].value', 'enterprise.employeeNumber', 'enterprise.costCenter',
  'enterprise.organization', 'enterprise.division', 'enterprise.department',
].map((attribute) => `\${path:${attribute}}`);

/** "o-" and 10 to 32 lower-case letters or digits ("Organization", AWS Organizations API Reference: Id). */
export const organizationId = matching(/^o-[a-z0-9]{10,32}$/, 'must be an organization id: "o-" and 10 to 32 lower-case letters or digits');

/** A topic name is 1 to 256 letters, digits, "-" or "_" ("CreateTopic", Amazon SNS API Reference). */
export const snsTopicArn = matching(
  new RegExp(`^arn:${PARTITION}:sns:[a-z0-9-]+:\\d{12}:[\\w-]{1,256}$`),
  'must be the ARN of a standard SNS topic (arn:aws:sns:<region>:<account>:<name>)',
);

/**
 * An address SNS can deliver to: one "@", no spaces, a dotted domain. The check is deliberately no
 * stricter: SNS sends a confirmation, and an address nobody confirms receives nothing.
 */
export const emailAddress = matching(/^[^@\s]+@[^@\s]+\.[^@\s.]+$/, 'must be an email address (name@example.com)');

const resourceId = (prefix: string): Rule =>
  matching(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), `must be a ${prefix} id: "${prefix}-" and 8 or 17 hexadecimal digits`);

export const vpcId = resourceId('vpc');
export const subnetId = resourceId('subnet');
export const routeTableId = resourceId('rtb');
export const amiId = resourceId('ami');

/** Family, a dot, and a size: `t3.micro`, `m7g.2xlarge`, `u-6tb1.metal`. */
export const instanceType = matching(
  /^(?=.{3,32}$)[a-z][a-z0-9-]*\.[a-z0-9-]+$/,
  'must be an EC2 instance type such as "t3.micro" (family, a dot, then the size)',
);

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
export const ipv4Cidr = beyond(CIDR, (v) => {
  const m = CIDR.exec(v);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    return 'must be an IPv4 CIDR block such as "10.0.0.0/16"';
  }
  return undefined;
});

/** Names an instance within an environment: its Name tag and part of its Terraform addresses. */
export const instanceName = matching(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits or hyphens');

/** Tag keys used in `ssm:resourceTag/<key>` condition keys: no spaces, nothing IAM refuses there. */
const CONDITION_TAG_KEY = /^[A-Za-z0-9_.:/=+\-@]{1,128}$/;
export const conditionTagKey = beyond(CONDITION_TAG_KEY, (v) => {
  if (!CONDITION_TAG_KEY.test(v)) return 'must be 1 to 128 letters, digits or _ . : / = + - @ (IAM condition keys allow no spaces)';
  return v.toLowerCase().startsWith('aws:') ? 'must not begin with the reserved prefix "aws:"' : undefined;
});

export const iamRoleName = matching(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (1 to 64 letters, digits or _+=,.@-)');
export const iamGroupName = matching(/^[\w+=,.@-]{1,128}$/, 'must be an IAM group name (1 to 128 letters, digits or _+=,.@-)');

export const principalArn = matching(
  new RegExp(`^arn:${PARTITION}:(iam|sts)::\\d{12}:(root|(user|role|assumed-role)/[\\w+=,.@/-]+)$`),
  'must be the ARN of an account root, IAM user or role (arn:aws:iam::<account>:role/<name>)',
);

/** A single IAM user or role, who is granted something for a while: not an account's root, nor a session. */
export const iamPrincipalArn = matching(
  new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(user|role)/[\\w+=,.@/-]+$`),
  'must be the ARN of an IAM user or role (arn:aws:iam::<account>:user/<name>): one principal, not an account',
);

/** A moment as `aws:CurrentTime` compares it ("IAM JSON policy elements: Condition operators", date): ISO 8601 in UTC. */
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/;
export const utcTime = beyond(UTC_TIME, (v) => (UTC_TIME.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 16) === v.slice(0, 16)
  ? undefined : 'must be a time in UTC such as "2026-12-03T18:00:00Z"'));

/** A principal ARN that may hold `*` wildcards, as `ArnLike` compares them. */
export const principalArnPattern = matching(
  new RegExp(`^arn:(${PARTITION}|\\*):(iam|sts)::(\\d{12}|\\*):(root|(user|role|assumed-role)/[\\w+=,.@/*-]+)$`),
  'must be the ARN of an account root, IAM user or role, where * may stand for any characters',
);

export const servicePrincipal = matching(
  /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/,
  'must be a service principal such as "ec2.amazonaws.com"',
);

export const accessGroupName = matching(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or hyphens');

export const linuxUserName = matching(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name');

/** What an SCP attaches to: the root, an OU, or an account. */
/** An organizational unit's id ("OrganizationalUnit", Organizations API Reference: Id). */
export const organizationalUnit = matching(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must be an OU id (ou-...-...)');

export const organizationTarget = matching(
  /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/,
  'must be a root (r-...), OU (ou-...-...) or account id',
);
