import { Construct } from 'constructs';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { type MfaEnforcement, RUN_AS_TAG, RUN_COMMAND_DOCUMENT, type SessionNaming, SHELL_DOCUMENT, type TemporaryGrant } from './choices';

export * from './choices';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';
import { type JustInTimeRequests, requesterStatements } from '../just-in-time';

export interface TrustedPrincipals {
  /** ARNs of IAM principals (or accounts' `root`) that may assume the role. @default none */
  readonly arns?: readonly string[];
  /** Service principals (`name.amazonaws.com`) that may assume the role. @default none */
  readonly services?: readonly string[];
}

export interface SessionAccessPolicyProps {
  /** Name of the managed policy. */
  readonly policyName: string;
  /**
   * Tags an instance must carry to be reached: every key, with one of its values (`ssm:resourceTag`).
   * Include the environment's tag so that a group never reaches another environment.
   */
  readonly instanceTags: Readonly<Record<string, readonly string[]>>;
  /**
   * Auto Scaling groups whose instances the group reaches, by name (`*` a wildcard): only the pipeline
   * should create or change one of these. Instances another group, an EC2 Fleet or a Spot Fleet launched
   * are refused whatever their tags: those services tag what they launch as its launch template says,
   * with roles no SCP or policy of the caller's reaches, so an instance's tags prove nothing there.
   * @default the instances of no Auto Scaling group
   */
  readonly autoScalingGroupNames?: readonly string[];
  /**
   * Session documents the group may start sessions with.
   * @default [SHELL_DOCUMENT]
   */
  readonly documents?: readonly string[];
  /**
   * Who enforces multi-factor authentication before a session starts.
   * @default 'iam'
   */
  readonly mfa?: MfaEnforcement;
  /**
   * With `mfa: 'iam'`, the most seconds since the MFA code was given (`aws:MultiFactorAuthAge`).
   * @default no limit
   */
  readonly mfaMaxAgeSeconds?: number;
  /**
   * ARN of the KMS key sessions are encrypted with; the group may generate data keys with it.
   * @default no session encryption permission
   */
  readonly sessionKeyArn?: string;
  /**
   * May also terminate anyone's session, not only its own.
   * @default false
   */
  readonly canTerminateAnySession?: boolean;
  /** Existing roles to attach the policy to. @default none */
  readonly roleNames?: readonly string[];
  /** Existing IAM groups to attach the policy to. @default none */
  readonly groupNames?: readonly string[];
  /**
   * A role to create for the group, assumable by these principals, carrying the policy.
   * @default no role created
   */
  readonly createRole?: CreateRoleProps;
  /**
   * OS user sessions of the created role run as (its `SSMSessionRunAs` tag; run-as must be on in the
   * session preferences). Existing roles need the tag set where they are managed.
   * @default the preferences' default user
   */
  readonly runAsUser?: string;
  /**
   * Break glass: may also run shell commands on the same instances with Run Command
   * (`AWS-RunShellScript`) and read their output. The guardrails refuse Run Command to everyone else,
   * so the group's role must also be excepted there (`RecordingPath.commandPrincipalArns`).
   * @default false
   */
  readonly runCommand?: boolean;
  /**
   * Just-in-time: the group asks for access per need (`ssm:StartAccessRequest`) and connects with the
   * token of an approved request, holding no `ssm:StartSession` of its own; the approval policies
   * (`ApprovalPolicies`) decide who is approved where.
   * @default standing access: `ssm:StartSession` on the instances
   */
  readonly justInTime?: JustInTimeRequests;
}

export interface CreateRoleProps {
  readonly roleName: string;
  readonly trustedPrincipals: TrustedPrincipals;
  /**
   * What the trusted principals' sessions of the role are named after (services are not asked).
   * @default 'user-name'
   */
  readonly sessionName?: SessionNaming;
  /** @default none */
  readonly permissionsBoundaryArn?: string;
  /**
   * Trusted IAM principals may assume the role only with an MFA code (`AssumeRole` with `SerialNumber`
   * and `TokenCode`), so that the role's sessions carry MFA. Trusted services present none and are
   * unaffected.
   * @default true when `mfa` is `'iam'`
   */
  readonly requireMfaToAssume?: boolean;
  /**
   * Principals who may assume the role until a time, each for a reason: the trust's `aws:CurrentTime`
   * ends the grant by itself, whatever happens to the config.
   * @default none
   */
  readonly temporaryGrants?: readonly TemporaryGrant[];
}

