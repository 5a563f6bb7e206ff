/** An environment's `sessionLogging`: every session recorded, and where its transcripts go. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import type { SessionLoggingProps } from '../../modules/session-logging';
import { checkSessionLoggingProps, CLOUDWATCH_RETENTION_DAYS, SESSION_LOGGING_RANGES } from '../../modules/session-logging/limits';
import { awsString, problem, strict } from './common';
import type { EnvironmentConfig } from './environment';
import type { LogArchiveFile } from './log-archive';

const number = (description: string, annotations: Record<string, unknown> = {}) =>
  f.number().optional().meta({ description, ...annotations });
// The ranges are the module's own check (checkSessionLoggingProps); here they only annotate for editors.
const range = (field: keyof typeof SESSION_LOGGING_RANGES) => ({ minimum: SESSION_LOGGING_RANGES[field][0], maximum: SESSION_LOGGING_RANGES[field][1] });

/** How a bucket of records keeps them: the same fields for an environment's log bucket and the log archive. */
export function retentionFields(objects: string, bucket: string) {
  return {
    archiveAfterDays: number(`move ${objects} to Glacier Instant Retrieval; default 90`, range('archiveAfterDays')),
    expireAfterDays: number(`expire ${objects}; default 365`, range('expireAfterDays')),
    objectLock: strict({
      mode: f.oneOf(['GOVERNANCE', 'COMPLIANCE'], 'must be GOVERNANCE or COMPLIANCE')
        .meta({ description: 'GOVERNANCE: users with s3:BypassGovernanceRetention may delete; COMPLIANCE: nobody may, root included' }),
      days: f.number().meta({ description: `days each of the ${objects} is locked`, ...range('objectLockDays') }),
    }, `write-once ${objects}; only when the bucket is created`).optional(),
    accessLogBucket: awsString(rules.bucketName, `bucket receiving S3 server access logs of the ${bucket}`).optional(),
    keyDeletionWindowInDays: number('KMS key deletion window; default 30', range('keyDeletionWindowInDays')),
  };
}

export const sessionLoggingSchema = strict({
  bucketName: awsString(rules.bucketName, 'log bucket: versioned, SSE-KMS, all public access blocked, TLS only'),
  keyPrefix: f.string().optional().meta({ description: 'where logs go in the bucket; default sessions' }),
  logRetentionDays: number('CloudWatch log retention; default 365', { enum: CLOUDWATCH_RETENTION_DAYS }),
  ...retentionFields('log objects', 'log bucket'),
  idleSessionTimeoutMinutes: number('idle session timeout; default 20', range('idleSessionTimeoutMinutes')),
  maxSessionDurationMinutes: number('maximum session duration; default no limit', range('maxSessionDurationMinutes')),
  runAsDefaultUser: f.string().optional().meta({ description: "turns run-as on, with this Linux user unless the principal's SSMSessionRunAs tag names another" }),
  shellProfile: strict({
    linux: f.string().optional().meta({ description: 'commands run at the start of Linux sessions' }),
    windows: f.string().optional().meta({ description: 'commands run at the start of Windows sessions' }),
  }, 'commands run at session start').optional(),
  destination: f.oneOf(['archive', 'local'], 'must be "archive" or "local"').optional().meta({
    description: 'where the S3 transcripts go: "archive" (under <env>/ in logArchive\'s bucket) or "local" (bucketName); default "archive" when logArchive is configured, else "local"',
  }),
  cloudWatchStreaming: f.boolean().optional().meta({ description: 'stream output as it happens rather than upload it at the end; default true' }),
  importExistingDocument: f.boolean().optional().meta({ description: 'import the existing SSM-SessionManagerRunShell document instead of creating it' }),
}, 'every session recorded: the SessionLogging props, except the log group name and key alias').check((ctx) => {
  for (const p of checkSessionLoggingProps(ctx.value)) problem(ctx, p.field.split('.'), p.message);
});

export type SessionLoggingFile = f.Output<typeof sessionLoggingSchema>;

/** The environment's say over `SessionLoggingProps`; the stack names the log group and key alias. */
export type SessionLoggingConfig = Omit<SessionLoggingProps, 'logGroupName' | 'keyAlias'>;

/** Where an environment's S3 transcripts go when it sends them to the log archive. */
export interface ArchiveDestination {
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  /** The environment's part of the bucket, without slashes: its name. */
  readonly prefix: string;
}

/** The destination the file chose, before `withArchive` settles it. */
export function destinationOf(env: EnvironmentConfig): string | undefined {
  return (env.sessionLogging as SessionLoggingFile).destination;
}

/** Where the environment's transcripts go: the archive by default when there is one. */
export function withArchive(env: EnvironmentConfig, archive: LogArchiveFile | undefined): EnvironmentConfig {
  const { destination: _chosen, ...sessionLogging } = env.sessionLogging as SessionLoggingFile;
  const toArchive = archive !== undefined && (destinationOf(env) ?? 'archive') === 'archive';
  return {
    ...env,
    sessionLogging,
    ...(toArchive ? { archive: { accountId: archive.accountId, region: archive.region, bucketName: archive.bucketName, prefix: env.name } } : {}),
  };
}
