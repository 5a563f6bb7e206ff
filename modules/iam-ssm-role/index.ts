import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';

export interface IamSsmRoleProps {
  /**
   * Name of the role.
   * @default a unique name Terraform generates
   */
  readonly roleName?: string;
  /**
   * IAM path of the role.
   * @default '/'
   */
  readonly path?: string;
  /** @default 'Lets EC2 instances be managed by AWS Systems Manager' */
  readonly description?: string;
  /**
   * Further managed policies to attach, by ARN, beyond `AmazonSSMManagedInstanceCore`.
   * @default none
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * ARN of a managed policy that caps the role's permissions.
   * @default no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * What lets SSM Agent serve sessions: `managed`, AWS's `AmazonSSMManagedInstanceCore` (which also
   * reads every Parameter Store parameter and serves Run Command, inventory and associations), or
   * `minimal`, an inline policy with only what Session Manager needs.
   * @default 'managed'
   */
  readonly corePolicy?: 'managed' | 'minimal';
  /**
   * With `corePolicy: 'minimal'`, also the `ec2messages` actions agents older than 3.3.40.0 take Run
   * Command messages with. Newer agents receive them over `ssmmessages`, so this does not keep Run
   * Command out: refusing `ssm:SendCommand` on the instances does (the guardrails).
   * @default false
   */
  readonly runCommand?: boolean;
}

/**
 * ("Step 2: Verify or add instance permissions for Session Manager") What SSM Agent needs to register
 * the node and open Session Manager's control and data channels; agents older than 3.3.40.0 take Run
 * Command messages through `ec2messages`.
 */
export const SESSION_MANAGER_AGENT_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;
export const RUN_COMMAND_AGENT_ACTIONS = [
  'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
  'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
] as const;

/** What the SSM agent writes when it records a session. */
export interface SessionLoggingTarget {
  /** ARN of the bucket session logs are written to. */
  readonly bucketArn: string;
  /**
   * Key prefix of the session logs in the bucket, without leading slash.
   * @default '' (the whole bucket)
   */
  readonly keyPrefix?: string;
  /** ARN of the CloudWatch log group sessions stream to (without the trailing `:*`). */
  readonly logGroupArn: string;
  /** ARN of the KMS key that encrypts session data, the log objects and the log group. */
  readonly kmsKeyArn: string;
  /**
   * The bucket's own key, where the bucket is another account's (a log archive): the agent's uploads
   * are encrypted by S3 with it, so the role may use that account's keys through S3 in its region only.
   * @default the bucket is encrypted with `kmsKeyArn`
   */
  readonly bucketKey?: { readonly accountId: string; readonly region: string };
}

/**
 * An IAM role for EC2 instances managed by Systems Manager: EC2 may assume it, and it carries what SSM
 * Agent needs to register the instance and serve sessions: AWS's `AmazonSSMManagedInstanceCore`, or
 * with `corePolicy: 'minimal'` only the Session Manager actions.
 */
export class IamSsmRole extends Construct {
  readonly role: IamRole;
  readonly partition: string;

