import * as fs from 'fs';
import { configFile, loadConfig } from '../config/load';
import { durationMs, type RawGrantsConfig, withGrant, withoutEndedGrants } from '../config/grants';
import { ConfigError, validateConfig } from '../config/validate';
import { usageError } from './lib/usage';

const USAGE = `usage: npm run -s grant -- <environment> <group> <principal-arn> --for <4h|2d|30m> --reason "<why>"
       npm run -s grant -- --prune
Writes a temporary grant into the config file (config/environments.json, or SSK_CONFIG): the IAM user or
role may assume the group's created role until then, and not after (aws:CurrentTime in the role's trust),
once the pipeline deploys the reviewed change. --prune removes the grants that have ended. The longest
grant is ${30} days. The file is written back in JSON.stringify's two-space layout (docs/access.md).`;

/** The longest grant: past it, the access is standing, and belongs in trustedArns. */
const LONGEST_MS = 30 * 86_400_000;

function main(args: readonly string[], now = new Date()): void {
  if (args.includes('--help') || args.includes('-h')) return void process.stderr.write(`${USAGE}\n`);
  const file = configFile();
  let raw: RawGrantsConfig;
  try {
    // Read as the synth reads it: a file that is not a valid config stops here, untouched.
    loadConfig(file);
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawGrantsConfig;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\nnothing written: fix the config first\n`);
    process.exitCode = 1;
    return;
  }
  const valueOf = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  let next: RawGrantsConfig;
  let done: string;
  if (args.includes('--prune')) {
    if (args.length !== 1) return void usageError(USAGE, '--prune takes nothing else');
    const { raw: pruned, removed } = withoutEndedGrants(raw, now);
    next = pruned;
    done = `removed ${removed} ended grant${removed === 1 ? '' : 's'}`;
  } else {
    const positional = args.filter((a, i) => !a.startsWith('--') && !['--for', '--reason'].includes(args[i - 1]));
    const unknown = args.find((a) => a.startsWith('--') && !['--for', '--reason'].includes(a));
    if (unknown) return void usageError(USAGE, `unknown option ${unknown}`);
    if (positional.length !== 3) return void usageError(USAGE, `expected <environment> <group> <principal-arn>, got ${positional.length} argument${positional.length === 1 ? '' : 's'}`);
    const span = durationMs(valueOf('--for') ?? '');
    if (span === undefined) return void usageError(USAGE, '--for takes a duration such as 4h, 2d or 30m');
    if (span > LONGEST_MS) return void usageError(USAGE, `--for ${valueOf('--for')} is longer than 30 days: standing access belongs in createRole.trustedArns`);
    const reason = valueOf('--reason');
    if (!reason) return void usageError(USAGE, '--reason says why, for the review');
    const [environment, group, principalArn] = positional;
    const until = new Date(now.getTime() + span).toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      next = withGrant(raw, environment, group, { principalArn, until, reason });
    } catch (e) {
      return void usageError(USAGE, (e as Error).message);
    }
    done = `granted ${principalArn} environment "${environment}" group "${group}" until ${until}`;
  }
  // Nothing is written that the synth would refuse.
  try {
    validateConfig(JSON.parse(JSON.stringify(next)), file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\nnothing written\n`);
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  process.stdout.write(`${done} in ${file}: review and deploy it through the pipeline\n`);
}

if (require.main === module) main(process.argv.slice(2));
