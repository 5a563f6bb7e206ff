import { CloudTrailClient, type Event as LookedUpEvent, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { REVIEWS_PREFIX } from '../../modules/shared/resource-guards';
import type { EnvironmentConfig } from '../../config/types';
import { forPlayer, type Recording, textOf, toAsciicast } from './recording';
import { auditEnvironment, MAX_NOTE, readSignOffs, type SessionAudit, type SignOff, type TrailRecord } from './session-audit';

export type { SignOff } from './session-audit';
import { sessionRecordings, type SessionRecordings } from './session-recordings';

/**
 * What the review page shows of an environment's sessions, read with the caller's own AWS credentials
 * (nothing stored): the transcript audit's list, each session's recordings, and its CloudTrail events.
 */

/** Session ids as Session Manager forms them: the caller's name, a dash, hex (IAM names allow `+=,.@_-`). */
export const SESSION_ID = /^[\w+=,.@-]{1,200}$/;

/** One CloudTrail record of the session: a start, a resume, an end, or a command sent through it. */
export interface TrailEvent {
  readonly time: string;
  readonly name: string;
  readonly who: string;
  /** The instance a start names. */
  readonly target?: string;
  readonly error?: string;
  /** Made with the session's instance's credentials while it was open. */
  readonly fromInstance?: boolean;
}

export interface SessionDetail {
  readonly sessionId: string;
  readonly note: string;
  readonly owner?: string;
  readonly target?: string;
  readonly runAsUser?: string;
  readonly timed: boolean;
  /** Every transcript version, oldest first, as text with its control characters made visible. */
  readonly versions: readonly { readonly versionId: string; readonly written: string; readonly text: string }[];
  readonly events: readonly TrailEvent[];
  readonly signOffs: readonly SignOff[];
  /** Objects under the session's sign-offs that are not one (a key of another shape, a body not a sign-off's). */
  readonly unreadableSignOffs: number;
}

export interface ReviewSource {
  sessions(): Promise<readonly SessionAudit[]>;
  detail(sessionId: string): Promise<SessionDetail>;
  /** The replay as an asciicast, made inert for a web player. */
  cast(sessionId: string): Promise<string | undefined>;
  /** Lines of the replay that contain `query` (case-insensitive), with their time. */
  search(sessionId: string, query: string): Promise<readonly { readonly at: number; readonly line: string }[]>;
  /** Signs the session off as the caller, with a note: a new object, never over another. */
  signOff(sessionId: string, note: string): Promise<SignOff>;
}

/** The environment's sessions and recordings, through the AWS SDK (the emulator with `AWS_ENDPOINT_URL`). */
export function awsReviewSource(env: EnvironmentConfig, options: { since: Date; archiveProfile?: string }): ReviewSource {
  const recordings = (id: string) => sessionRecordings(env, id, { archiveProfile: options.archiveProfile });
  // Sign-offs are the environment's own bucket's, written with the caller's credentials (the reviewers' role).
  const s3 = () => new S3Client({ region: env.region, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_S3) });
  const bucket = env.sessionLogging.bucketName;
  return {
    sessions: () => auditEnvironment(env, { since: options.since, archiveProfile: options.archiveProfile }),
    detail: async (id) => detailOf(await recordings(id), await sessionEvents(env, id, options.since), await signOffsOf(s3(), bucket, id)),
    signOff: async (id, note) => {
      const sts = new STSClient({ region: env.region });
      const client = s3();
      try {
        const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
        // The reviewers' role is assumed with the session named after its source identity, the folder the bucket allows.
        const reviewer = Arn?.split('/').pop() ?? '-';
        const signOff: SignOff = { sessionId: id, reviewer, session: Arn ?? '-', at: new Date().toISOString(), note: note.slice(0, MAX_NOTE) };
        await client.send(new PutObjectCommand({
          Bucket: bucket, Key: `${REVIEWS_PREFIX}/${id}/${reviewer}/${signOff.at}.json`, Body: JSON.stringify(signOff), ContentType: 'application/json',
          // ("Conditional writes") Only a new object: the bucket refuses any write without it.
          IfNoneMatch: '*',
        }));
        return signOff;
      } finally {
        sts.destroy();
        client.destroy();
      }
    },
    cast: async (id) => {
      const found = await recordings(id);
      return found.replay && toAsciicast(forPlayer(shown(found.replay)), { title: `${env.name} ${id}` });
    },
    search: async (id, query) => {
      const found = await recordings(id);
      return found.replay ? searchLines(found.replay, query) : [];
    },
  };
}

