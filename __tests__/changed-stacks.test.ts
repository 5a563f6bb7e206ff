import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { changedMatrix, changeReport } from '../scripts/changed-stacks';
import { APP_INPUTS, changedStacks, type ChangedStacks, compareSyntheses, reasonsOf, sameToTerraform, terraformView } from '../scripts/lib/changed-stacks';
import { stackMatrix } from '../scripts/stack-matrix';
import { loadConfig } from '../config/load';
import { tempDir } from './helpers';
import { unitTestFiles } from '../scripts/lib/unit-tests';
import { appCommand } from '../scripts/lib/synth';

/**
 * `npm run changed-stacks` on a temporary repository: a clone of this one at its last commit, each
 * change made in its working tree and compared with that commit.
 */
jest.setTimeout(5 * 60_000);
const ROOT = path.resolve(__dirname, '..');

let repo: string;
beforeAll(() => {
  repo = path.join(tempDir('changed-stacks'), 'repo');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, repo]);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
});

/** The change `edit` makes to a fresh working tree, against its commit. */
function afterEditing(edit: (file: (name: string, change: (text: string) => string) => void) => void): Promise<ChangedStacks> {
  execFileSync('git', ['checkout', '--quiet', '--', '.'], { cwd: repo });
  execFileSync('git', ['clean', '--quiet', '-fd', '--exclude=node_modules'], { cwd: repo });
  edit((name, change) => {
    const file = path.join(repo, name);
    fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
  });
  return changedStacks('HEAD', { cwd: repo });
}

const summary = (c: ChangedStacks) => c.changes.map((s) => [s.change, s.stack]);
const config = (mutate: (raw: any) => void) => (text: string) => {
  const raw = JSON.parse(text);
  mutate(raw);
  return `${JSON.stringify(raw, null, 2)}\n`;
};

describe('npm run changed-stacks, on a temporary repository', () => {
  it("lists one environment's stack when its config changes, and why", async () => {
    const change = await afterEditing((file) => file('config/environments.json', config((raw) => { raw.environments.dev.sessionLogging.idleSessionTimeoutMinutes = 25; })));
    expect(summary(change)).toEqual([['changed', 'dev']]);
    expect(change.changes[0].reasons).toEqual(['config']);
    expect(change.everything).toBe(false);
  });

  it('lists every stack that uses a module when the module changes', async () => {
    const change = await afterEditing((file) => file('modules/session-logging/index.ts', (t) => t.replace("'Session Manager preferences: every session recorded and encrypted'", "'Session Manager preferences: every session recorded'")));
    expect(summary(change)).toEqual([['changed', 'dev'], ['changed', 'prod'], ['changed', 'staging']]);
    expect(change.changes[0].reasons).toEqual(['module code']);
  });

  it('lists none for a change to the docs alone', async () => {
    const change = await afterEditing((file) => file('README.md', (t) => `${t}\nA note.\n`));
    expect({ files: change.files, changes: change.changes }).toEqual({ files: ['README.md'], changes: [] });
  });

  it('lists a removed environment as removed', async () => {
    const change = await afterEditing((file) => file('config/environments.json', config((raw) => { delete raw.environments.staging; })));
    expect(change.changes).toContainEqual({ stack: 'staging', change: 'removed', reasons: ['config'] });
    expect(summary(change).map(([, stack]) => stack)).not.toContain('dev');
  });

  it('lists every stack for a change to the workflows or the lock file', async () => {
    const change = await afterEditing((file) => file('.github/workflows/cdktf.yml', (t) => `${t}\n# a comment\n`));
    expect(change.everything).toBe(true);
    expect(summary(change).map(([, stack]) => stack)).toEqual(['bootstrap', 'dev', 'organization', 'prod', 'staging']);
    expect(changeReport(change)).toMatch(/^every stack: the change touches the workflows\n/);
  });
});

