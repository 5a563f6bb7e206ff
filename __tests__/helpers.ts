import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { ConfigError, validateConfig } from '../config/validate';

/** A fresh, mutable copy of the project's own config file. */
export function rawConfig(): any {
  return JSON.parse(fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
}

/** The message validation gives for the project's config once `mutate` has broken it. */
export function configProblems(mutate: (raw: any) => void): string {
  const raw = rawConfig();
  mutate(raw);
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const created: string[] = [];

/** A new temporary folder, removed after the test file has run. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssk-${prefix}-`));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a config to a temporary file and returns its path. */
export function writeConfig(config: unknown): string {
  const file = path.join(tempDir('config'), 'environments.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export type Json = Record<string, any>;

/** Synthesizes whatever `build` adds to a fresh stack that has an AWS provider. */
export function synthStack(build: (stack: TerraformStack) => void): Json {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

/** Every resource of a type in a synthesized stack. */
export function resources(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

/** Every data source of a type in a synthesized stack. */
export function dataSources(stack: Json, type: string): Json[] {
  return Object.values(stack.data?.[type] ?? {});
}

/** The one resource of a type in a synthesized stack. */
export function only(stack: Json, type: string): Json {
  const found = resources(stack, type);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The statements of the policy in attribute `attribute` (default `policy`) of every resource of a type. */
export function policyStatements(stack: Json, type: string, attribute = 'policy'): Json[][] {
  return resources(stack, type).map((r) => JSON.parse(r[attribute]).Statement);
}
