import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { PolicyDocument, PolicyStatement } from './policy-document';

export interface EncryptedBucketProps {
  readonly bucketName: string;
  /** ARN partition of the account, e.g. from `DataAwsPartition`. */
  readonly partition: string;
  /** The key every object is encrypted with by default. */
  readonly kmsKeyArn: string;
  /**
   * Create the bucket with S3 Object Lock available (it cannot be turned on later).
   * @default false
   */
  readonly objectLockEnabled?: boolean;
}

/**
 * An S3 bucket for records that matter: versioned, SSE-KMS with bucket keys, all public access
 * blocked, ACLs disabled, TLS 1.2+ only, never force-destroyed and protected from `terraform destroy`.
 * Others add to its policy with `addToResourcePolicy`.
 */
export class EncryptedBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Known at plan time, unlike `bucket.arn`, so policies that name it resolve early. */
  readonly bucketArn: string;
  readonly bucketPolicy: PolicyDocument;
  /** The bucket policy resource: whatever needs the policy in place depends on it. */
  readonly policy: S3BucketPolicy;
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps) {
    super(scope, id);
    this.bucketArn = `arn:${props.partition}:s3:::${props.bucketName}`;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      objectLockEnabled: props.objectLockEnabled || undefined,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;
    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
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

    const everything = [this.bucketArn, `${this.bucketArn}/*`];
    this.bucketPolicy = new PolicyDocument([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: everything,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyOutdatedTls',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: everything,
        Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
      },
    ]);
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: this.bucketPolicy.toJson(),
      // S3 refuses policy changes while the public access block is being written.
      dependsOn: [publicAccessBlock],
    });
  }

  addToResourcePolicy(...statements: PolicyStatement[]): void {
    this.bucketPolicy.addStatements(...statements);
  }
}
