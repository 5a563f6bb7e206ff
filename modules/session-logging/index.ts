import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import type { SessionLoggingTarget } from '../iam-ssm-role';
import { EncryptedBucket } from '../shared/encrypted-bucket';
import { EncryptionKey } from '../shared/encryption-key';
import { AUDIT_TRAIL_TAG, REVIEWS_PREFIX, reviewGuardStatements, sessionLoggingGuardStatements } from '../shared/resource-guards';
import { addLockingAndAccessLogs, retentionRule, type ObjectLockSettings } from '../shared/log-retention';
import { checkSessionLoggingProps } from './limits';
import { DEFAULT_SESSION_KEY_PREFIX, SESSION_PREFERENCES_DOCUMENT } from './names';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';

export { CLOUDWATCH_RETENTION_DAYS, checkSessionLoggingProps, type PropProblem } from './limits';
export { DEFAULT_SESSION_KEY_PREFIX, SESSION_PREFERENCES_DOCUMENT } from './names';

export type { ObjectLockSettings } from '../shared/log-retention';

/** A bucket of another account that receives the transcripts. */
export interface TranscriptBucket {
  readonly bucketName: string;
  /** Without slashes at either end. */
  readonly keyPrefix: string;
  /** The bucket's account and region, where its key is. */
  readonly accountId: string;
  readonly region: string;
}

export interface SessionLoggingProps {
  /** Name of the bucket session logs are written to. */
  readonly bucketName: string;
  /**
   * Key prefix of the session logs in the bucket, without slashes at either end.
   * @default 'sessions'
   */
  readonly keyPrefix?: string;
  /**
   * Name of the CloudWatch log group sessions stream to.
   * @default '/ssm-session-kit/sessions'
   */
  readonly logGroupName?: string;
  /**
   * Days CloudWatch keeps session logs; one of `CLOUDWATCH_RETENTION_DAYS`.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Days after which log objects move to S3 Glacier Instant Retrieval.
   * @default 90
   */
  readonly archiveAfterDays?: number;
  /**
   * Days after which log objects expire (and old versions that many days after they are replaced).
   * @default 365
   */
  readonly expireAfterDays?: number;
  /**
   * Write-once retention of log objects. Only settable when the bucket is created.
   * @default no object lock
   */
  readonly objectLock?: ObjectLockSettings;
  /**
   * Bucket that receives S3 server access logs of the log bucket.
   * @default no server access logging
   */
  readonly accessLogBucket?: string;
  /**
   * Alias of the KMS key, without `alias/`.
   * @default 'ssm-session-kit-sessions'
   */
  readonly keyAlias?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
  /**
   * Minutes without activity before a session ends (1 to 60).
   * @default 20
   */
  readonly idleSessionTimeoutMinutes?: number;
  /**
   * Minutes a session may last at most (1 to 1440).
   * @default no limit
   */
  readonly maxSessionDurationMinutes?: number;
  /**
   * Linux user sessions run as, unless the IAM principal's `SSMSessionRunAs` tag names another; turns
   * run-as support on.
   * @default run as the agent's `ssm-user`
   */
  readonly runAsDefaultUser?: string;
  /**
   * Commands run at the start of every session, per platform.
   * @default none
   */
  readonly shellProfile?: { readonly linux?: string; readonly windows?: string };
  /**
   * Stream session output to CloudWatch as it happens, instead of uploading it when the session ends.
   * @default true
   */
  readonly cloudWatchStreaming?: boolean;
  /**
   * Where the S3 transcripts go instead of the construct's own bucket: a bucket of another account (a
   * central log archive), which must let the recording roles put objects under `keyPrefix` and use its
   * key (`SessionLogArchive` does). The construct's bucket is still created, for other logs (a trail's).
   * @default the construct's bucket, under `keyPrefix`
   */
  readonly transcripts?: TranscriptBucket;
  /**
   * Take over a preferences document that already exists in the account (created by the console the
   * first time someone opened Session Manager preferences) with a Terraform import, instead of failing
   * to create it.
   * @default false
   */
  readonly importExistingDocument?: boolean;
  /**
   * The roles (the deployment pipeline's) that alone may change the bucket's configuration, delete or
   * re-retain its objects, and manage the key: the bucket and key policies deny it to everyone else,
   * whatever their own policies say, and the key carries `AUDIT_TRAIL_TAG`, by which a service control
   * policy protects keys it cannot name.
   * @default the bucket and key not guarded
   */
  readonly pipelineRoleArns?: readonly string[];
  /**
   * Sign-offs of reviewed sessions, in the bucket under `reviews/`: only these roles (`SessionReviewers`)
   * write them, each a new object, never for a session of the reviewer's own (`reviewGuardStatements`);
   * kept as long as the session logs.
   * @default no sign-offs
   */
  readonly reviewerRoleArns?: readonly string[];
}

/**
 * Every session recorded: commands and output go to CloudWatch Logs and to S3, both encrypted with a
 * customer managed key that also encrypts the session traffic, through the Session Manager
 * preferences document. The bucket, log group and key are protected from `terraform destroy`.
 */
