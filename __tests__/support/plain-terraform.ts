import * as fs from 'fs';
import * as path from 'path';
import { startMockAws } from '../../scripts/lib/mock-aws';
import { plainStack } from '../../scripts/lib/plain-plan';
import { Terraform } from '../../scripts/lib/terraform';

export interface PlainTerraformRun {
  /** The stack's folder the commands ran in. */
  readonly stack: string;
  readonly init: string;
  /** What `plan` printed: the plan itself, then its summary line. */
  readonly plan: string;
  readonly codes: readonly number[];
}

/**
 * README, "Plain Terraform": the commands a team that runs Terraform itself types, run as written on
 * a synthesized stack (copied into `work/cdktf.out/stacks/<name>`), offline. The only test-only piece
 * is an override file beside the stack, a local backend instead of S3; the credentials are a
 * placeholder key in the environment that the stand-in STS answers with the stack's own account.
 */
export async function runPlainTerraform(outdir: string, name: string, accountId: string, work: string): Promise<PlainTerraformRun> {
  const stack = await plainStack(outdir, name, work, accountId);
  try {
    const terraform = new Terraform(work);
    const chdir = `-chdir=cdktf.out/stacks/${name}`;
    const init = await terraform.run(work, [chdir, 'init', '-input=false', '-no-color'], stack.env);
    const plan = await terraform.run(work, [chdir, 'plan', '-input=false', '-no-color', '-out=tfplan'], stack.env);
    return { stack: stack.dir, init: init.stdout + init.stderr, plan: plan.stdout + plan.stderr, codes: [init.code, plan.code] };
  } finally {
    await stack.close();
  }
}

/**
 * The role the S3 backend assumes for state when `terraform init` runs in a synthesized stack with these
 * extra arguments: init is run until the stand-in STS refuses that AssumeRole, so nothing else is needed.
 */
export async function stateRoleAssumedByInit(outdir: string, name: string, work: string, args: readonly string[] = []): Promise<string | undefined> {
  const stack = path.join(work, 'cdktf.out', 'stacks', name);
  fs.cpSync(path.join(outdir, 'stacks', name), stack, { recursive: true });
  const mock = await startMockAws(new Map());
  try {
    const env = { AWS_ENDPOINT_URL_STS: mock.url, AWS_ACCESS_KEY_ID: 'PLAINTERRAFORM', AWS_SECRET_ACCESS_KEY: 'offline', AWS_EC2_METADATA_DISABLED: 'true' };
    await new Terraform(work).run(work, [`-chdir=cdktf.out/stacks/${name}`, 'init', '-input=false', '-no-color', ...args], env);
    const i = mock.calls.indexOf('STS.AssumeRole');
    return i < 0 ? undefined : new URLSearchParams(mock.bodies[i]).get('RoleArn') ?? undefined;
  } finally {
    await mock.close();
  }
}
