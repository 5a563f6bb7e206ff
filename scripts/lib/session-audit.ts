import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { gunzipSync } from 'zlib';
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { TRAIL_KEY_PREFIX } from '../../modules/session-alerts/names';
import { REVIEWS_PREFIX } from '../../modules/shared/resource-guards';
import { DescribeSessionsCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { EnvironmentConfig } from '../../config/types';
import { DEFAULT_SESSION_KEY_PREFIX } from '../../modules/session-logging/names';
import { sessionLogGroupName } from '../../stacks/naming';
import { table } from './table';

/**
 * The transcript audit (`npm run audit-sessions`): every session of an environment, from Session
 * Manager's own records, CloudTrail's event history, the S3 transcripts and the log streams, and
 * what a reviewer must see of each.
 */

/** What a reviewer must see. */
export type Flag =
  /**
   * The transcript object has more than one version. Which is the agent's the audit cannot say: root on the
   * instance knows a live session's id and can write first. Every version is kept to compare.
   */
  | 'rewritten-transcript'
  /** The session's log stream received events after the session ended. */
  | 'written-after-end'
  /** CloudTrail shows the session started; it has ended and left no transcript. */
  | 'no-transcript'
  /** A transcript or log stream of a session neither Session Manager nor CloudTrail knows. */
  | 'unknown-session';

export interface SessionAudit {
  readonly sessionId: string;
  /** Who started it, from CloudTrail or Session Manager. */
  readonly owner?: string;
  readonly target?: string;
  readonly start?: Date;
  readonly end?: Date;
  readonly status?: string;
  /** When each version of the transcript was written, oldest first. */
  readonly transcriptVersions: readonly Date[];
  readonly streamLastIngestion?: Date;
  readonly flags: readonly Flag[];
  /** Sign-offs of reviewers (`npm run review`), where the environment has reviewers. */
  readonly signOffs: number;
}

export interface AuditOptions {
  readonly since: Date;
  /**
   * How long after a session ends its log stream may still receive events (the agent's last batch).
   * @default 300 seconds
   */
  readonly graceSeconds?: number;
}

/** Where an environment's transcripts are, as its stack creates them: its own bucket, or its part of the log archive. */
export function transcriptLocation(env: EnvironmentConfig): { bucket: string; prefix: string; bucketRegion: string; logGroup: string; region: string } {
  const { archive } = env;
  return {
    bucket: archive?.bucketName ?? env.sessionLogging.bucketName,
    prefix: `${archive?.prefix ?? env.sessionLogging.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX}/`,
    bucketRegion: archive?.region ?? env.region,
    logGroup: sessionLogGroupName(env.name),
    region: env.region,
  };
}

/**
 * Reads the four sources through the AWS SDK (endpoint and credentials from the environment variables
 * and the shared config) and audits them. The transcripts of an environment that sends them to the log
 * archive are read with `archiveProfile`, a reader's: nobody in the environment's account may read them.
 */
export async function auditEnvironment(env: EnvironmentConfig, options: AuditOptions & { archiveProfile?: string }): Promise<SessionAudit[]> {
  const where = transcriptLocation(env);
  const config = { region: where.region };
  // A custom endpoint (`AWS_ENDPOINT_URL`, the emulator) serves buckets by path, not by host name.
  const s3 = new S3Client({
    region: where.bucketRegion,
    ...(options.archiveProfile ? { profile: options.archiveProfile } : {}),
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_S3),
  });
  const own = new S3Client({ region: env.region, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_S3) });
  // A session may run up to a day (Session Manager's maximum session duration, 1,440 minutes): one
  // that started before the window still explains a transcript inside it.
  const from = new Date(options.since.getTime() - DAY);
  // CloudTrail's event history keeps 90 days ("Working with CloudTrail event history"); before that,
  // the trail's own log files in the log bucket, where the stack's trail writes them.
  const historyStart = new Date(Date.now() - 90 * DAY);
  const trail = env.alerts.trail;
  const older = from < historyStart && trail.source === 'stack'
    ? trailStartSessions(own, { bucket: trail.bucketName ?? env.sessionLogging.bucketName, prefix: TRAIL_KEY_PREFIX, account: env.accountId, region: env.region }, from, historyStart)
    : Promise.resolve([]);
  const [sessions, recent, earlier, transcripts, streams, signOffs] = await Promise.all([
    describeSessions(new SSMClient(config)),
    startSessionEvents(new CloudTrailClient(config), from),
    older,
    transcriptVersions(s3, where.bucket, where.prefix),
    logStreams(new CloudWatchLogsClient(config), where.logGroup),
    env.sessionReview ? signOffCounts(own, env.sessionLogging.bucketName) : undefined,
  ]);
  const started = [...recent, ...earlier.filter((e) => !recent.some((r) => r.sessionId === e.sessionId))];
  return audit({ sessions, started, transcripts, streams, signOffs }, options);
}

export interface SessionRecord {
  readonly sessionId: string;
  readonly status: string;
  readonly owner?: string;
  readonly target?: string;
  readonly start?: Date;
  readonly end?: Date;
}