export class SessionLogging extends Construct {
  readonly key: EncryptionKey;
  readonly bucket: EncryptedBucket;
  readonly logGroup: CloudwatchLogGroup;
  /** Known at plan time, unlike `logGroup.name` and `logGroup.arn`. */
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly document: SsmDocument;
  /** Known at plan time. */
  readonly documentArn: string;
  /** The preferences the document holds, as Session Manager reads them. */
  readonly preferences: Readonly<Record<string, unknown>>;
  /** What an instance role needs to record sessions: see `IamSsmRole.grantSessionLogging`. */
  readonly grantTarget: SessionLoggingTarget;
  /** Archives and expires the log objects; `retainLikeSessionLogs` adds prefixes. */
  readonly lifecycle: S3BucketLifecycleConfiguration;
  private readonly retention: SessionLoggingProps;
  private readonly retainedPrefixes: string[];

  constructor(scope: Construct, id: string, props: SessionLoggingProps) {
    super(scope, id);
    const problems = checkSessionLoggingProps(props);
    if (problems.length > 0) {
      throw new Error(`${this.node.path}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    }
    const partition = partitionOf(this);
    const region = regionOf(this);
    const accountId = accountIdOf(this);
    const keyPrefix = props.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX;
    const logGroupName = props.logGroupName ?? '/ssm-session-kit/sessions';
    this.logGroupName = logGroupName;
    this.logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
    this.documentArn = `arn:${partition}:ssm:${region}:${accountId}:document/${SESSION_PREFERENCES_DOCUMENT}`;

    this.key = new EncryptionKey(this, 'key', {
      description: 'Encrypts Session Manager sessions and their logs',
      alias: props.keyAlias ?? 'ssm-session-kit-sessions',
      partition,
      accountId,
      deletionWindowInDays: props.keyDeletionWindowInDays,
      tags: props.pipelineRoleArns && { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value },
    });
    this.key.addToKeyPolicy({
      Sid: 'CloudWatchLogsEncryptsSessionLogGroup',
      Effect: 'Allow',
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': this.logGroupArn } },
    });

    this.bucket = new EncryptedBucket(this, 'bucket', {
      bucketName: props.bucketName,
      partition,
      kmsKeyArn: this.key.keyArn,
      objectLockEnabled: props.objectLock !== undefined,
    });
    this.retention = props;
    this.retainedPrefixes = [keyPrefix];
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.bucket.id,
      rule: this.retentionRules(),
      // Lifecycle rules on a bucket need its versioning settled first.
      dependsOn: [this.bucket.versioning],
    });
    addLockingAndAccessLogs(this, { id: this.bucket.bucket.id, name: props.bucketName }, props);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: this.key.keyArn,
      lifecycle: { preventDestroy: true },
    });

    const transcripts = props.transcripts;
    this.preferences = {
      s3BucketName: transcripts?.bucketName ?? props.bucketName,
      s3KeyPrefix: transcripts?.keyPrefix ?? keyPrefix,
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: logGroupName,
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: props.cloudWatchStreaming ?? true,
      kmsKeyId: this.key.key.keyId,
      idleSessionTimeout: String(props.idleSessionTimeoutMinutes ?? 20),
      maxSessionDuration: props.maxSessionDurationMinutes === undefined ? '' : String(props.maxSessionDurationMinutes),
      runAsEnabled: props.runAsDefaultUser !== undefined,
      runAsDefaultUser: props.runAsDefaultUser ?? '',
      shellProfile: { linux: props.shellProfile?.linux ?? '', windows: props.shellProfile?.windows ?? '' },
    };
    this.document = new SsmDocument(this, 'preferences', {
      name: SESSION_PREFERENCES_DOCUMENT,
      documentType: 'Session',
      documentFormat: 'JSON',
      content: JSON.stringify({
        schemaVersion: '1.0',
        description: 'Session Manager preferences: every session recorded and encrypted',
        sessionType: 'Standard_Stream',
        inputs: this.preferences,
      }),
      // The log destinations must exist before sessions are pointed at them.
      dependsOn: [this.logGroup, this.bucket.bucket],
    });
    if (props.importExistingDocument) this.document.importFrom(SESSION_PREFERENCES_DOCUMENT);

    this.grantTarget = {
      bucketArn: transcripts ? `arn:${partition}:s3:::${transcripts.bucketName}` : this.bucket.bucketArn,
      keyPrefix: transcripts?.keyPrefix ?? keyPrefix,
      logGroupArn: this.logGroupArn,
      kmsKeyArn: this.key.keyArn,
      ...(transcripts ? { bucketKey: { accountId: transcripts.accountId, region: transcripts.region } } : {}),
    };
    if (props.reviewerRoleArns?.length) {
      this.bucket.addToResourcePolicy(...reviewGuardStatements(this.bucket.bucketArn, props.reviewerRoleArns));
      this.retainLikeSessionLogs(REVIEWS_PREFIX);
    }
    if (props.pipelineRoleArns) {
      const guards = sessionLoggingGuardStatements(this.bucket.bucketArn, props.pipelineRoleArns);
      this.bucket.addToResourcePolicy(...guards.bucket);
      this.key.addToKeyPolicy(...guards.key);
    }
  }

  /**
   * Keeps objects under another prefix of the log bucket (a trail's log files) as long as the session
   * logs: archived and expired on the same days.
   */
  retainLikeSessionLogs(keyPrefix: string): void {
    this.retainedPrefixes.push(keyPrefix);
    this.lifecycle.putRule(this.retentionRules());
  }

  private retentionRules(): S3BucketLifecycleConfigurationRule[] {
    return this.retainedPrefixes.map((prefix, i) =>
      retentionRule(i === 0 ? 'archive-then-expire-session-logs' : `archive-then-expire-${prefix.replace(/[^\w-]/g, '-')}`, prefix, this.retention));
  }
}
