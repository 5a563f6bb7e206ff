import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import type { EnvironmentConfig } from '../../config/types';
import { agree, fromStream, fromTranscript, type Recording, type StreamedEvent } from './recording';
import { transcriptLocation } from './session-audit';

/** Every version of a session's transcript, oldest first: a rewritten one keeps them all. */
export interface TranscriptVersion {
  readonly versionId: string;
  readonly written: Date;
  readonly recording: Recording;
}

/** What the project keeps of one session, and which of it a replay uses. */
export interface SessionRecordings {
  readonly sessionId: string;
  readonly stream?: Recording;
  readonly transcripts: readonly TranscriptVersion[];
  /** The stream where there is one (it has the times), else the latest transcript. */
  readonly replay?: Recording;
  /** What the replay used, and whether the sources disagree, in a sentence. */
  readonly note: string;
}

/** A transcript's bytes as text: invalid UTF-8 becomes U+FFFD, never an error. */
const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A session's stream (`<log group>/<session id>`) and every transcript version
 * (`<prefix>/<session id>.log`), through the AWS SDK: endpoint and credentials from the environment
 * variables and the shared config; the archive's transcripts with a reader's profile.
 */
export async function sessionRecordings(env: EnvironmentConfig, sessionId: string, options: { archiveProfile?: string } = {}): Promise<SessionRecordings> {
  const where = transcriptLocation(env);
  const logs = new CloudWatchLogsClient({ region: where.region });
  const s3 = new S3Client({
    region: where.bucketRegion,
    ...(options.archiveProfile ? { profile: options.archiveProfile } : {}),
    // A custom endpoint (`AWS_ENDPOINT_URL`, the emulator) serves buckets by path, not by host name.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_S3),
  });
  try {
    const [events, transcripts] = await Promise.all([
      streamEvents(logs, where.logGroup, sessionId),
      transcriptVersions(s3, where.bucket, `${where.prefix}${sessionId}.log`),
    ]);
    return choose(sessionId, events.length > 0 ? fromStream(events) : undefined, transcripts);
  } finally {
    logs.destroy();
    s3.destroy();
  }
}

/** Which source a replay uses, and what to say about the other. */
export function choose(sessionId: string, stream: Recording | undefined, transcripts: readonly TranscriptVersion[]): SessionRecordings {
  const latest = transcripts[transcripts.length - 1]?.recording;
  const versions = transcripts.length > 1 ? `; the transcript was written ${transcripts.length} times, every version kept` : '';
  const note = stream
    ? `replayed from the CloudWatch stream, with its timing; ${latest ? (agree(stream, latest) ? 'the S3 transcript agrees' : 'the S3 transcript DISAGREES with it: compare them') : 'no S3 transcript'}${versions}`
    : latest ? `replayed from the S3 transcript, WITHOUT timing: the session has no CloudWatch stream${versions}`
      : 'nothing recorded: no CloudWatch stream and no S3 transcript';
  return { sessionId, stream, transcripts, replay: stream ?? latest, note };
}

async function streamEvents(logs: CloudWatchLogsClient, logGroupName: string, logStreamName: string): Promise<StreamedEvent[]> {
  const out: StreamedEvent[] = [];
  let nextToken: string | undefined;
  for (;;) {
    let page;
    try {
      page = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }));
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return out;
      throw e;
    }
    for (const event of page.events ?? []) out.push({ timestamp: event.timestamp ?? 0, message: event.message ?? '' });
    // ("GetLogEvents") The end: the same forward token again.
    if (!page.nextForwardToken || page.nextForwardToken === nextToken || (page.events ?? []).length === 0) return out;
    nextToken = page.nextForwardToken;
  }
}

async function transcriptVersions(s3: S3Client, Bucket: string, Key: string): Promise<TranscriptVersion[]> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: Key }));
  // ("ListObjectVersions") A key's versions come newest first; times of one second keep that order.
  const versions = (listed.Versions ?? []).filter((v) => v.Key === Key && v.VersionId && v.LastModified).reverse()
    .sort((a, b) => a.LastModified!.getTime() - b.LastModified!.getTime());
  return Promise.all(versions.map(async (v) => {
    const object = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId: v.VersionId }));
    const text = UTF8.decode(await object.Body!.transformToByteArray());
    return { versionId: v.VersionId!, written: v.LastModified!, recording: fromTranscript(text, v.LastModified) };
  }));
}
