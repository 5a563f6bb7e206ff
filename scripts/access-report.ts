import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
import { accessReport } from './lib/access-report';
import { alertReport } from './lib/alert-report';
import { fit } from './lib/table';
import { tamperReport } from './lib/tamper-report';

/**
 * `npm run access-report -- [environment ...] [--wide]`: who may open sessions where, who can switch the
 * audit trail off, and who is alerted on what, from the validated config; every environment unless some
 * are named. Tables and commands fit the terminal unless --wide.
 */
const USAGE = `usage: npm run -s access-report -- [environment ...] [--wide]
  environment  only these environments (default every one)
  --wide       lines as long as they come (default: the terminal's width, commands wrapped with \\)`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const unknown = args.find((a) => a.startsWith('-') && a !== '--wide');
  if (unknown) return usageError(`unknown option ${unknown}`);
  const config = loadConfig();
  const names = args.filter((a) => !a.startsWith('-'));
  const missing = names.filter((n) => !config.environments.some((e) => e.name === n));
  if (missing.length > 0) return usageError(`no environment ${missing.map((n) => `"${n}"`).join(', ')} in the config; it has ${config.environments.map((e) => e.name).join(', ')}`);
  const chosen = names.length > 0 ? { ...config, environments: config.environments.filter((e) => names.includes(e.name)) } : config;
  const width = args.includes('--wide') ? Infinity : process.stdout.columns || 120;
  process.stdout.write(fit(`${accessReport(chosen, width)}
${await tamperReport(chosen, width)}
${alertReport(chosen, width)}`, width));
}

function usageError(message: string): void {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

main().catch((e: Error) => {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
});
