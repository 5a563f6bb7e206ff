import * as fs from 'fs';
import * as path from 'path';
import { GUARDRAIL_ID, LOG_ARCHIVE_ID, SESSION_LOGGING_ID } from '../stacks/naming';
import { positionalArguments } from './lib/usage';

/**
 * `npm run -s retained-resources -- <stack>`: the addresses a decommissioning keeps, one a line, for
 * `terraform state rm` (docs/pipeline.md, "Decommission an environment"): the session records and what protects
 * them (the session logging and the guardrail), and every resource Terraform may not destroy
 * (`prevent_destroy`) with the resources its construct owns (a key's alias).
 */
interface StackJson {
  resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>;
}

const KEPT_CONSTRUCTS = [SESSION_LOGGING_ID, GUARDRAIL_ID, LOG_ARCHIVE_ID];

export function retainedResources(stack: StackJson): string[] {
  const all = Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, resource]) => ({ address: `${type}.${name}`, name, resource })));
  // `session-alerts_key_4EB5DF93`: the construct path, then a hash; what the construct owns shares the path.
  const protectedPaths = all.filter((r) => r.resource.lifecycle?.prevent_destroy).map((r) => r.name.replace(/[A-F0-9]{8}$/, ''));
  const prefixes = [...KEPT_CONSTRUCTS.map((id) => `${id}_`), ...protectedPaths];
  return all.filter((r) => prefixes.some((p) => r.name.startsWith(p))).map((r) => r.address).sort();
}

const USAGE = `usage: npm run -s retained-resources -- <stack>

Prints, one a line, the addresses a decommissioning keeps (docs/pipeline.md, "Decommission an environment"), for
terraform state rm. Reads cdktf.out/stacks/<stack>/cdk.tf.json (CDKTF_OUTDIR): run npm run synth first.`;

if (require.main === module) {
  const args = positionalArguments(USAGE, 1);
  const file = args && path.join(process.env.CDKTF_OUTDIR ?? 'cdktf.out', 'stacks', args[0], 'cdk.tf.json');
  if (file && !fs.existsSync(file)) {
    process.stderr.write(`${file} does not exist: run npm run synth first\n`);
    process.exitCode = 2;
  } else if (file) {
    process.stdout.write(retainedResources(JSON.parse(fs.readFileSync(file, 'utf8'))).map((a) => `${a}\n`).join(''));
  }
}