export interface Sources {
  /** DescribeSessions, Active and History. */
  readonly sessions: readonly SessionRecord[];
  /** StartSession records in CloudTrail. */
  readonly started: readonly { sessionId: string; owner: string; target?: string; time: Date }[];
  /** Versions of each transcript object, by session id. */
  readonly transcripts: ReadonlyMap<string, readonly Date[]>;
  /** Each log stream's last ingestion, by stream name (the session id). */
  readonly streams: ReadonlyMap<string, Date | undefined>;
  /** Sign-offs, by session id. @default none */
  readonly signOffs?: ReadonlyMap<string, number>;
}

/** The audit itself, on what the sources returned. */
export function audit(sources: Sources, { since, graceSeconds = 300 }: AuditOptions): SessionAudit[] {
  const ids = new Set([
    ...sources.sessions.map((s) => s.sessionId), ...sources.started.map((s) => s.sessionId),
    ...sources.transcripts.keys(), ...sources.streams.keys(),
  ]);
  const audits = [...ids].map((sessionId): SessionAudit => {
    const record = sources.sessions.find((s) => s.sessionId === sessionId);
    const started = sources.started.find((s) => s.sessionId === sessionId);
    const versions = [...(sources.transcripts.get(sessionId) ?? [])].sort((a, b) => a.getTime() - b.getTime());
    const lastIngestion = sources.streams.get(sessionId);
    const end = record?.end;
    const flags: Flag[] = [];
    if (versions.length > 1) flags.push('rewritten-transcript');
    if (end && lastIngestion && lastIngestion.getTime() > end.getTime() + graceSeconds * 1000) flags.push('written-after-end');
    if (started && record?.status !== 'Connected' && record?.status !== 'Connecting' && versions.length === 0) flags.push('no-transcript');
    if (!record && !started) flags.push('unknown-session');
    return {
      sessionId, owner: started?.owner ?? record?.owner, target: started?.target ?? record?.target,
      start: started?.time ?? record?.start, end, status: record?.status, transcriptVersions: versions,
      streamLastIngestion: lastIngestion, flags, signOffs: sources.signOffs?.get(sessionId) ?? 0,
    };
  });
  const seen = (a: SessionAudit) => a.start ?? a.transcriptVersions[0] ?? a.streamLastIngestion;
  return audits
    .filter((a) => (seen(a)?.getTime() ?? Infinity) >= since.getTime())
    .sort((a, b) => (seen(a)?.getTime() ?? 0) - (seen(b)?.getTime() ?? 0));
}

/** The audit as a table, flagged sessions marked, and a last line that counts them. */
export function auditTable(audits: readonly SessionAudit[]): string {
  const time = (d?: Date) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
  // `user/alice`, `assumed-role/operators/alice`: the account is the environment's.
  const who = (arn?: string) => arn?.split(':').slice(5).join(':') || arn || '-';
  const versions = (n: number) => (n === 0 ? 'none' : n === 1 ? '1 version' : `${n} versions`);
  const rows = audits.map((a) => [
    a.sessionId, who(a.owner), a.target ?? '-', time(a.start), time(a.end), versions(a.transcriptVersions.length), a.signOffs > 0 ? 'yes' : 'no', a.flags.join(', ') || 'ok',
  ]);
  const flagged = audits.filter((a) => a.flags.length > 0).length;
  return `${table(['session', 'started by', 'target', 'start (UTC)', 'end (UTC)', 'transcript', 'reviewed', 'findings'], rows)}

${audits.length} sessions, ${flagged} flagged, ${audits.filter((a) => a.signOffs === 0).length} not reviewed${flagged > 0 ? '; a rewritten transcript keeps every version: compare them, the agent writes its own as the session ends' : ''}\n`;
}

