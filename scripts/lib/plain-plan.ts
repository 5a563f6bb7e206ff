import * as fs from 'fs';
import * as path from 'path';
import { type MockAws, startMockAws } from './mock-aws';

/** The services the stand-in answers while a stack is planned, by the SDK's service endpoint variables. */
export function standInEndpoints(url: string): Record<string, string> {
  return Object.fromEntries(['STS', 'SSM', 'SSO_ADMIN', 'IDENTITYSTORE'].map((service) => [`AWS_ENDPOINT_URL_${service}`, url]));
}

/** A synthesized stack ready for plain `terraform init` and `plan`, offline. */
export interface PlainStack {
  /** The stack's copy: `<work>/cdktf.out/stacks/<name>`. */
  readonly dir: string;
  /** What Terraform needs beside its own settings: a placeholder key, and the stand-in's endpoints. */
  readonly env: Readonly<Record<string, string>>;
  readonly mock: MockAws;
  close(): Promise<void>;
}

const PLACEHOLDER_KEY = 'PLAINTERRAFORM';

/**
 * A synthesized stack copied as a team that runs Terraform itself has it, with one test-only file beside
 * it: a local backend instead of S3. Credentials come as a user's would, from the environment: a
 * placeholder key that the stand-in STS answers with `accountId` (default the stack's own allowed
 * account), for every provider configuration of the stack.
 */
export async function plainStack(outdir: string, name: string, work: string, accountId?: string): Promise<PlainStack> {
  const dir = path.join(work, 'cdktf.out', 'stacks', name);
  fs.cpSync(path.join(outdir, 'stacks', name), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'zz_test_override.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } } }));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { provider?: { aws?: { allowed_account_ids?: string[] }[] } };
  const account = accountId ?? json.provider?.aws?.[0]?.allowed_account_ids?.[0] ?? '123456789012';
  const mock = await startMockAws(new Map([[PLACEHOLDER_KEY, account]]));
  return {
    dir,
    env: { AWS_ACCESS_KEY_ID: PLACEHOLDER_KEY, AWS_SECRET_ACCESS_KEY: 'offline', ...standInEndpoints(mock.url) },
    mock,
    close: () => mock.close(),
  };
}
