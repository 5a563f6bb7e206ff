import { spawnSync } from 'child_process';
import { gzipSync } from 'zlib';
import * as path from 'path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { loadConfig } from '../config/load';
import { parseArguments } from '../scripts/audit-sessions';
import { transcriptLocation } from '../scripts/lib/session-audit';
import { startEmulator, type Emulator } from './support/emulator';
import { engineers } from './support/recorded-sessions';

/**
 * `npm run audit-sessions` against the AWS emulator: sessions started through Session Manager's API
 * (the emulator records them in CloudTrail's event history, as AWS does), transcripts written where and
 * as the agent writes them (`<prefix>/<session-id>.log` in S3, a log stream named after the session),
 * then the forgeries a holder of the instance role's credentials can make.
 */
const ROOT = path.resolve(__dirname, '..');
// The pinned SDK runs on Node 20; its notice concerns later releases (as in the script).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const env = loadConfig().environments.find((e) => e.name === 'dev')!;
const where = transcriptLocation(env);
const INSTANCE = 'i-0123456789abcdef0';

let emulator: Emulator;
let credentials: { accessKeyId: string; secretAccessKey: string };
let open: { destroy(): void }[] = [];
/** SDK clients against the emulator, closed after the tests so that no socket outlives them. */
const track = <T extends { destroy(): void }>(client: T): T => { open.push(client); return client; };
const clients = () => {
  const config = { region: where.region, endpoint: emulator.url, credentials };
  return { s3: track(new S3Client({ ...config, forcePathStyle: true })), logs: track(new CloudWatchLogsClient(config)) };
};

/** The engineers, with their Session Manager clients (closed after the tests). */
const ENGINEERS = ['alice', 'bob', 'carol', 'dave'];
let engineerClients: Record<string, SSMClient>;
const engineer = (name: string): SSMClient => engineerClients[name];

function credentialVariables(): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey };
}

/** A session as the agent records it: output streamed to the log group, the transcript uploaded at its end. */
async function recordedSession(ssm: SSMClient, output: string[]): Promise<string> {
  const { SessionId } = await ssm.send(new StartSessionCommand({ Target: INSTANCE }));
  const { s3, logs } = clients();
  await logs.send(new CreateLogStreamCommand({ logGroupName: where.logGroup, logStreamName: SessionId! }));
  await logs.send(new PutLogEventsCommand({
    logGroupName: where.logGroup, logStreamName: SessionId!, logEvents: output.map((message) => ({ timestamp: Date.now(), message })),
  }));
  await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: `${where.prefix}${SessionId}.log`, Body: output.join('\n') }));
  await ssm.send(new TerminateSessionCommand({ SessionId }));
  return SessionId!;
}

