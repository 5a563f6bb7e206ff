import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
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

function sinceDate(value: string, now: Date): Date {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']);
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(date.getTime())) return date;
  throw new UsageError(`--since ${value}: 30m, 12h, 7d or an ISO date`);
}

export class UsageError extends Error {}

async function main(): Promise<void> {
  // The pinned SDK runs on Node 20, the project's; its notice concerns later releases.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = parseArguments(process.argv.slice(2));
  const config = loadConfig();
  const env = config.environments.find((e) => e.name === args.environment);
  if (!env) throw new UsageError(`no environment "${args.environment}" in the config; it has ${config.environments.map((e) => e.name).join(', ')}`);
  // Session Manager's and CloudTrail's records are the account's and region's, not the environment's.
  const neighbour = config.environments.find((e) => e !== env && e.accountId === env.accountId && e.region === env.region);
  if (neighbour) throw new UsageError(`"${env.name}" shares account ${env.accountId} and ${env.region} with "${neighbour.name}": their sessions cannot be told apart`);
  const audits = await auditEnvironment(env, { since: args.since, graceSeconds: args.graceSeconds, archiveProfile: args.archiveProfile });
  process.stdout.write(args.json ? `${JSON.stringify(audits, null, 2)}\n` : auditTable(audits));
  if (audits.some((a) => a.flags.length > 0)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: Error) => {
    if (e instanceof UsageError) console.error(e.message ? `${e.message}\n\n${USAGE}` : USAGE);
    else if (e instanceof ConfigError) console.error(e.message);
    else console.error(`audit-sessions: ${e.message}`);
    process.exitCode = e instanceof UsageError && !e.message ? 0 : 2;
  });
}
