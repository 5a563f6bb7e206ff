import { Construct } from 'constructs';
import { EncryptedBucket } from '../shared/encrypted-bucket';
import { EncryptionKey } from '../shared/encryption-key';
import { partitionOf } from '../shared/aws-environment';

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
  readonly key: EncryptionKey;
  readonly bucket: EncryptedBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const partition = partitionOf(this);
    this.key = new EncryptionKey(this, 'key', {
      description: `Encrypts Terraform state in s3://${props.bucketName}`,
      alias: props.keyAlias ?? 'ssm-session-kit-tfstate',
      partition,
      accountId: props.accountId,
      deletionWindowInDays: props.keyDeletionWindowInDays,
    });
    this.bucket = new EncryptedBucket(this, 'bucket', { bucketName: props.bucketName, partition, kmsKeyArn: this.key.keyArn });
    this.bucket.addToResourcePolicy({
      // A write that asks for S3-managed keys would bypass the bucket's KMS key.
      Sid: 'DenyNonKmsEncryption',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `${this.bucket.bucketArn}/*`,
      Condition: {
        Null: { 's3:x-amz-server-side-encryption': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      },
    });
  }
}