async function describeSessions(ssm: SSMClient): Promise<SessionRecord[]> {
  const out: SessionRecord[] = [];
  for (const State of ['Active', 'History'] as const) {
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new DescribeSessionsCommand({ State, NextToken }));
      for (const s of page.Sessions ?? []) {
        if (!s.SessionId) continue;
        out.push({ sessionId: s.SessionId, status: s.Status ?? 'Unknown', owner: s.Owner, target: s.Target, start: s.StartDate, end: s.EndDate });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

const DAY = 24 * 3600_000;

/** What a CloudTrail record says that the audit and the review page read ("CloudTrail record contents"). */
export interface TrailRecord {
  readonly eventTime?: string;
  readonly eventName?: string;
  readonly userIdentity?: { readonly arn?: string };
  readonly requestParameters?: { readonly sessionId?: string; readonly target?: string };
  readonly responseElements?: { readonly sessionId?: string };
  readonly errorCode?: string;
}

/** A StartSession record that started a session: the caller, the target, the session's id in the answer. */
function startedSession(record: TrailRecord | undefined, time?: Date): Sources['started'][number] | undefined {
  const sessionId = record?.responseElements?.sessionId;
  if (!record || record.eventName !== 'StartSession' || !sessionId) return undefined; // refused, or failed: no session
  return { sessionId, owner: record.userIdentity?.arn ?? '-', target: record.requestParameters?.target, time: time ?? new Date(record.eventTime ?? 0) };
}

/**
 * StartSession records in the trail's log files from `from` to `to` ("Finding your CloudTrail log
 * files": `<prefix>/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz`, each a
 * gzipped JSON object of `Records`, "CloudTrail log file examples"), listed in key order, which is
 * date order, from the first day's folder on.
 */
export async function trailStartSessions(
  s3: S3Client, where: { bucket: string; prefix: string; account: string; region: string }, from: Date, to: Date,
): Promise<Sources['started'][number][]> {
  const folder = `${where.prefix}/AWSLogs/${where.account}/CloudTrail/${where.region}/`;
  const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '/');
  const last = `${folder}${day(to)}/\uffff`;
  const out: Sources['started'][number][] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: folder, StartAfter: `${folder}${day(from)}/`, ContinuationToken }));
    const keys = (page.Contents ?? []).map((o) => o.Key!).filter((key) => key < last);
    for (const Key of keys) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key }))).Body!.transformToByteArray();
      for (const record of JSON.parse(gunzipSync(body).toString('utf8')).Records ?? []) {
        const started = startedSession(record);
        if (started) out.push(started);
      }
    }
    if (keys.length < (page.Contents ?? []).length) break;
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return out;
}

async function startSessionEvents(cloudtrail: CloudTrailClient, since: Date): Promise<Sources['started'][number][]> {
  const out: Sources['started'][number][] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudtrail.send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StartSession' }], StartTime: since, NextToken,
    }));
    for (const event of page.Events ?? []) {
      // "CloudTrail record contents": the call's answer in responseElements, the caller in userIdentity.
      const started = startedSession(JSON.parse(event.CloudTrailEvent ?? '{}'), event.EventTime);
      if (started) out.push(started);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Transcripts are named after their session (`<prefix>/<session-id>.log`). */
async function transcriptVersions(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, Date[]>> {
  const out = new Map<string, Date[]>();
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
    for (const v of page.Versions ?? []) {
      const match = /([^/]+)\.log$/.exec(v.Key ?? '');
      if (!match || !v.LastModified) continue;
      out.set(match[1], [...(out.get(match[1]) ?? []), v.LastModified]);
    }
    ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page);
    if (!page.IsTruncated) break;
  } while (KeyMarker);
  return out;
}

/** A reviewer's sign-off, as kept in the bucket (`reviews/<session id>/<reviewer>/<time>.json`). */
export interface SignOff {
  readonly sessionId: string;
  /** The reviewer, by the name the bucket holds them to (their source identity, the key's folder). */
  readonly reviewer: string;
  /** Their session's ARN, as STS named it. */
  readonly session: string;
  readonly at: string;
  readonly note: string;
}

/** The longest note a sign-off keeps. */
export const MAX_NOTE = 2000;

/**
 * A sign-off from its key and body, or undefined for anything else under `reviews/`: a key of another
 * shape, a body that is not one. The reviewer is the key's folder, which the bucket holds each
 * reviewer to, never what the body says.
 */
export function signOffOf(key: string, body: string): SignOff | undefined {
  const [prefix, sessionId, reviewer, file, ...deeper] = key.split('/');
  if (prefix !== REVIEWS_PREFIX || !sessionId || !reviewer || !file || deeper.length > 0) return undefined;
  try {
    const { at, note, session } = JSON.parse(body) ?? {};
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof note !== 'string') return undefined;
    return { sessionId, reviewer, session: typeof session === 'string' ? session : '-', at: new Date(at).toISOString(), note: note.slice(0, MAX_NOTE) };
  } catch {
    return undefined;
  }
}

/** Every sign-off under `prefix` (all of `reviews/`, or one session's), with the count of what is not one. */
export async function readSignOffs(s3: S3Client, bucket: string, prefix: string): Promise<{ read: SignOff[]; unreadable: number }> {
  const read: SignOff[] = [];
  let unreadable = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const object of page.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }))).Body!.transformToString();
      const signOff = signOffOf(object.Key!, body);
      if (signOff) read.push(signOff);
      else unreadable++;
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return { read: read.sort((a, b) => a.at.localeCompare(b.at)), unreadable };
}

/** Sign-offs by session (`SessionReviewers`). */
async function signOffCounts(s3: S3Client, bucket: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { sessionId } of (await readSignOffs(s3, bucket, `${REVIEWS_PREFIX}/`)).read) out.set(sessionId, (out.get(sessionId) ?? 0) + 1);
  return out;
}

async function logStreams(logs: CloudWatchLogsClient, logGroupName: string): Promise<Map<string, Date | undefined>> {
  const out = new Map<string, Date | undefined>();
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeLogStreamsCommand({ logGroupName, nextToken }));
    for (const stream of page.logStreams ?? []) {
      if (stream.logStreamName) out.set(stream.logStreamName, stream.lastIngestionTime === undefined ? undefined : new Date(stream.lastIngestionTime));
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}
