import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';

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
}

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
}

/**
 * An IAM role for EC2 instances managed by Systems Manager: EC2 may assume it, and it carries the
 * AWS managed policy `AmazonSSMManagedInstanceCore`, which is all the SSM agent needs to register the
 * instance and serve sessions.
 */
export class IamSsmRole extends Construct {
  readonly role: IamRole;
  readonly partition: string;

  constructor(scope: Construct, id: string, props: IamSsmRoleProps = {}) {
    super(scope, id);
    this.partition = new DataAwsPartition(this, 'partition').partition;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      path: props.path ?? '/',
      description: props.description ?? 'Lets EC2 instances be managed by AWS Systems Manager',
      assumeRolePolicy: new DataAwsIamPolicyDocument(this, 'trust', {
        statement: [{
          sid: 'Ec2AssumesRole',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }],
        }],
      }).json,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    this.attachManagedPolicy('ssm-core', `arn:${this.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`);
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
    const prefix = target.keyPrefix ? `${target.keyPrefix.replace(/\/+$/, '')}/` : '';
    // arn:<partition>:logs:<region>:<account>, computed by Terraform since the ARN may not be known yet.
    const logsArnPrefix = Fn.join(':', Fn.slice(Fn.split(':', target.logGroupArn), 0, 5));
    return new IamRolePolicy(this, 'session-logging', {
      name: 'session-logging',
      role: this.role.name,
      policy: new DataAwsIamPolicyDocument(this, 'session-logging-policy', {
        statement: [
          { sid: 'WriteSessionLogObjects', actions: ['s3:PutObject'], resources: [`${target.bucketArn}/${prefix}*`] },
          // The agent checks that the bucket is encrypted before it uploads.
          { sid: 'CheckLogBucketEncryption', actions: ['s3:GetEncryptionConfiguration'], resources: [target.bucketArn] },
          {
            sid: 'StreamSessionLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [`${target.logGroupArn}:*`],
          },
          // The agent checks that the log group is encrypted; DescribeLogGroups is authorized on all groups.
          { sid: 'CheckLogGroupEncryption', actions: ['logs:DescribeLogGroups'], resources: [`${logsArnPrefix}:log-group:*`] },
          {
            sid: 'UseSessionKey',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [target.kmsKeyArn],
          },
        ],
      }).json,
    });
  }
}