/**
 * Who may open a session, where, and how: a managed policy that allows `ssm:StartSession` only on
 * instances carrying the given tags and only with the given documents (with the document access check
 * on, so a session cannot fall back to another document), lets callers resume and end their own
 * sessions, and grants the read-only calls the console and the CLI plugin make. Nothing else.
 */
export class SessionAccessPolicy extends Construct {
  readonly policy: IamPolicy;
  readonly document: PolicyDocument;
  readonly role?: IamRole;

  constructor(scope: Construct, id: string, props: SessionAccessPolicyProps) {
    super(scope, id);
    const statements = sessionAccessStatements({
      ...props, partition: partitionOf(this), region: regionOf(this), accountId: accountIdOf(this),
      sessionKey: props.sessionKeyArn ? { arn: props.sessionKeyArn } : undefined,
    });
    this.document = new PolicyDocument(statements);
    this.policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: 'Session Manager access: which instances, with which documents',
      policy: this.document.toJson(),
    });

    (props.roleNames ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `role-${i}`, { role, policyArn: this.policy.arn }));
    (props.groupNames ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `group-${i}`, { group, policyArn: this.policy.arn }));
    if (props.createRole) {
      const requireMfaToAssume = props.createRole.requireMfaToAssume ?? (props.mfa ?? 'iam') === 'iam';
      this.role = new IamRole(this, 'role', {
        name: props.createRole.roleName,
        description: `Session Manager access (${props.policyName})`,
        assumeRolePolicy: trustPolicy(
          props.createRole.trustedPrincipals,
          props.createRole.sessionName ?? 'user-name',
          requireMfaToAssume ? mfaCondition(props.mfaMaxAgeSeconds) : {},
          props.createRole.temporaryGrants ?? [],
        ).toJson(),
        permissionsBoundary: props.createRole.permissionsBoundaryArn,
        tags: props.runAsUser ? { [RUN_AS_TAG]: props.runAsUser } : undefined,
      });
      new IamRolePolicyAttachment(this, 'created-role', { role: this.role.name, policyArn: this.policy.arn });
    }
  }
}

export interface SessionAccessStatementsProps extends Pick<SessionAccessPolicyProps,
  'instanceTags' | 'autoScalingGroupNames' | 'documents' | 'mfa' | 'mfaMaxAgeSeconds' | 'canTerminateAnySession' | 'runCommand' | 'justInTime'> {
  /** Where the instances and sessions are. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * The key sessions are encrypted with: by ARN, or, where the policy is written before the key exists
   * (an Identity Center permission set), by its alias in the account and region.
   * @default no session encryption permission
   */
  readonly sessionKey?: { readonly arn: string } | { readonly alias: string };
}

/**
 * What a group may do in Session Manager, as policy statements: the one definition behind the
 * group's IAM policy and its Identity Center permission set.
 */
