import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TRANSPILE_HOOK } from '../scripts/lib/synth';

/** The layers of docs/architecture.md, as rules on what each file imports. */
const ROOT = path.resolve(__dirname, '..');

const sources = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' }).split('\n')
  .filter((f) => f && !f.startsWith('__tests__/') && !f.startsWith('docs/'));

/** The project files a source imports (relative imports, resolved to paths from the root). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*'(\.[^']+)'/g)].map(([, s]) => s);
  return specifiers.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

interface ImportRule {
  readonly why: string;
  /** The files the rule holds. */
  readonly files: (file: string) => boolean;
  /** An import that breaks it. */
  readonly refuses: (imported: string) => boolean;
}

const under = (folder: string) => (p: string) => p === folder || p.startsWith(`${folder}/`);

const RULES: readonly ImportRule[] = [
  { why: 'modules know nothing of environments, stacks or commands', files: under('modules'), refuses: (p) => ['config', 'stacks', 'scripts'].some((d) => under(d)(p)) },
  { why: 'stacks compose modules; they never reach into the commands', files: under('stacks'), refuses: under('scripts') },
  { why: 'the config reads names from their one home, nothing else of the stacks', files: under('config'), refuses: (p) => under('stacks')(p) && p !== 'stacks/naming' },
  {
    why: 'the instance profile and the alerts take the protected actions from shared/, not from the guardrails',
    files: (f) => under('modules/instance-profile')(f) || under('modules/session-alerts')(f),
    refuses: under('modules/guardrails'),
  },
  { why: 'the one home of names and of the audit trail imports no construct', files: (f) => f === 'stacks/naming.ts' || f === 'stacks/audit-trail.ts', refuses: (p) => /-stack$/.test(p) },
];

describe('the layers (docs/architecture.md)', () => {
  it('finds the sources it checks', () => {
    expect(sources.filter(under('modules')).length).toBeGreaterThan(30);
    expect(importsOf('stacks/environment-stack.ts')).toContain('stacks/naming');
  });

  it.each(RULES.map((r) => [r.why, r] as const))('%s', (_why, rule) => {
    const broken = sources.filter(rule.files).flatMap((file) => importsOf(file).filter(rule.refuses).map((p) => `${file} imports ${p}`));
    expect(broken).toEqual([]);
  });

  it('would see a broken rule: a module importing the config', () => {
    const rule = RULES[0];
    expect(rule.files('modules/guardrails/trail.ts') && rule.refuses('config/types')).toBe(true);
  });
});

/** Every module of cdktf, its AWS provider or constructs that loading `file` loads. */
function cdktfLoadedBy(file: string): string[] {
  const script = "require(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/(cdktf|@cdktf|constructs)\\//.test(k))))";
  const run = spawnSync(process.execPath, ['--require', TRANSPILE_HOOK, '-e', script, path.join(ROOT, file)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${file} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('what reads names and config loads no cdktf', () => {
  it.each([
    'stacks/naming.ts', 'stacks/audit-trail.ts', 'config/load.ts',
    'scripts/drift-report.ts', 'scripts/retained-resources.ts', 'scripts/stack-matrix.ts', 'scripts/audit-sessions.ts', 'scripts/schema.ts', 'scripts/pipeline-trust.ts',
  ])('%s', (file) => {
    expect(cdktfLoadedBy(file)).toEqual([]);
  });

  it('would see cdktf loaded: a construct module loads it', () => {
    expect(cdktfLoadedBy('modules/session-alerts/index.ts').length).toBeGreaterThan(0);
  });
});
