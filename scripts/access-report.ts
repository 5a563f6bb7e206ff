import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
import { accessReport } from './lib/access-report';
import { alertReport } from './lib/alert-report';
import { tamperReport } from './lib/tamper-report';
import { parseArguments, usageError } from './lib/usage';

/**
 * `npm run access-report -- [environment ...] [--wide]`: who may open sessions where, who can switch the
 * audit trail off, and who is alerted on what, from the validated config; every environment unless some
 * are named. Tables and commands fit the terminal unless --wide.
 */
const USAGE = `usage: npm run -s access-report -- [environment ...] [--wide]
  environment  only these environments (default every one)
  --wide       lines as long as they come (default: the terminal's width, commands wrapped with \\)`;

async function main(): Promise<void> {
  const args = parseArguments(USAGE, { flags: ['--wide'] });
  if (!args) return;
  const config = loadConfig();
  const names = args.positional;
  const missing = names.filter((n) => !config.environments.some((e) => e.name === n));
  if (missing.length > 0) return void usageError(USAGE, `no environment ${missing.map((n) => `"${n}"`).join(', ')} in the config; it has ${config.environments.map((e) => e.name).join(', ')}`);
  const chosen = names.length > 0 ? { ...config, environments: config.environments.filter((e) => names.includes(e.name)) } : config;
  const width = args.flags.has('--wide') ? Infinity : process.stdout.columns || 120;
  process.stdout.write(`${accessReport(chosen, width)}
${await tamperReport(chosen, width)}
${alertReport(chosen, width)}`);
}

main().catch((e: Error) => {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
});
