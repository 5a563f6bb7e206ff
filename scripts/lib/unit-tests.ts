import * as fs from 'fs';
import * as path from 'path';

/**
 * The test files that need neither Terraform nor the AWS emulator: those that import none of the
 * helpers that start them, directly or through the tests' own support modules.
 */
const NEEDS = [
  /from '\.\.?\/(support\/)?(emulator|shipped-plans|archive-and-identity-center|plain-terraform|deploy-walk)'/,
  /from '\.\.\/(\.\.\/)?scripts\/lib\/(offline-validation|terraform)'/,
];

/** Whether a test file, or a support module it imports, starts Terraform or the emulator. */
export function needsTerraformOrEmulator(file: string, seen: Set<string> = new Set()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8');
  if (NEEDS.some((pattern) => pattern.test(source))) return true;
  const support = [...source.matchAll(/from '(\.\.?\/(?:support\/)?[\w-]+)'/g)]
    .map((m) => path.resolve(path.dirname(file), `${m[1]}.ts`))
    .filter((f) => f.includes(`${path.sep}__tests__${path.sep}`) && fs.existsSync(f));
  return support.some((f) => needsTerraformOrEmulator(f, seen));
}

/** The project's test files, split by what they need. */
export function unitTestFiles(root: string): { unit: string[]; all: string[] } {
  const dir = path.join(root, '__tests__');
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f)).sort();
  return { unit: all.filter((f) => !needsTerraformOrEmulator(f)), all };
}