describe('what changed-stacks compares', () => {
  it("leaves cdktf's metadata out, and key order", () => {
    const a = { '//': { metadata: { version: '0.21.0' } }, resource: { b: 1, a: { '//': { path: 'x' }, v: 2 } } };
    const b = { resource: { a: { v: 2 }, b: 1 }, '//': { metadata: { version: '0.21.1' } } };
    expect(JSON.stringify(terraformView(a))).toBe(JSON.stringify(terraformView(b)));
    expect(sameToTerraform(JSON.stringify(a), JSON.stringify(b))).toBe(true);
    expect(sameToTerraform(JSON.stringify(a), JSON.stringify({ ...b, resource: { a: { v: 3 }, b: 1 } }))).toBe(false);
  });

  it('lists the stacks whose plan depends on a changed one', () => {
    const base = new Map([['bootstrap', '1'], ['dev', '1']]);
    const head = new Map([['bootstrap', '2'], ['dev', '1']]);
    expect(compareSyntheses(base, head, new Map([['dev', ['bootstrap']]]), ['config'])).toEqual([
      { stack: 'bootstrap', change: 'changed', reasons: ['config'] }, { stack: 'dev', change: 'dependent', reasons: ['depends on bootstrap'] },
    ]);
  });

  it('knows every file the app reads: a change to no such file needs no synthesis', () => {
    const dir = tempDir('app-reads');
    const out = path.join(dir, 'read.json');
    // Records every file the app requires or reads, as it synthesizes.
    const recorder = path.join(dir, 'record.cjs');
    fs.writeFileSync(recorder, `const fs = require('fs'); const path = require('path'); const seen = new Set(); const read = fs.readFileSync;
fs.readFileSync = function (p, ...rest) { if (typeof p === 'string') seen.add(path.resolve(p)); return read.call(this, p, ...rest); };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify([...seen, ...Object.keys(require.cache)])));`);
    const [node, ...args] = appCommand();
    execFileSync(node, ['--require', recorder, ...args], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: path.join(dir, 'out'), SSK_CONFIG: '' } });
    const read = [...new Set((JSON.parse(fs.readFileSync(out, 'utf8')) as string[])
      .map((f) => path.relative(ROOT, f)).filter((f) => !f.startsWith('..') && !f.startsWith('node_modules') && !f.startsWith(path.relative(ROOT, dir))))];
    expect(read).toEqual(expect.arrayContaining(['main.ts', 'config/environments.json', 'scripts/transpile-hook.cjs']));
    expect(read.filter((f) => reasonsOf([f]).reasons.length === 0)).toEqual([]);
    // And the base's copy holds every one of them.
    expect(read.filter((f) => !APP_INPUTS.some((p) => f === p || f.startsWith(`${p}/`)))).toEqual([]);
  });

  it('reads the reasons from the files a change touches', () => {
    expect(reasonsOf(['docs/access.md'])).toEqual({ reasons: [], everything: false });
    expect(reasonsOf(['package-lock.json', 'modules/x/index.ts'])).toEqual({ reasons: ['dependency versions', 'module code'], everything: true });
  });

  it('gives the workflows the matrix of the touched environment stacks only, by wave', () => {
    const matrix = stackMatrix(loadConfig());
    const change: ChangedStacks = { base: 'main', everything: false, files: [], changes: [{ stack: 'dev', change: 'changed', reasons: ['config'] }, { stack: 'organization', change: 'changed', reasons: ['config'] }] };
    const changed = changedMatrix(matrix, change);
    expect(changed.all.map((e) => e.stack)).toEqual(['dev']);
    expect(changed.waves).toEqual([{ wave: 1, stacks: changed.all }]);
  });
});

describe('the workflows, on what a change touches', () => {
  const workflow = parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'cdktf.yml'), 'utf8'));

  it('plan and deploy the stacks changed-stacks lists, and everything when asked by hand', () => {
    const step = workflow.jobs.matrix.steps.find((s: any) => s.id === 'matrix');
    expect(step.run).toContain('npm run -s changed-stacks -- --base "$BASE" --github-output');
    expect(step.run).toContain('npm run -s stack-matrix -- --github-output');
    expect(step.env.EVERYTHING).toContain('inputs.everything');
    expect(workflow.jobs.matrix.steps[0].with['fetch-depth']).toBe(0);
    expect(workflow.jobs.plan.with.stacks).toBe('${{ needs.matrix.outputs.all }}');
    // The waves the config names, one at a time, in order: no fixed count.
    expect(workflow.jobs.deploy.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, matrix: { wave: '${{ fromJSON(needs.matrix.outputs.waves) }}' } });
    expect(workflow.jobs.deploy.with.stacks).toBe('${{ toJSON(matrix.wave.stacks) }}');
    expect(Object.keys(workflow.jobs).filter((j) => /^wave\d/.test(j))).toEqual([]);
  });

  it('leave the nightly drift run planning every stack', () => {
    expect(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'drift.yml'), 'utf8')).not.toContain('changed-stacks');
  });
});

describe('npm run test:unit, the inner loop', () => {
  it('runs the tests that need neither Terraform nor the emulator, and leaves the others to npm test', () => {
    const { unit, all } = unitTestFiles(ROOT);
    const names = (files: string[]) => files.map((f) => path.basename(f));
    expect(names(unit)).toEqual(expect.arrayContaining(['config.test.ts', 'changed-stacks.test.ts', 'access-policies.test.ts']));
    // The emulator (directly, or through a support module), offline plans, the shipped plans: npm test's.
    expect(names(all.filter((f) => !unit.includes(f)))).toEqual(expect.arrayContaining([
      'replay.test.ts', 'review-page.test.ts', 'offline-validation.test.ts', 'session-review.test.ts', 'ssm-fleet.test.ts',
    ]));
    expect(unit.length).toBeLessThan(all.length);
  });
});
