import { loadConfig } from '../config/load';
import { ConfigError } from '../config/validate';
import { pipelineTrustPolicies } from './lib/pipeline-trust';
import { parseArguments, usageError } from './lib/usage';

const USAGE = `usage: npm run -s pipeline-trust -- <stack> <owner/repository> [branch]
Prints the trust policies of the stack's deploy role and plan role (docs/pipeline.md, "Deploy from a CI pipeline"):
GitHub's tokens from that repository only; the deploy role only from the branch (default main), in the
stack's reviewed environments.`;

const args = require.main === module ? parseArguments(USAGE, { min: 2, max: 3 }) : undefined;
if (args) {
  const [stack, repository, branch] = args.positional;
  try {
    const config = loadConfig();
    const env = config.environments.find((e) => e.name === stack);
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) usageError(USAGE, `"${repository}" is not owner/repository`);
    else if (!env) usageError(USAGE, `no environment "${stack}" in the config (it has ${config.environments.map((e) => e.name).join(', ')})`);
    else process.stdout.write(`${JSON.stringify(pipelineTrustPolicies({ stack, accountId: env.accountId, region: env.region, repository, branch }), null, 2)}\n`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  }
}
