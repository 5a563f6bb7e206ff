import { runSessionCommand, sessionEnvironment, sinceDate, UsageError } from './lib/session-command';
import { auditEnvironment, auditTable } from './lib/session-audit';

const USAGE = `usage: npm run audit-sessions -- <environment> [--since 7d] [--grace 300] [--archive-profile NAME] [--json]

Lists the environment's sessions from Session Manager, CloudTrail, the S3 transcripts and the log
group, and flags what a reviewer must see: a transcript rewritten (more than one version, each
kept), a log stream written after its session ended, a session CloudTrail shows started that
left no transcript, a transcript of a session nobody started. Exit code 1 when anything is flagged.
  --since  how far back: 30m, 12h, 7d or an ISO date (default 7d)
  --grace  seconds a log stream may still receive events after its session ends (default 300)
  --archive-profile  the AWS profile of a log-archive reader, for an environment whose transcripts
           are in the log archive (default: the same credentials as the rest)
  --json   one JSON array for machines
Credentials and the account are the AWS SDK's (AWS_PROFILE, AWS_* variables; AWS_ENDPOINT_URL for an emulator).`;

export interface AuditArguments {
  readonly environment: string;
  readonly since: Date;
  readonly graceSeconds: number;
  readonly json: boolean;
  readonly archiveProfile?: string;
}

/** The command line, or a usage error. */
export function parseArguments(args: readonly string[], now = new Date()): AuditArguments {
  const positional: string[] = [];
  let since = '7d';
  let grace = '300';
  let json = false;
  let archiveProfile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--since' || arg === '--grace' || arg === '--archive-profile') {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--since') since = value;
      else if (arg === '--grace') grace = value;
      else archiveProfile = value;
    } else if (arg.startsWith('-')) throw new UsageError(arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name an environment' : 'name one environment');
  if (!/^\d+$/.test(grace)) throw new UsageError(`--grace ${grace}: a number of seconds`);
  return { environment: positional[0], since: sinceDate(since, now), graceSeconds: Number(grace), json, ...(archiveProfile ? { archiveProfile } : {}) };
}


async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const { config, env } = sessionEnvironment(args.environment);
  // Session Manager's and CloudTrail's records are the account's and region's, not the environment's.
  const neighbour = config.environments.find((e) => e !== env && e.accountId === env.accountId && e.region === env.region);
  if (neighbour) throw new UsageError(`"${env.name}" shares account ${env.accountId} and ${env.region} with "${neighbour.name}": their sessions cannot be told apart`);
  const audits = await auditEnvironment(env, { since: args.since, graceSeconds: args.graceSeconds, archiveProfile: args.archiveProfile });
  process.stdout.write(args.json ? `${JSON.stringify(audits, null, 2)}\n` : auditTable(audits));
  if (audits.some((a) => a.flags.length > 0)) process.exitCode = 1;
}

if (require.main === module) runSessionCommand('audit-sessions', USAGE, main);
