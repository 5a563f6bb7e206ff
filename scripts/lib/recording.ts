/**
 * A session's recording, as the agent leaves it, replayable: its streamed CloudWatch events (timed) or
 * its S3 transcript (untimed), an asciicast of either, and its output made inert for a terminal.
 *
 * The formats, from the agent's own source (aws/amazon-ssm-agent,
 * agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go) and AWS's "Logging
 * session data using Amazon CloudWatch Logs": with streaming on, each log event's message is a JSON
 * `CloudWatchMessage` (eventVersion, eventTime, awsRegion, target.id, userIdentity.arn, runAsUser,
 * sessionId, sessionData), `sessionData` the lines of output sent together, tabs made spaces, carriage
 * returns and (by default) terminal escape sequences removed; the event's timestamp is when the agent
 * sent it, in milliseconds. The S3 transcript is the session's output as the terminal received it,
 * escape sequences included, with no times.
 */

/** A log event of the session's stream. */
export interface StreamedEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** What a streamed event's message holds (`CloudWatchMessage`). */
interface AgentMessage {
  readonly eventTime?: string;
  readonly target?: { readonly id?: string };
  readonly userIdentity?: { readonly arn?: string };
  readonly runAsUser?: string;
  readonly sessionId?: string;
  readonly sessionData?: readonly string[];
}

export interface Recording {
  /** Where it came from. */
  readonly source: 'cloudwatch' | 's3';
  /** Whether the frames carry the times the output was sent (only the stream has them). */
  readonly timed: boolean;
  /** When the first frame was sent, in milliseconds since the epoch, where known. */
  readonly start?: number;
  /** The output, in order: seconds after the start, and the text. */
  readonly frames: readonly { readonly at: number; readonly text: string }[];
  /** Who, as the stream's messages name them. */
  readonly owner?: string;
  readonly target?: string;
  readonly runAsUser?: string;
}

/** The stream's events, in order, as a timed recording; messages that are not the agent's JSON are kept as text. */
export function fromStream(events: readonly StreamedEvent[]): Recording {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const start = sorted[0]?.timestamp;
  let first: AgentMessage | undefined;
  const frames = sorted.map((event) => {
    const message = agentMessage(event.message);
    first ??= message;
    const lines = message?.sessionData ?? event.message.split('\n');
    return { at: (event.timestamp - (start ?? event.timestamp)) / 1000, text: `${lines.join('\r\n')}\r\n` };
  });
  return {
    source: 'cloudwatch', timed: true, start, frames,
    owner: first?.userIdentity?.arn, target: first?.target?.id, runAsUser: first?.runAsUser,
  };
}

function agentMessage(message: string): AgentMessage | undefined {
  try {
    const parsed = JSON.parse(message);
    return parsed && typeof parsed === 'object' && Array.isArray(parsed.sessionData) && parsed.sessionData.every((l: unknown) => typeof l === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The S3 transcript as one untimed frame: the terminal's output, escape sequences and all. */
export function fromTranscript(text: string, start?: Date): Recording {
  return { source: 's3', timed: false, start: start?.getTime(), frames: [{ at: 0, text: text.replace(/\r?\n/g, '\r\n') }] };
}

/** The whole text of a recording. */
export function textOf(recording: Recording): string {
  return recording.frames.map((f) => f.text).join('');
}

/**
 * Text as the agent streams it, to compare a transcript with its stream: escape sequences removed,
 * carriage returns dropped, tabs made spaces, trailing blank lines left out.
 */
export function comparable(text: string): string {
  return stripEscapes(text).replace(/\r/g, '').replace(/\t/g, ' ').replace(/\n+$/, '');
}

/** Whether the stream and the transcript say the same (each as the agent would stream it). */
export function agree(stream: Recording, transcript: Recording): boolean {
  return comparable(textOf(stream)) === comparable(textOf(transcript));
}

// ECMA-48: CSI (ESC [ ... final byte), OSC/DCS/SOS/PM/APC strings (to BEL or ST), other two-byte ESC
// sequences, and the 8-bit C1 forms of each.
const CSI = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]/g;
const STRING = /(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
const ESCAPE = /\x1b[ -/]*[0-~]?/g;

function stripEscapes(text: string): string {
  return text.replace(STRING, '').replace(CSI, '').replace(ESCAPE, '');
}

/**
 * SGR parameters that show text without hiding any (ECMA-48): reset, bold, faint, italic, underline and
 * their ends, and the foreground colours. Concealed text (8), reverse video (7) and background colours,
 * which could match the foreground, are not among them.
 */
const VISIBLE_SGR = new Set(['', '0', '1', '2', '3', '4', '22', '23', '24', '30', '31', '32', '33', '34', '35', '36', '37', '39', '90', '91', '92', '93', '94', '95', '96', '97']);

/**
 * Output made inert for a reviewer's terminal: foreground colours and weights kept (`VISIBLE_SGR`), line
 * feeds, carriage returns, tabs and backspaces kept; every other escape sequence (titles, the clipboard,
 * cursor moves, queries the terminal would answer into the reviewer's shell, text made invisible) and
 * control character dropped, and counted.
 */
export function inert(text: string): { text: string; dropped: number } {
  let dropped = 0;
  const drop = () => { dropped++; return ''; };
  const visible = (seq: string) => /^\x1b\[[0-9;]*m$/.test(seq) && seq.slice(2, -1).split(';').every((p) => VISIBLE_SGR.has(p));
  const out = text
    .replace(STRING, drop)
    .replace(CSI, (seq) => (visible(seq) ? seq : drop()))
    .replace(/\x1b(?!\[[0-9;]*m)[ -/]*[0-~]?/g, drop)
    .replace(/[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g, drop);
  return { text: out, dropped };
}

/**
 * A recording for a web player, which draws the terminal itself: cursor moves and colours stay inside
 * the player; strings a terminal hands to its host (titles, the clipboard through OSC 52, device
 * controls) and C1 controls are dropped.
 */
export function forPlayer(recording: Recording): Recording {
  return { ...recording, frames: recording.frames.map((f) => ({ at: f.at, text: f.text.replace(STRING, '').replace(/[\x80-\x9f]/g, '') })) };
}

export interface CastOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

/** An asciicast v2 file (asciinema's "asciicast v2" format): a header line, then `[seconds, "o", text]` per frame. */
export function toAsciicast(recording: Recording, options: CastOptions = {}): string {
  const header = {
    version: 2, width: options.width ?? 120, height: options.height ?? 30,
    ...(recording.start !== undefined ? { timestamp: Math.floor(recording.start / 1000) } : {}),
    ...(options.title ? { title: options.title } : {}),
  };
  return [JSON.stringify(header), ...recording.frames.map((f) => JSON.stringify([round(f.at), 'o', f.text]))].join('\n') + '\n';
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** The frames' times for playback: `speed` times faster, no pause longer than `idleCap` seconds. */
export function schedule(frames: Recording['frames'], { speed = 1, idleCap = Infinity }: { speed?: number; idleCap?: number } = {}): { at: number; text: string }[] {
  let previous = 0;
  let at = 0;
  return frames.map((frame) => {
    at += Math.min(frame.at - previous, idleCap) / speed;
    previous = frame.at;
    return { at, text: frame.text };
  });
}