export function sessionAccessStatements(props: SessionAccessStatementsProps): PolicyStatement[] {
  const { partition, region, accountId } = props;
  const ssmArn = (account: string, resource: string) => `arn:${partition}:ssm:${region}:${account}:${resource}`;

  const mfa: Condition = (props.mfa ?? 'iam') === 'iam' ? mfaCondition(props.mfaMaxAgeSeconds) : {};
  const documents = props.documents ?? [SHELL_DOCUMENT];
  const instanceTagCondition = Object.fromEntries(
    Object.entries(props.instanceTags).map(([key, values]) => [`ssm:resourceTag/${key}`, [...values]]),
  );
  // ("Start a session with a document by specifying the session documents in IAM policies") The
  // check, in every statement that allows ssm:StartSession, keeps a session to the named document.
  const documentCheck = { 'ssm:SessionDocumentAccessCheck': 'true' };

  // Whoever keeps ssm:StartSession connects past every approval ("Start a just-in-time node access session").
  const start: PolicyStatement[] = props.justInTime ? requesterStatements({ partition, region, accountId }, props.justInTime) : [
    {
      Sid: 'StartSessionOnTaggedInstances',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:${partition}:ec2:${region}:${accountId}:instance/*`,
      Condition: { StringEquals: instanceTagCondition, BoolIfExists: documentCheck, ...mfa },
    },
    {
      Sid: 'StartSessionWithAllowedDocuments',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      // Documents AWS owns carry no account of ours; "AWS-" names are reserved to AWS.
      Resource: documents.map((d) => ssmArn(d.startsWith('AWS-') ? '*' : accountId, `document/${d}`)),
      Condition: { BoolIfExists: documentCheck, ...mfa },
    },
  ];
  const statements: PolicyStatement[] = [
    ...start,
    {
      // ("Additional sample IAM policies for Session Manager", Example 3, Method 2) Session Manager
      // tags each session aws:ssmmessages:session-id with its caller's id: an IAM user's unique id, or
      // role-id:session-name for a role or IAM Identity Center session, which is aws:userid in both.
      // Session ids themselves start with the user or role session name, never with aws:userid.
      Sid: 'ResumeAndEndOwnSessions',
      Effect: 'Allow',
      Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
      Resource: ssmArn(accountId, 'session/*'),
      // `$${` keeps IAM's policy variable away from Terraform's own interpolation.
      Condition: { StringLike: { 'ssm:resourceTag/aws:ssmmessages:session-id': '$${aws:userid}' } },
    },
    {
      // ("Sample IAM policies for Session Manager", quickstart end user policy) The client opens the
      // data channel of the session it started or resumed. The Service Authorization Reference gives
      // ssmmessages no resource type, so only "*" matches; the channel's token comes from the
      // caller's own StartSession or ResumeSession, which the statements above restrict.
      Sid: 'OpenOwnSessionDataChannel',
      Effect: 'Allow',
      Action: 'ssmmessages:OpenDataChannel',
      Resource: '*',
    },
    {
      Sid: 'SeeSessionsAndInstances',
      Effect: 'Allow',
      Action: ['ssm:DescribeSessions', 'ssm:GetConnectionStatus', 'ssm:DescribeInstanceProperties', 'ec2:DescribeInstances'],
      Resource: '*',
    },
  ];
  if (props.sessionKey) statements.push(encryptSessions(props.sessionKey, partition, region, accountId));
  // A just-in-time group's sessions are its approval policies' to decide (`CedarRule.autoScalingGroupNames`).
  const onInstances = [...(props.justInTime ? [] : ['ssm:StartSession']), ...(props.runCommand ? ['ssm:SendCommand'] : [])];
  if (onInstances.length > 0) statements.push(...launchedElsewhere(`arn:${partition}:ec2:${region}:${accountId}:instance/*`, onInstances, props.autoScalingGroupNames ?? []));
  if (props.runCommand) {
    statements.push(
      {
        Sid: 'RunCommandOnTaggedInstances',
        Effect: 'Allow',
        Action: 'ssm:SendCommand',
        Resource: `arn:${partition}:ec2:${region}:${accountId}:instance/*`,
        Condition: { StringEquals: instanceTagCondition, ...mfa },
      },
      { Sid: 'RunCommandWithShellScript', Effect: 'Allow', Action: 'ssm:SendCommand', Resource: ssmArn('*', `document/${RUN_COMMAND_DOCUMENT}`), ...(mfa.Bool ? { Condition: mfa } : {}) },
      { Sid: 'ReadCommandOutput', Effect: 'Allow', Action: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'], Resource: '*' },
    );
  }
  if (props.canTerminateAnySession) {
    statements.push({ Sid: 'EndAnySession', Effect: 'Allow', Action: 'ssm:TerminateSession', Resource: ssmArn(accountId, 'session/*') });
  }
  return statements;
}

/**
 * Refused on instances a service launched on someone's behalf, unless one of `groups` did. AWS tags
 * each instance with what launched it, and nobody else can set or remove an `aws:` tag ("Tag your
 * Amazon EC2 resources", tag restrictions): `aws:autoscaling:groupName` (an Auto Scaling group: "Tag
 * Auto Scaling groups and instances"), `aws:ec2:fleet-id` (an EC2 Fleet, which a group with several
 * instance types also launches through: such an instance carries both), `aws:ec2spot:fleet-request-id`
 * (a Spot Fleet).
 */
function launchedElsewhere(instances: string, actions: string[], groups: readonly string[]): PolicyStatement[] {
  const tag = (key: string) => `ssm:resourceTag/${key}`;
  const group = tag('aws:autoscaling:groupName');
  return [
    {
      Sid: 'OnlyOwnFleetsInstances',
      Effect: 'Deny',
      Action: actions,
      Resource: instances,
      Condition: { Null: { [group]: 'false' }, ...(groups.length > 0 ? { StringNotLike: { [group]: [...groups] } } : {}) },
    },
    { Sid: 'NoEc2FleetInstances', Effect: 'Deny', Action: actions, Resource: instances, Condition: { Null: { [tag('aws:ec2:fleet-id')]: 'false', [group]: 'true' } } },
    { Sid: 'NoSpotFleetInstances', Effect: 'Deny', Action: actions, Resource: instances, Condition: { Null: { [tag('aws:ec2spot:fleet-request-id')]: 'false' } } },
  ];
}

/** Data keys for session encryption, from the key itself or any key of the account under its alias ("kms:ResourceAliases"). */
function encryptSessions(key: NonNullable<SessionAccessStatementsProps['sessionKey']>, partition: string, region: string, accountId: string): PolicyStatement {
  if ('arn' in key) return { Sid: 'EncryptSessions', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: key.arn };
  return {
    Sid: 'EncryptSessions',
    Effect: 'Allow',
    Action: 'kms:GenerateDataKey',
    Resource: `arn:${partition}:kms:${region}:${accountId}:key/*`,
    Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key.alias } },
  };
}

type Condition = NonNullable<PolicyStatement['Condition']>;

/**
 * MFA as IAM sees it ("AWS global condition context keys"): `aws:MultiFactorAuthPresent` is true only
 * for temporary credentials issued with an MFA code, and absent for long-term keys, so `Bool` (not
 * `BoolIfExists`) refuses both; `aws:MultiFactorAuthAge` exists only where MFA was used.
 */
function mfaCondition(maxAgeSeconds?: number): Condition {
  return {
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    ...(maxAgeSeconds !== undefined ? { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': String(maxAgeSeconds) } } : {}),
  };
}

/** `$${` keeps IAM's policy variables away from Terraform's own interpolation. */
const SESSION_NAMED_AFTER: Record<SessionNaming, Condition> = {
  'user-name': { StringEquals: { 'sts:RoleSessionName': '$${aws:username}' } },
  'source-identity': { StringEquals: { 'sts:SourceIdentity': '$${aws:SourceIdentity}', 'sts:RoleSessionName': '$${aws:SourceIdentity}' } },
};

/** A caller passes on the source identity it carries, no other (sts:SetSourceIdentity's only key). */
const PASS_OWN_SOURCE_IDENTITY: Condition = { StringEquals: { 'sts:SourceIdentity': '$${aws:SourceIdentity}' } };

function trustPolicy({ arns = [], services = [] }: TrustedPrincipals, naming: SessionNaming, mfa: Condition, grants: readonly TemporaryGrant[]): PolicyDocument {
  const statements: PolicyStatement[] = [];
  // One statement per end time: trusted as the standing principals are, until then.
  const ends = [...new Set(grants.map((g) => g.until))].sort();
  ends.forEach((until, i) => {
    const Principal = { AWS: grants.filter((g) => g.until === until).map((g) => g.principalArn) };
    const before = { DateLessThan: { 'aws:CurrentTime': until } };
    statements.push({ Sid: `TemporaryGrant${i + 1}`, Effect: 'Allow', Principal, Action: 'sts:AssumeRole', Condition: { ...SESSION_NAMED_AFTER[naming], ...mfa, ...before } });
    if (naming === 'source-identity') statements.push({ Sid: `TemporaryGrant${i + 1}SourceIdentity`, Effect: 'Allow', Principal, Action: 'sts:SetSourceIdentity', Condition: { ...PASS_OWN_SOURCE_IDENTITY, ...mfa, ...before } });
  });
  if (arns.length > 0) {
    statements.push({
      Sid: 'TrustedPrincipalsAssumeRole',
      Effect: 'Allow',
      Principal: { AWS: [...arns] },
      Action: 'sts:AssumeRole',
      Condition: { ...SESSION_NAMED_AFTER[naming], ...mfa },
    });
  }
  if (arns.length > 0 && naming === 'source-identity') {
    // Passing a source identity on is sts:SetSourceIdentity, which the trust policy must allow; the
    // Service Authorization Reference gives it sts:SourceIdentity only, no session name.
    statements.push({
      Sid: 'TrustedPrincipalsPassOwnSourceIdentity',
      Effect: 'Allow',
      Principal: { AWS: [...arns] },
      Action: 'sts:SetSourceIdentity',
      Condition: { ...PASS_OWN_SOURCE_IDENTITY, ...mfa },
    });
  }
  if (services.length > 0) {
    statements.push({ Sid: 'TrustedServicesAssumeRole', Effect: 'Allow', Principal: { Service: [...services] }, Action: 'sts:AssumeRole' });
  }
  return new PolicyDocument(statements);
}

export * from './port-forwarding';