  constructor(scope: Construct, id: string, props: IamSsmRoleProps = {}) {
    super(scope, id);
    this.partition = partitionOf(this);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      path: props.path ?? '/',
      description: props.description ?? 'Lets EC2 instances be managed by AWS Systems Manager',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'Ec2AssumesRole',
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }]).toJson(),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    if ((props.corePolicy ?? 'managed') === 'managed') {
      this.attachManagedPolicy('ssm-core', `arn:${this.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`);
    } else {
      new IamRolePolicy(this, 'session-manager', {
        name: 'session-manager',
        role: this.role.name,
        policy: new PolicyDocument([
          // ssm:UpdateInstanceInformation and ssmmessages have no resource type to scope to.
          { Sid: 'ServeSessions', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' },
          ...(props.runCommand ? [{ Sid: 'ServeRunCommand', Effect: 'Allow' as const, Action: [...RUN_COMMAND_AGENT_ACTIONS], Resource: '*' }] : []),
        ]).toJson(),
      });
    }
    (props.managedPolicyArns ?? []).forEach((arn, i) => this.attachManagedPolicy(`managed-policy-${i}`, arn));
  }

  get roleName(): string {
    return this.role.name;
  }

  get roleArn(): string {
    return this.role.arn;
  }

  attachManagedPolicy(id: string, policyArn: string): IamRolePolicyAttachment {
    return new IamRolePolicyAttachment(this, id, { role: this.role.name, policyArn });
  }

  /**
   * Lets the instance record sessions: put log objects under the prefix, stream to the log group, and
   * use the key. Nothing more: no reads or deletes of logs, no other bucket or log group.
   */
  grantSessionLogging(target: SessionLoggingTarget): IamRolePolicy {
    return grantSessionLogging(this, this.role.name, target);
  }
}

/**
 * What the SSM agent needs to record sessions, as an inline policy `session-logging` of `roleName`:
 * put log objects under the prefix, stream to the log group, and use the key. Shared by every role an
 * agent runs with: an instance's own, and the one Default Host Management lends it.
 */
export function grantSessionLogging(scope: Construct, roleName: string, target: SessionLoggingTarget): IamRolePolicy {
  const prefix = target.keyPrefix ? `${target.keyPrefix.replace(/\/+$/, '')}/` : '';
  const partition = partitionOf(scope);
  return new IamRolePolicy(scope, 'session-logging', {
    name: 'session-logging',
    role: roleName,
    policy: new PolicyDocument([
      { Sid: 'WriteSessionLogObjects', Effect: 'Allow', Action: 's3:PutObject', Resource: `${target.bucketArn}/${prefix}*` },
      // The agent checks that the bucket is encrypted before it uploads.
      { Sid: 'CheckLogBucketEncryption', Effect: 'Allow', Action: 's3:GetEncryptionConfiguration', Resource: target.bucketArn },
      {
        Sid: 'StreamSessionLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: `${target.logGroupArn}:*`,
      },
      // The agent checks that the log group is encrypted; DescribeLogGroups is authorized on all groups.
      {
        Sid: 'CheckLogGroupEncryption',
        Effect: 'Allow',
        Action: 'logs:DescribeLogGroups',
        Resource: `arn:${partition}:logs:${regionOf(scope)}:${accountIdOf(scope)}:log-group:*`,
      },
      { Sid: 'UseSessionKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: target.kmsKeyArn },
      ...(target.bucketKey ? crossAccountBucketStatements(partition, target.bucketArn, prefix, target.bucketKey) : []),
    ]).toJson(),
  });
}

/**
 * A bucket of another account ("How do I configure a central Amazon S3 bucket for Session Manager
 * logging from multiple AWS accounts?", AWS re:Post Knowledge Center): the agent also sets the
 * object's ACL, and S3 encrypts with the bucket's key on the caller's behalf, which takes
 * kms:GenerateDataKey and kms:Decrypt on that key. Its id is the other stack's: any key of that account
 * and region, used by S3 for this bucket only.
 */
function crossAccountBucketStatements(partition: string, bucketArn: string, prefix: string, key: { accountId: string; region: string }): PolicyStatement[] {
  return [
    { Sid: 'SetSessionLogObjectAcl', Effect: 'Allow', Action: 's3:PutObjectAcl', Resource: `${bucketArn}/${prefix}*` },
    {
      Sid: 'UseLogBucketKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: `arn:${partition}:kms:${key.region}:${key.accountId}:key/*`,
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${key.region}.amazonaws.com` },
        // With S3 Bucket Keys the context is the bucket's ARN, without them the object's; a string key
        // ("AWS KMS condition keys": kms:EncryptionContext:context-key), so String operators.
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/${prefix}*`] },
      },
    },
  ];
}
