import * as fs from 'fs';
import { runSessionCommand, sessionEnvironment, UsageError } from './lib/session-command';
import { inert, schedule, toAsciicast } from './lib/recording';
import { sessionRecordings } from './lib/session-recordings';

const USAGE = `usage: npm run replay -- <environment> <session-id> [--speed 2] [--idle-cap 2s] [--cast FILE] [--no-play] [--archive-profile NAME]

Replays a session in this terminal as it happened: from its CloudWatch stream, with the times the
agent sent the output, or, where it has none, from its S3 transcript, without timing. Says which it
used and whether the two disagree. What the session printed is made inert first: colours stay,
titles, clipboard writes, cursor moves and other escape sequences are dropped.
  --speed      play this many times faster (default 1)
  --idle-cap   no pause longer than this: 2s, 500ms (default none)
  --cast       also write the recording as an asciicast v2 file (asciinema's format), as recorded
  --no-play    write the cast and say what was used, without playing
  --archive-profile  the AWS profile of a log-archive reader, for transcripts in the log archive
Credentials and the account are the AWS SDK's (AWS_PROFILE, AWS_* variables; AWS_ENDPOINT_URL for an emulator).`;

export interface ReplayArguments {
  readonly environment: string;
  readonly sessionId: string;
  readonly speed: number;
  readonly idleCap: number;
  readonly cast?: string;
  readonly play: boolean;
  readonly archiveProfile?: string;
}


/** The command line, or a usage error. */
export function parseArguments(args: readonly string[]): ReplayArguments {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let play = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--no-play') play = false;
    else if (['--speed', '--idle-cap', '--cast', '--archive-profile'].includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      values[arg] = value;
    } else if (arg.startsWith('-')) throw new UsageError(arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) throw new UsageError('name an environment and a session id');
  const speed = Number(values['--speed'] ?? '1');
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--speed ${values['--speed']}: a number above 0`);
  return {
    environment: positional[0], sessionId: positional[1], speed, play,
    idleCap: values['--idle-cap'] === undefined ? Infinity : seconds(values['--idle-cap']),
    ...(values['--cast'] ? { cast: values['--cast'] } : {}),
    ...(values['--archive-profile'] ? { archiveProfile: values['--archive-profile'] } : {}),
  };
}

function seconds(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value);
  if (!match) throw new UsageError(`--idle-cap ${value}: 2s or 500ms`);
  return Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
}

/** Writes each frame, made inert, at its time. */
async function play(frames: { at: number; text: string }[], out: NodeJS.WritableStream): Promise<number> {
  const began = Date.now();
  let dropped = 0;
  for (const frame of frames) {
    const wait = began + frame.at * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const safe = inert(frame.text);
    dropped += safe.dropped;
    out.write(safe.text);
  }
  return dropped;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const { env } = sessionEnvironment(args.environment);
  if (args.cast && fs.existsSync(args.cast)) throw new UsageError(`--cast ${args.cast}: the file exists; name a new one`);
  const found = await sessionRecordings(env, args.sessionId, { archiveProfile: args.archiveProfile });
  process.stderr.write(`${args.sessionId}: ${found.note}\n`);
  if (!found.replay) {
    process.exitCode = 1;
    return;
  }
  // A file of the same name is someone's: never written over.
  if (args.cast) fs.writeFileSync(args.cast, toAsciicast(found.replay, { title: `${env.name} ${args.sessionId}` }), { flag: 'wx' });
  if (args.play) {
    const dropped = await play(schedule(found.replay.frames, args), process.stdout);
    if (dropped > 0) process.stderr.write(`\n${dropped} escape sequence(s) or control character(s) not played: the transcript keeps them\n`);
  }
}

if (require.main === module) runSessionCommand('replay', USAGE, main);
