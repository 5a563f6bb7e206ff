import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../scripts/lib/synth';
import { StackValidation, validateOffline, STACK_FILE } from '../../scripts/lib/offline-validation';
import { PlainTerraformRun, runPlainTerraform } from './plain-terraform';
import { once } from './shared-run';
import type { PolicyJson } from '../../scripts/lib/iam-decide';
import { ResolvedPlan } from '../iam-evaluation';

/** The shipped config's stacks. */
export const SHIPPED_STACKS = ['bootstrap', 'dev', 'organization', 'prod', 'staging'];

export interface ShippedPlans {
  /** The synthesized app. */
  readonly outdir: string;
  /** Every stack's offline validation, planned in one Terraform process with two that must fail (`legacy`, `broken`). */
  readonly all: StackValidation[];
  /** The shipped stacks' validations, in `SHIPPED_STACKS` order: their plans are what the policy tests evaluate. */
  readonly results: StackValidation[];
  /** The organization stack planned alone with another account's credentials. */
  readonly wrongAccount: StackValidation;
  /** The README's plain Terraform commands on the smallest stack. */
  readonly plainTerraform: PlainTerraformRun;
}

/**
 * The shipped config synthesized and planned offline with the real Terraform and AWS provider, once per
 * test run for every file that evaluates the resolved plans (the first file to ask makes it).
 */
export function shippedPlans(): Promise<ShippedPlans> {
  return once('shipped-plans', async (dir) => {
    const outdir = path.join(dir, 'cdktf.out');
    synthesize(outdir);
    // The project's stacks in one Terraform process with the failing ones; the organization stack again,
    // alone, with another account's credentials (a failure at plan time costs its batch a second plan).
    // And the README's plain Terraform commands on the smallest stack.
    const work = (name: string) => fs.mkdirSync(path.join(dir, name), { recursive: true }) ?? path.join(dir, name);
    const [all, [wrongAccount], plainTerraform] = await Promise.all([
      validateOffline({ outdir: appWithFailingStacks(outdir, path.join(work('mixed'), 'cdktf.out')), workdir: work('work'), concurrency: 1 }),
      validateOffline({ outdir, stacks: ['organization'], workdir: work('wrong-account'), callerAccount: () => '111111111111' }),
      runPlainTerraform(outdir, 'organization', '999999999999', work('plain-terraform')),
    ]);
    const results = SHIPPED_STACKS.map((name) => all.find((r) => r.stack === name)!);
    return { outdir, all, results, wrongAccount, plainTerraform };
  });
}

/** Adds a stack to a synthesized app's folder and manifest, as cdktf writes one. */
function addStack(dir: string, name: string, json: object): void {
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.stacks[name] = { workingDirectory: `stacks/${name}` };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
  fs.writeFileSync(path.join(dir, 'stacks', name, STACK_FILE), JSON.stringify(json));
}

const standaloneStack = (resource: object) => ({
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
  provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] },
  resource,
});

/**
 * The project's stacks beside two that must fail: one using an argument the AWS provider deprecates,
 * and one the provider refuses (a log retention CloudWatch does not accept).
 */
function appWithFailingStacks(outdir: string, dir: string): string {
  fs.cpSync(outdir, dir, { recursive: true });
  addStack(dir, 'legacy', standaloneStack({ aws_s3_bucket: { logs: { bucket: 'acme-legacy-logs-123456789012', acl: 'private' } } }));
  addStack(dir, 'broken', standaloneStack({ aws_cloudwatch_log_group: { sessions: { name: '/broken/sessions', retention_in_days: 13 } } }));
  return dir;
}

/** One shipped stack's resolved plan, and the SCPs of the organization stack's, for the IAM engine. */
export async function resolvedShipped(stack: string): Promise<{ plan: ResolvedPlan; scps: PolicyJson[] }> {
  const { results } = await shippedPlans();
  return {
    plan: new ResolvedPlan(results.find((r) => r.stack === stack)!.planFile!),
    scps: new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps(),
  };
}
