import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'child_process';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { EnvironmentConfig } from '../../config/types';
import { transcriptLocation } from '../../scripts/lib/session-audit';

/**
 * Sessions recorded as the agent records them, in the emulator:
 * - the stream: one log event per batch the agent sends, its message a JSON `CloudWatchMessage`
 *   (aws/amazon-ssm-agent, agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go:
 *   eventVersion, eventTime, awsRegion, target.id, userIdentity.arn, runAsUser, sessionId, sessionData,
 *   tabs made spaces, carriage returns and escape sequences removed by `buildEventInfo` and
 *   `processMessage`), in a stream named after the session ("Logging session data using Amazon
 *   CloudWatch Logs");
 * - the transcript: the terminal's output, escape sequences and all, at `<prefix>/<session-id>.log`
 *   ("Logging session data using Amazon S3"), in a versioned bucket.
 */

export const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const OWNER = 'arn:aws:sts::111111111111:assumed-role/ssm-session-kit-dev-operators/alice';
export const INSTANCE = 'i-0123456789abcdef0';
export const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

/** A batch the terminal received (`raw`, for the transcript) and what the agent streamed of it (`lines`), `after` ms from the start. */
export interface Batch { readonly after: number; readonly raw: string; readonly lines: string[] }

/** A shell session: a title escape, a command, its output, a coloured prompt and a tab. */
export const BATCHES: readonly Batch[] = [
  { after: 0, raw: '\x1b]0;ssm-operator@ip-10-0-1-5\x07sh-5.2$ uptime\r\n', lines: ['sh-5.2$ uptime'] },
  { after: 1500, raw: ' 10:00:01 up 3 days,  load average: 0.00\r\n', lines: [' 10:00:01 up 3 days,  load average: 0.00'] },
  { after: 4000, raw: 'sh-5.2$ \x1b[1;31mls\x1b[0m\r\napp\tlogs\r\n', lines: ['sh-5.2$ ls', 'app logs'] },
];

/** The agent's message for a batch of lines, as `buildEventInfo` marshals it. */
export function agentMessage(region: string, sessionId: string, at: Date, lines: readonly string[]): string {
  return JSON.stringify({
    eventVersion: '1.0', eventTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), awsRegion: region, target: { id: INSTANCE },
    userIdentity: { arn: OWNER }, runAsUser: 'ssm-operator', sessionId, sessionData: lines,
  });
}

/** The environment's bucket and log group in the emulator, and writers of what the agent writes there. */
export async function recordingPlace(env: EnvironmentConfig, endpoint: string) {
  const where = transcriptLocation(env);
  const config = { region: where.region, endpoint, credentials: CREDENTIALS };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const logs = new CloudWatchLogsClient(config);
  await s3.send(new CreateBucketCommand({ Bucket: where.bucket, CreateBucketConfiguration: { LocationConstraint: where.region as 'eu-west-1' } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: where.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: where.logGroup }));
  return {
    async stream(sessionId: string, batches: readonly Batch[] = BATCHES): Promise<void> {
      await logs.send(new CreateLogStreamCommand({ logGroupName: where.logGroup, logStreamName: sessionId }));
      await logs.send(new PutLogEventsCommand({
        logGroupName: where.logGroup, logStreamName: sessionId,
        logEvents: batches.map((b) => ({ timestamp: T0 + b.after, message: agentMessage(where.region, sessionId, new Date(T0 + b.after), b.lines) })),
      }));
    },
    async transcript(sessionId: string, body: string | Uint8Array): Promise<void> {
      await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: `${where.prefix}${sessionId}.log`, Body: body }));
    },
    /** Any object of the environment's log bucket, as whoever may write there could put it. */
    async object(key: string, body: string): Promise<void> {
      await s3.send(new PutObjectCommand({ Bucket: env.sessionLogging.bucketName, Key: key, Body: body }));
    },
    close(): void {
      s3.destroy();
      logs.destroy();
    },
  };
}

/** The variables a script run against the emulator takes. */
export function emulatorVariables(endpoint: string): NodeJS.ProcessEnv {
  return { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_ENDPOINT_URL: endpoint, AWS_PROFILE: '', SSK_CONFIG: '' };
}

/**
 * Engineers: IAM users of the emulator's account, each with an access key (one Python start for all),
 * and a Session Manager client of each, whose StartSession the emulator records in CloudTrail's event
 * history as AWS does.
 */
export function engineers(endpoint: string, region: string, names: readonly string[]): Record<string, SSMClient> {
  const run = spawnSync('python3', ['-c', `
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
keys = {}
for name in sys.argv[2:]:
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    keys[name] = {"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}
print(json.dumps(keys))
`, endpoint, ...names], { encoding: 'utf8', env: { ...process.env, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey } });
  if (run.status !== 0) throw new Error(run.stderr);
  const keys: Record<string, { accessKeyId: string; secretAccessKey: string }> = JSON.parse(run.stdout);
  return Object.fromEntries(names.map((name) => [name, new SSMClient({ region, endpoint, credentials: keys[name] })]));
}

/** A call made with the instance's credentials: the instance role's session, named after the instance ("IAM roles for Amazon EC2"). */
export async function fromTheInstance<T>(endpoint: string, region: string, call: (ssm: SSMClient) => Promise<T>): Promise<T> {
  const sts = new STSClient({ region, endpoint, credentials: CREDENTIALS });
  try {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/ssm-session-kit-dev-instance', RoleSessionName: INSTANCE }));
    const ssm = new SSMClient({ region, endpoint, credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken } });
    try {
      return await call(ssm);
    } finally {
      ssm.destroy();
    }
  } finally {
    sts.destroy();
  }
}
