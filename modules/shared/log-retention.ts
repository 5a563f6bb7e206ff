import type { Construct } from 'constructs';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';

export interface ObjectLockSettings {
  /** COMPLIANCE: nobody, root included, can shorten it; GOVERNANCE: holders of a special permission can. */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Default retention of every new log object. */
  readonly days: number;
}

/** How long a bucket of records keeps them, and who sees its requests. */
export interface LogRetention {
  /** @default 90 */
  readonly archiveAfterDays?: number;
  /** @default 365 */
  readonly expireAfterDays?: number;
  /** @default no object lock */
  readonly objectLock?: ObjectLockSettings;
  /** @default no server access logging */
  readonly accessLogBucket?: string;
}

/** Objects under `prefix` (every object without one) move to Glacier Instant Retrieval, then expire, old versions too. */
export function retentionRule(id: string, prefix: string | undefined, retention: LogRetention): S3BucketLifecycleConfigurationRule {
  const expireAfterDays = retention.expireAfterDays ?? 365;
  return {
    id,
    status: 'Enabled',
    filter: [prefix === undefined ? {} : { prefix: `${prefix}/` }],
    transition: [{ days: retention.archiveAfterDays ?? 90, storageClass: 'GLACIER_IR' }],
    expiration: [{ days: expireAfterDays }],
    noncurrentVersionExpiration: [{ noncurrentDays: expireAfterDays }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
}

/** Object lock's default retention and server access logging of a log bucket, as `retention` asks, in `scope`. */
export function addLockingAndAccessLogs(scope: Construct, bucket: { id: string; name: string }, retention: LogRetention): void {
  if (retention.objectLock) {
    new S3BucketObjectLockConfigurationA(scope, 'object-lock', {
      bucket: bucket.id,
      rule: { defaultRetention: { mode: retention.objectLock.mode, days: retention.objectLock.days } },
    });
  }
  if (retention.accessLogBucket) {
    new S3BucketLoggingA(scope, 'access-logging', {
      bucket: bucket.id,
      targetBucket: retention.accessLogBucket,
      targetPrefix: `${bucket.name}/`,
    });
  }
}