function auditSessions(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/audit-sessions.ts', ...args], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...process.env, ...credentialVariables(), AWS_ENDPOINT_URL: emulator.url, AWS_PROFILE: '', SSK_CONFIG: '' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Audited { sessionId: string; flags: string[]; transcriptVersions: string[] }
const flagsOf = (audits: Audited[]) => Object.fromEntries(audits.map((a) => [a.sessionId, a.flags]));

describe('npm run audit-sessions, against the AWS emulator', () => {
  const sessions: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startEmulator();
    credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const { s3, logs } = clients();
    await s3.send(new CreateBucketCommand({ Bucket: where.bucket, CreateBucketConfiguration: { LocationConstraint: where.region as 'eu-west-1' } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: where.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: where.logGroup }));
    engineerClients = engineers(emulator.url, where.region, ENGINEERS);
    Object.values(engineerClients).forEach(track);
    sessions.alice = await recordedSession(engineer('alice'), ['sh-5.2$ uptime', ' 10:00:00 up 3 days']);
    sessions.carol = await recordedSession(engineer('carol'), ['sh-5.2$ sudo systemctl restart app']);
    // Still open: no transcript yet, and none expected.
    const bob = engineer('bob');
    sessions.bob = (await bob.send(new StartSessionCommand({ Target: INSTANCE }))).SessionId!;
  }, 120_000);

  afterAll(async () => {
    open.forEach((c) => c.destroy());
    open = [];
    await emulator?.stop();
  });

  it('flags nothing on an untouched environment, and lists every session', () => {
    const run = auditSessions('dev', '--grace', '0');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    for (const id of Object.values(sessions)) expect(run.stdout).toContain(id);
    expect(run.stdout).toMatch(/3 sessions, 0 flagged/);
    expect(run.stdout).toMatch(new RegExp(`${sessions.alice}\\s+user/alice\\s+${INSTANCE}`));
  }, 60_000);

  it('catches each forgery seeded, on its session only, and exits 1', async () => {
    const { s3, logs } = clients();
    // With the instance role's rights: put a new version of Alice's transcript ...
    await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: `${where.prefix}${sessions.alice}.log`, Body: 'sh-5.2$ ls' }));
    // ... append a back-dated event to Carol's stream after her session ended ...
    await new Promise((r) => setTimeout(r, 50));
    await logs.send(new PutLogEventsCommand({
      logGroupName: where.logGroup, logStreamName: sessions.carol, logEvents: [{ timestamp: Date.now() - 60_000, message: 'sh-5.2$ exit' }],
    }));
    // ... a transcript for a session nobody started ...
    await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: `${where.prefix}mallory-0a1b2c3d4e5f67890.log`, Body: 'sh-5.2$ true' }));
    // ... and a session whose transcript never arrived.
    const dave = engineer('dave');
    const { SessionId: daveSession } = await dave.send(new StartSessionCommand({ Target: INSTANCE }));
    await dave.send(new TerminateSessionCommand({ SessionId: daveSession }));

    const run = auditSessions('dev', '--grace', '0', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const audits = JSON.parse(run.stdout) as Audited[];
    expect(flagsOf(audits)).toEqual({
      [sessions.alice]: ['rewritten-transcript'],
      [sessions.carol]: ['written-after-end'],
      [sessions.bob]: [],
      [daveSession!]: ['no-transcript'],
      'mallory-0a1b2c3d4e5f67890': ['unknown-session'],
    });
    // Every version is kept, listed oldest first.
    const alice = audits.find((a) => a.sessionId === sessions.alice)!;
    expect(alice.transcriptVersions).toHaveLength(2);
    expect(new Date(alice.transcriptVersions[0]).getTime()).toBeLessThanOrEqual(new Date(alice.transcriptVersions[1]).getTime());

    const table = auditSessions('dev', '--grace', '0');
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(/5 sessions, 4 flagged/);
    expect(table.stdout).toMatch(new RegExp(`${sessions.alice}.*2 versions\\s+no\\s+rewritten-transcript`));
    expect(table.stdout).toMatch(/a rewritten transcript keeps every version: compare them, the agent writes its own as the session ends/);
  }, 60_000);

  it('leaves an event within the grace period alone', () => {
    const run = auditSessions('dev', '--json');
    expect(flagsOf(JSON.parse(run.stdout))[sessions.carol]).toEqual([]);
  }, 60_000);

  it("lists a session older than CloudTrail's event history, from the trail's log files in the log bucket", async () => {
    // ("Finding your CloudTrail log files") <prefix>/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/, a
    // gzipped JSON object of Records ("CloudTrail log file examples"); a StartSession record as
    // "CloudTrail record contents" gives it: the caller, the target in the request, the session's id in the answer.
    const at = new Date(Date.now() - 120 * 24 * 3600_000);
    const sessionId = 'erin-0a1b2c3d4e5f67890';
    const record = {
      eventVersion: '1.09', userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${env.accountId}:user/erin`, accountId: env.accountId, userName: 'erin' },
      eventTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'ssm.amazonaws.com', eventName: 'StartSession', awsRegion: env.region,
      sourceIPAddress: '192.0.2.0', userAgent: 'aws-cli/2.22.0', requestParameters: { target: INSTANCE },
      responseElements: { sessionId, tokenValue: 'Value hidden due to security reasons.', streamUrl: `wss://ssmmessages.${env.region}.amazonaws.com/v1/data-channel/${sessionId}` },
      eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: env.accountId, eventCategory: 'Management',
    };
    const day = at.toISOString().slice(0, 10).replace(/-/g, '/');
    const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '');
    const { s3 } = clients();
    await s3.send(new PutObjectCommand({
      Bucket: env.sessionLogging.bucketName, Key: `cloudtrail/AWSLogs/${env.accountId}/CloudTrail/${env.region}/${day}/${env.accountId}_CloudTrail_${env.region}_${stamp}Z_0a1b2c3d4e5f6789.json.gz`,
      Body: gzipSync(JSON.stringify({ Records: [record] })),
    }));
    await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: `${where.prefix}${sessionId}.log`, Body: 'sh-5.2$ uptime\n' }));
    const audits = JSON.parse(auditSessions('dev', '--since', '200d', '--json').stdout) as (Audited & { owner: string; target: string })[];
    expect(audits.find((a) => a.sessionId === sessionId)).toMatchObject({ owner: `arn:aws:iam::${env.accountId}:user/erin`, target: INSTANCE, flags: [] });
    // A window within the event history's 90 days reads no log file: the transcript (written now) is then a session nobody started.
    expect(flagsOf(JSON.parse(auditSessions('dev', '--since', '30d', '--json').stdout))[sessionId]).toEqual(['unknown-session']);
  }, 60_000);

  it('looks only as far back as asked', () => {
    // Everything above happened in the last minutes: a window from 2000 holds all of it, one from 2099 none.
    expect((JSON.parse(auditSessions('dev', '--since', '2000-01-01', '--json').stdout) as Audited[]).length).toBe(6);
    const later = auditSessions('dev', '--since', '2099-01-01', '--json');
    expect({ status: later.status, audits: JSON.parse(later.stdout) }).toEqual({ status: 0, audits: [] });
  }, 60_000);
});