export function detailOf(found: SessionRecordings, events: readonly TrailEvent[], signOffs: { read: readonly SignOff[]; unreadable: number } = { read: [], unreadable: 0 }): SessionDetail {
  return {
    sessionId: found.sessionId,
    note: found.note,
    // CloudTrail's record of the start says who and where; the stream's first event is anyone's who may write there.
    owner: events.find((e) => e.name === 'StartSession' && !e.error)?.who ?? found.stream?.owner,
    target: events.find((e) => e.name === 'StartSession' && !e.error)?.target ?? found.stream?.target,
    runAsUser: found.stream?.runAsUser,
    timed: found.replay?.timed ?? false,
    versions: found.transcripts.map((v) => ({ versionId: v.versionId, written: v.written.toISOString(), text: visible(cut(textOf(v.recording))) })),
    events,
    signOffs: signOffs.read,
    unreadableSignOffs: signOffs.unreadable,
  };
}

/**
 * What the page shows of a transcript, which may be tens of megabytes: its first `PAGE_LIMIT` characters,
 * then how much more there is (`npm run replay --cast` and the bucket have it all).
 */
export const PAGE_LIMIT = 1_000_000;

const MORE = 'npm run replay -- <env> <session-id> --cast FILE has it all';

function cut(text: string): string {
  return text.length <= PAGE_LIMIT ? text : `${text.slice(0, PAGE_LIMIT)}\n[${text.length - PAGE_LIMIT} more characters not shown: ${MORE}]\n`;
}

/** A recording for the page's player: its frames up to `PAGE_LIMIT` characters in all, the rest said. */
function shown(recording: Recording): Recording {
  let left = PAGE_LIMIT;
  const frames: Recording['frames'][number][] = [];
  for (const frame of recording.frames) {
    if (left <= 0) break;
    frames.push(frame.text.length <= left ? frame : { at: frame.at, text: `${frame.text.slice(0, left)}\r\n[more not shown: ${MORE}]\r\n` });
    left -= frame.text.length;
  }
  return { ...recording, frames };
}

/** Control characters shown as `\xNN` (line feeds and tabs kept): a transcript to read, never to run. */
export function visible(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function searchLines(recording: NonNullable<SessionRecordings['replay']>, query: string): { at: number; line: string }[] {
  const needle = query.toLowerCase();
  return recording.frames.flatMap((frame) => visible(frame.text).split('\n')
    .filter((line) => needle && line.toLowerCase().includes(needle))
    .map((line) => ({ at: frame.at, line })));
}

/** The session's sign-offs, oldest first, and what else lies under them. */
async function signOffsOf(s3: S3Client, bucket: string, sessionId: string): Promise<{ read: SignOff[]; unreadable: number }> {
  try {
    return await readSignOffs(s3, bucket, `${REVIEWS_PREFIX}/${sessionId}/`);
  } finally {
    s3.destroy();
  }
}

/**
 * The session's records in CloudTrail's event history (90 days): its start, resumes and end; and, where
 * known, the calls made with its instance's credentials while it was open (an instance profile's
 * sessions are named after the instance: "IAM roles for Amazon EC2", so CloudTrail's user name is the
 * instance id), the AWS side of what was run in it.
 */
async function sessionEvents(env: EnvironmentConfig, sessionId: string, since: Date): Promise<TrailEvent[]> {
  const cloudtrail = new CloudTrailClient({ region: env.region });
  const lookup = async (attribute: { AttributeKey: 'EventName' | 'Username'; AttributeValue: string }, from: Date, to?: Date) => {
    const out: { event: LookedUpEvent; record: TrailRecord }[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [attribute], StartTime: from, EndTime: to, NextToken }));
      for (const event of page.Events ?? []) out.push({ event, record: JSON.parse(event.CloudTrailEvent ?? '{}') });
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  };
  const eventOf = ({ event, record }: Awaited<ReturnType<typeof lookup>>[number], name: string, fromInstance = false): TrailEvent => ({
    time: (event.EventTime ?? new Date(record.eventTime ?? 0)).toISOString(), name,
    who: record.userIdentity?.arn ?? event.Username ?? '-',
    ...(record.requestParameters?.target ? { target: String(record.requestParameters.target) } : {}),
    ...(record.errorCode ? { error: record.errorCode } : {}),
    ...(fromInstance ? { fromInstance } : {}),
  });
  try {
    const own: TrailEvent[] = [];
    for (const name of ['StartSession', 'ResumeSession', 'TerminateSession']) {
      // "CloudTrail record contents": the session in the answer (a start) or the request (a resume, an end).
      for (const found of await lookup({ AttributeKey: 'EventName', AttributeValue: name }, since)) {
        if (found.record.responseElements?.sessionId === sessionId || found.record.requestParameters?.sessionId === sessionId) own.push(eventOf(found, name));
      }
    }
    const start = own.find((e) => e.name === 'StartSession' && !e.error);
    const end = own.find((e) => e.name === 'TerminateSession' && !e.error);
    const fromInstance = start?.target
      ? (await lookup({ AttributeKey: 'Username', AttributeValue: start.target }, new Date(start.time), end ? new Date(end.time) : undefined))
        .map((found) => eventOf(found, found.event.EventName ?? found.record.eventName ?? '-', true))
      : [];
    return [...own, ...fromInstance].sort((a, b) => a.time.localeCompare(b.time));
  } finally {
    cloudtrail.destroy();
  }
}
