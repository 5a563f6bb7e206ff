import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';

export interface StateBucketProps {
  /** Name of the bucket that holds Terraform state. */
  readonly bucketName: string;
  /** Account that owns the bucket and administers its key. */
  readonly accountId: string;
  /**
   * Alias of the KMS key that encrypts the state, without the `alias/` prefix.
   * @default 'ssm-session-kit-tfstate'
   */
  readonly keyAlias?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
}

/**
 * An S3 bucket for Terraform remote state: versioned, encrypted with its own customer managed KMS
 * key, closed to the public, reachable only over TLS, and protected from `terraform destroy`.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, 'partition').partition;

    this.key = new KmsKey(this, 'key', {
      description: `Encrypts Terraform state in s3://${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowInDays ?? 30,
      policy: this.keyPolicy(partition, props.accountId),
      lifecycle: { preventDestroy: true },
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: `alias/${props.keyAlias ?? 'ssm-session-kit-tfstate'}`,
      targetKeyId: this.key.keyId,
    });

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn },
        bucketKeyEnabled: true,
      }],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    this.bucketPolicy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: this.bucketPolicyDocument(`arn:${partition}:s3:::${props.bucketName}`),
      // S3 refuses policy changes while the public access block is being written.
      dependsOn: [publicAccessBlock],
    });
  }

  /** The account administers the key through IAM; nobody else is named. */
  private keyPolicy(partition: string, accountId: string): string {
    return new DataAwsIamPolicyDocument(this, 'key-policy', {
      statement: [{
        sid: 'AccountAdministersKeyThroughIam',
        principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      }],
    }).json;
  }

  private bucketPolicyDocument(bucketArn: string): string {
    const everyone = [{ type: '*', identifiers: ['*'] }];
    const bucketAndObjects = [bucketArn, `${bucketArn}/*`];
    return new DataAwsIamPolicyDocument(this, 'bucket-policy', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:*'],
          resources: bucketAndObjects,
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyOutdatedTls',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:*'],
          resources: bucketAndObjects,
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        },
        {
          // A write that asks for S3-managed keys would bypass the bucket's KMS key.
          sid: 'DenyNonKmsEncryption',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/*`],
          condition: [
            { test: 'Null', variable: 's3:x-amz-server-side-encryption', values: ['false'] },
            { test: 'StringNotEquals', variable: 's3:x-amz-server-side-encryption', values: ['aws:kms'] },
          ],
        },
      ],
    }).json;
  }
}
