import { Construct } from 'constructs';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { AUDIT_TRAIL_TAG, keyGuardStatement, sessionLoggingGuardStatements } from '../shared/resource-guards';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';
import { EncryptedBucket } from '../shared/encrypted-bucket';
import { EncryptionKey } from '../shared/encryption-key';
import { addLockingAndAccessLogs, retentionRule, type LogRetention } from '../shared/log-retention';
import type { PolicyStatement } from '../shared/policy-document';

type Condition = NonNullable<PolicyStatement['Condition']>;

/** An environment's part of the archive. */
export interface ArchiveWriter {
  /** Objects go under `<prefix>/`; without slashes. */
  readonly prefix: string;
  /** The roles that record its sessions (the instance role, the Default Host Management role): role ARNs, path included. */
  readonly roleArns: readonly string[];
}

export interface SessionLogArchiveProps extends LogRetention {
  readonly bucketName: string;
  /** Each environment writing to the archive, and only under its own prefix. */
  readonly writers: readonly ArchiveWriter[];
  /** Who may read and decrypt transcripts: role ARNs of named accounts, `*` allowed in the name. */
  readonly readerArns: readonly string[];
  /** Who may still change or delete what the archive keeps, as ARN patterns: the archive's pipeline. */
  readonly pipelineRoleArns: readonly string[];
  /**
   * Writers and readers must be principals of this organization (`aws:PrincipalOrgID`).
   * @default principals are checked by ARN only
   */
  readonly organizationId?: string;
  /**
   * Alias of the KMS key, without `alias/`.
   * @default 'ssm-session-kit-log-archive'
   */
  readonly keyAlias?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
}

/**
 * A central archive of Session Manager transcripts, in an account the environments' administrators
 * have no role in: a bucket as `SessionLogging`'s (versioned, SSE-KMS with a key of its own, object
 * lock, lifecycle) whose bucket and key policies stand alone. Each environment's recording roles put
 * objects under their own prefix and nothing else; only the readers read and decrypt; nobody but the
 * pipeline deletes, shortens retention or changes either policy.
 */
export class SessionLogArchive extends Construct {
  readonly key: EncryptionKey;
  readonly bucket: EncryptedBucket;
  readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: SessionLogArchiveProps) {
    super(scope, id);
    const partition = partitionOf(this);
    this.key = new EncryptionKey(this, 'key', {
      description: 'Encrypts the central archive of Session Manager transcripts',
      alias: props.keyAlias ?? 'ssm-session-kit-log-archive',
      partition,
      accountId: accountIdOf(this),
      deletionWindowInDays: props.keyDeletionWindowInDays,
      tags: { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value },
    });
    this.bucket = new EncryptedBucket(this, 'bucket', {
      bucketName: props.bucketName,
      partition,
      kmsKeyArn: this.key.keyArn,
      objectLockEnabled: props.objectLock !== undefined,
    });
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.bucket.id,
      rule: [retentionRule('archive-then-expire-transcripts', undefined, props)],
      dependsOn: [this.bucket.versioning],
    });
    addLockingAndAccessLogs(this, { id: this.bucket.bucket.id, name: props.bucketName }, props);
    const statements = logArchiveStatements({ ...props, bucketArn: this.bucket.bucketArn, region: regionOf(this) });
    this.bucket.addToResourcePolicy(...statements.bucket);
    this.key.addToKeyPolicy(...statements.key);
  }
}

export interface LogArchiveStatementsProps extends Pick<SessionLogArchiveProps, 'writers' | 'readerArns' | 'pipelineRoleArns' | 'organizationId'> {
  readonly bucketArn: string;
  /** The bucket's region: S3 there uses the key. */
  readonly region: string;
}

/** The archive's bucket and key policy statements, beside the encrypted bucket's and key's own. */
export function logArchiveStatements(props: LogArchiveStatementsProps): { bucket: PolicyStatement[]; key: PolicyStatement[] } {
  const { bucketArn, writers, readerArns, organizationId } = props;
  const writerArns = writers.flatMap((w) => w.roleArns);
  const orgKey: Record<string, string> = organizationId ? { 'aws:PrincipalOrgID': organizationId } : {};
  const inOrganization: Condition = organizationId ? { StringEquals: orgKey } : {};
  // Cross-account grants name the accounts as principals, and the roles by aws:PrincipalArn: a bucket
  // policy with a wildcard principal would be public, and a role must exist when a key policy names it.
  const accounts = (arns: readonly string[]) => ({ AWS: [...new Set(arns.map((arn) => `arn:${arn.split(':')[1]}:iam::${arn.split(':')[4]}:root`))] });
  // S3 uses the key for this bucket only: its requests carry the bucket's ARN (with S3 Bucket Keys) or
  // the object's as encryption context ("Using server-side encryption with AWS KMS keys": Encryption context).
  const throughS3: Condition = {
    StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com`, ...orgKey },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
  };
  // Every signed request carries aws:PrincipalIsAWSService; IfExists keeps the deny should one not.
  const notAwsServices = { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };
  const guards = sessionLoggingGuardStatements(bucketArn, props.pipelineRoleArns);
  return {
    bucket: [
      ...writers.map((w): PolicyStatement => ({
        Sid: `WriteOnlyUnder${w.prefix.replace(/[^A-Za-z0-9]/g, '')}`,
        Effect: 'Allow',
        Principal: accounts(w.roleArns),
        // The agent uploads, then sets the object's ACL (ignored: the bucket owner owns every object).
        Action: ['s3:PutObject', 's3:PutObjectAcl'],
        Resource: `${bucketArn}/${w.prefix}/*`,
        Condition: { ...inOrganization, ArnEquals: { 'aws:PrincipalArn': [...w.roleArns] } },
      })),
      ...(writerArns.length > 0 ? [{
        // The agent checks that the bucket is encrypted before it uploads.
        Sid: 'WritersCheckEncryption',
        Effect: 'Allow' as const,
        Principal: accounts(writerArns),
        Action: 's3:GetEncryptionConfiguration',
        Resource: bucketArn,
        Condition: { ...inOrganization, ArnEquals: { 'aws:PrincipalArn': writerArns } },
      }] : []),
      {
        Sid: 'ReadersRead',
        Effect: 'Allow',
        Principal: accounts(readerArns),
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'],
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { ...inOrganization, ArnLike: { 'aws:PrincipalArn': [...readerArns] } },
      },
      {
        // The archive account's own administrators included: an identity policy grants them nothing here.
        Sid: 'OnlyReadersRead',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: `${bucketArn}/*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [...readerArns] } },
      },
      ...(organizationId ? [{
        Sid: 'OnlyTheOrganization',
        Effect: 'Deny' as const,
        Principal: '*' as const,
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId }, ...notAwsServices },
      }] : []),
      ...guards.bucket,
    ],
    key: [
      ...(writerArns.length > 0 ? [{
        Sid: 'WritersEncryptThroughS3',
        Effect: 'Allow' as const,
        Principal: accounts(writerArns),
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { ...throughS3, ArnEquals: { 'aws:PrincipalArn': writerArns } },
      }] : []),
      {
        Sid: 'ReadersDecryptThroughS3',
        Effect: 'Allow',
        Principal: accounts(readerArns),
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { ...throughS3, ArnLike: { 'aws:PrincipalArn': [...readerArns] } },
      },
      {
        // Writers decrypt for multipart uploads; nobody else, the account's administrators included.
        Sid: 'OnlyReadersAndWritersDecrypt',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [...readerArns, ...writerArns] }, ...notAwsServices },
      },
      keyGuardStatement(props.pipelineRoleArns),
    ],
  };
}
