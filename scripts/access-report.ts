import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
import { accessReport } from './lib/access-report';

/** `npm run access-report`: the access matrix of every environment, from the validated config. */
try {
  process.stdout.write(accessReport(loadConfig()));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
