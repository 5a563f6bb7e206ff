import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
import { accessReport } from './lib/access-report';
import { alertReport } from './lib/alert-report';
import { tamperReport } from './lib/tamper-report';

/**
 * `npm run access-report`: who may open sessions where, who can switch the audit trail off, and who
 * is alerted on what, for every environment, from the validated config.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  process.stdout.write(`${accessReport(config)}
${await tamperReport(config)}
${alertReport(config)}`);
}

main().catch((e: Error) => {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
});
