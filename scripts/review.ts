import { runSessionCommand, sessionEnvironment, sinceDate, UsageError } from './lib/session-command';
import { awsReviewSource } from './lib/review-data';
import { startReviewServer } from './lib/review-server';

const USAGE = `usage: npm run review -- <environment> [--since 30d] [--archive-profile NAME] [--port N]

Serves a page to review the environment's sessions, on 127.0.0.1 only, at a random port, for whoever
opens the link it prints (a one-time token, exchanged for a cookie): the sessions with the audit's
findings, a player for each, search in its transcript, every version of a rewritten transcript side by
side, and its CloudTrail events. It reads with your own AWS credentials and stores nothing. Ctrl-C stops it.
  --since  how far back: 30m, 12h, 30d or an ISO date (default 30d)
  --archive-profile  the AWS profile of a log-archive reader, for transcripts in the log archive
  --port   a fixed port (default: a random free one)
Credentials and the account are the AWS SDK's (AWS_PROFILE, AWS_* variables; AWS_ENDPOINT_URL for an emulator).`;


export interface ReviewArguments {
  readonly environment: string;
  readonly since: Date;
  readonly archiveProfile?: string;
  readonly port: number;
}

/** The command line, or a usage error. */
export function parseArguments(args: readonly string[], now = new Date()): ReviewArguments {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (['--since', '--archive-profile', '--port'].includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      values[arg] = value;
    } else if (arg.startsWith('-')) throw new UsageError(arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name an environment' : 'name one environment');
  const port = Number(values['--port'] ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values['--port']}: a port from 1 to 65535`);
  return { environment: positional[0], since: sinceDate(values['--since'] ?? '30d', now, '30d'), port, ...(values['--archive-profile'] ? { archiveProfile: values['--archive-profile'] } : {}) };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const { env } = sessionEnvironment(args.environment);
  const server = await startReviewServer(awsReviewSource(env, args), { port: args.port });
  process.stdout.write(`Reviewing ${env.name}'s sessions: open ${server.url}\n(the link works once; Ctrl-C stops the server)\n`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}

if (require.main === module) runSessionCommand('review', USAGE, main);
