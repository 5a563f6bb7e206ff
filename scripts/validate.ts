import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changedStacks, headSynthesis } from './lib/changed-stacks';
import { synthesize } from './lib/synth';
import { StackValidation, validateOffline } from './lib/offline-validation';
import { assertProviderAvailable } from './lib/terraform';
import { parseArguments } from './lib/usage';

/**
 * `npm run validate`: synthesize every stack, then plan each with the real Terraform CLI and AWS
 * provider, offline. One line per stack; exits non-zero on any error or warning.
 */
const USAGE = `usage: npm run validate -- [stack ...] [--changed <git-ref>]
  stack      only these synthesized stacks (default every one)
  --changed  only the stacks changed since the ref (npm run changed-stacks), removed ones aside, planned
             from the synthesis of the committed and uncommitted files it made (SSK_CONFIG aside)
Synthesizes, then plans each stack offline with the real Terraform CLI and AWS provider (SSK_PROVIDER_MIRROR
names a filesystem mirror of the provider; without it Terraform installs from the registry).`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--changed');
  const base = at >= 0 ? argv[at + 1] : undefined;
  const args = parseArguments(USAGE, {}, at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv);
  if (!args) return;
  if (at >= 0 && (!base || base.startsWith('-'))) throw new Error(`--changed needs a git ref\n\n${USAGE}`);
  await assertProviderAvailable();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-validate-'));
  let outdir = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  let changed: string[] | undefined;
  if (base) {
    // The working tree's synthesis the comparison made is the one planned.
    const change = await changedStacks(base, { cwd: path.resolve(__dirname, '..'), workdir }).catch((e: Error) => {
      fs.rmSync(workdir, { recursive: true, force: true });
      throw e;
    });
    changed = change.changes.filter((c) => c.change !== 'removed').map((c) => c.stack);
    outdir = headSynthesis(workdir);
    if (changed.length === 0) {
      fs.rmSync(workdir, { recursive: true, force: true });
      console.log(`no stack changed since ${base}`);
      return;
    }
  } else {
    synthesize(outdir);
  }
  const stacks = [...args.positional, ...(changed ?? [])];
  const results = await validateOffline({ outdir, workdir: path.join(workdir, 'plans'), stacks: stacks.length > 0 ? stacks : undefined });
  const width = Math.max(...results.map((r) => r.stack.length));
  for (const r of results) console.log(formatResult(r, width));
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) {
    console.log(`Scratch copies kept for inspection in ${workdir}`);
    process.exitCode = 1;
  } else {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

function formatResult(r: StackValidation, width: number): string {
  const changes = r.changes ? `  ${r.changes.add} to add, ${r.changes.change} to change, ${r.changes.destroy} to destroy` : '';
  const head = `${r.ok ? 'ok  ' : 'FAIL'}  ${r.stack.padEnd(width)}  ${r.seconds.toFixed(1).padStart(5)}s${changes}`;
  const problems = r.diagnostics.map(
    (d) => `\n      ${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ''}${d.detail ? `\n        ${d.detail.replace(/\n/g, '\n        ')}` : ''}`,
  );
  return head + problems.join('');
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
