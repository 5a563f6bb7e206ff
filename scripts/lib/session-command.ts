import { loadConfig } from '../../config/load';
import type { EnvironmentConfig, ProjectConfig } from '../../config/types';
import { ConfigError } from '../../config/validate';

/** What the session commands (`audit-sessions`, `replay`, `review`) share: their errors, their windows, their environment. */

/** A command line that cannot be used; an empty message asks for the usage alone (`--help`). */
export class UsageError extends Error {}

/** `--since`: 30m, 12h, 7d back from `now`, or an ISO date. */
export function sinceDate(value: string, now: Date, example = '7d'): Date {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']);
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(date.getTime())) return date;
  throw new UsageError(`--since ${value}: 30m, 12h, ${example} or an ISO date`);
}

/** The config and the environment a command names, or a usage error naming the ones there are. */
export function sessionEnvironment(name: string): { config: ProjectConfig; env: EnvironmentConfig } {
  // The pinned SDK runs on Node 20, the project's; its notice concerns later releases.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = loadConfig();
  const env = config.environments.find((e) => e.name === name);
  if (!env) throw new UsageError(`no environment "${name}" in the config; it has ${config.environments.map((e) => e.name).join(', ')}`);
  return { config, env };
}

/** Runs a command's main, its errors said as such: usage (exit 0 for --help, else 2), config, the rest. */
export function runSessionCommand(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((e: Error) => {
    if (e instanceof UsageError) console.error(e.message ? `${e.message}\n\n${usage}` : usage);
    else if (e instanceof ConfigError) console.error(e.message);
    else console.error(`${name}: ${e.message}`);
    process.exitCode = e instanceof UsageError && !e.message ? 0 : 2;
  });
}
