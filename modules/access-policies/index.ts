import { Construct } from 'constructs';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';

/** The shell, the default: what every group may use. */
export const SHELL_DOCUMENT = 'SSM-SessionManagerRunShell';

/** Documents a group may opt into: port forwarding, to the instance or through it, and SSH over Session Manager. */
export const OPT_IN_DOCUMENTS = [
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
  'AWS-StartSSHSession',
] as const;

export const SESSION_DOCUMENTS: readonly string[] = [SHELL_DOCUMENT, ...OPT_IN_DOCUMENTS];

/** The principal tag Session Manager reads the OS user of a run-as session from. */
export const RUN_AS_TAG = 'SSMSessionRunAs';

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
   * Session documents the group may start sessions with.
   * @default [SHELL_DOCUMENT]
   */
  readonly documents?: readonly string[];
  /**
   * Require multi-factor authentication for starting sessions.
   * @default true
   */
  readonly requireMfa?: boolean;
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
  readonly createRole?: { readonly roleName: string; readonly trustedPrincipals: TrustedPrincipals; readonly permissionsBoundaryArn?: string };
  /**
   * OS user sessions of the created role run as (its `SSMSessionRunAs` tag; run-as must be on in the
   * session preferences). Existing roles need the tag set where they are managed.
   * @default the preferences' default user
   */
  readonly runAsUser?: string;
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
    const partition = partitionOf(this);
    const region = regionOf(this);
    const accountId = accountIdOf(this);
    const ssmArn = (account: string, resource: string) => `arn:${partition}:ssm:${region}:${account}:${resource}`;

    const mfa: Record<string, string> = props.requireMfa ?? true ? { 'aws:MultiFactorAuthPresent': 'true' } : {};
    const documents = props.documents ?? [SHELL_DOCUMENT];
    const instanceTagCondition = Object.fromEntries(
      Object.entries(props.instanceTags).map(([key, values]) => [`ssm:resourceTag/${key}`, [...values]]),
    );
    // `$${` keeps IAM's policy variable away from Terraform's own interpolation.
    const ownSessions = ssmArn(accountId, 'session/$${aws:userid}-*');

    const statements: PolicyStatement[] = [
      {
        Sid: 'StartSessionOnTaggedInstances',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: `arn:${partition}:ec2:${region}:${accountId}:instance/*`,
        Condition: {
          StringEquals: instanceTagCondition,
          Bool: { 'ssm:SessionDocumentAccessCheck': 'true', ...mfa },
        },
      },
      {
        Sid: 'StartSessionWithAllowedDocuments',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        // Documents AWS owns carry no account of ours; "AWS-" names are reserved to AWS.
        Resource: documents.map((d) => ssmArn(d.startsWith('AWS-') ? '*' : accountId, `document/${d}`)),
        ...(Object.keys(mfa).length > 0 ? { Condition: { Bool: mfa } } : {}),
      },
      {
        Sid: 'ResumeAndEndOwnSessions',
        Effect: 'Allow',
        Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
        Resource: ownSessions,
      },
      {
        Sid: 'SeeSessionsAndInstances',
        Effect: 'Allow',
        Action: ['ssm:DescribeSessions', 'ssm:GetConnectionStatus', 'ssm:DescribeInstanceProperties', 'ec2:DescribeInstances'],
        Resource: '*',
      },
    ];
    if (props.sessionKeyArn) {
      statements.push({ Sid: 'EncryptSessions', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: props.sessionKeyArn });
    }
    if (props.canTerminateAnySession) {
      statements.push({ Sid: 'EndAnySession', Effect: 'Allow', Action: 'ssm:TerminateSession', Resource: ssmArn(accountId, 'session/*') });
    }
    this.document = new PolicyDocument(statements);
    this.policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: 'Session Manager access: which instances, with which documents',
      policy: this.document.toJson(),
    });

    (props.roleNames ?? []).forEach((role, i) => new IamRolePolicyAttachment(this, `role-${i}`, { role, policyArn: this.policy.arn }));
    (props.groupNames ?? []).forEach((group, i) => new IamGroupPolicyAttachment(this, `group-${i}`, { group, policyArn: this.policy.arn }));
    if (props.createRole) {
      this.role = new IamRole(this, 'role', {
        name: props.createRole.roleName,
        description: `Session Manager access (${props.policyName})`,
        assumeRolePolicy: trustPolicy(props.createRole.trustedPrincipals).toJson(),
        permissionsBoundary: props.createRole.permissionsBoundaryArn,
        tags: props.runAsUser ? { [RUN_AS_TAG]: props.runAsUser } : undefined,
      });
      new IamRolePolicyAttachment(this, 'created-role', { role: this.role.name, policyArn: this.policy.arn });
    }
  }
}

function trustPolicy({ arns = [], services = [] }: TrustedPrincipals): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (arns.length > 0) {
    statements.push({ Sid: 'TrustedPrincipalsAssumeRole', Effect: 'Allow', Principal: { AWS: [...arns] }, Action: 'sts:AssumeRole' });
  }
  if (services.length > 0) {
    statements.push({ Sid: 'TrustedServicesAssumeRole', Effect: 'Allow', Principal: { Service: [...services] }, Action: 'sts:AssumeRole' });
  }
  return new PolicyDocument(statements);
}