describe('audit-sessions arguments', () => {
  const now = new Date('2026-12-02T12:00:00Z');

  it('reads the environment, the window and the output', () => {
    expect(parseArguments(['prod', '--since', '12h', '--json'], now)).toEqual({
      environment: 'prod', since: new Date('2026-12-02T00:00:00Z'), graceSeconds: 300, json: true,
    });
    expect(parseArguments(['prod'], now).since).toEqual(new Date('2026-11-25T12:00:00Z'));
    expect(parseArguments(['prod', '--since', '2026-11-30'], now).since).toEqual(new Date('2026-11-30T00:00:00Z'));
    expect(parseArguments(['prod', '--archive-profile', 'security-auditors'], now).archiveProfile).toBe('security-auditors');
  });

  it.each([
    [[], /name an environment/], [['a', 'b'], /name one environment/], [['a', '--since'], /--since needs a value/],
    [['a', '--since', 'yesterday'], /--since yesterday: 30m, 12h, 7d or an ISO date/], [['a', '--grace', '-1'], /unknown option|--grace/],
    [['a', '--verbose'], /unknown option --verbose/],
  ])('refuses %j with what to write instead', (args, message) => {
    expect(() => parseArguments(args as string[], now)).toThrow(message);
  });

  it('prints its usage for --help, and names the environments it knows', () => {
    const help = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/audit-sessions.ts', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: help.status, out: help.stderr }).toEqual({ status: 0, out: expect.stringMatching(/^usage: npm run audit-sessions -- <environment>/) });
    const unknown = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/audit-sessions.ts', 'qa'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: unknown.status, out: unknown.stderr }).toEqual({ status: 2, out: expect.stringMatching(/no environment "qa" in the config; it has dev, staging, prod/) });
  });
});
