import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { assertProviderAvailable } from '../scripts/lib/terraform';
import { accessReport, connectCommands } from '../scripts/lib/access-report';
import { type Budget, formatVerdicts, judge } from '../scripts/lib/budgets';
import { loadConfig } from '../config/load';
import { tempDir } from './helpers';
import { once } from './support/shared-run';

/** The project's scripts on wrong arguments: their usage and exit code 2, never a stack trace; `--help` exits 0. */
const ROOT = path.resolve(__dirname, '..');
const run = (script: string, args: string[]) => spawnSync('node', ['--require', './scripts/transpile-hook.cjs', `scripts/${script}.ts`, ...args], { cwd: ROOT, encoding: 'utf8' });

describe.each([
  ['drift-report', /^usage: npm run -s drift-report -- <stack> <plan.json>/m],
  ['retained-resources', /^usage: npm run -s retained-resources -- <stack>/m],
])('npm run %s', (script, usage) => {
  it.each([[[]], [['--verbose']], [['a', 'b', 'c']]])('prints its usage for %j, and no stack trace', (args) => {
    const result = run(script, args);
    expect({ status: result.status, usage: usage.test(result.stderr), trace: /\n\s+at /.test(result.stderr) }).toEqual({ status: 2, usage: true, trace: false });
  });

  it('prints its usage for --help and exits 0', () => {
    const result = run(script, ['--help']);
    expect({ status: result.status, usage: usage.test(result.stderr) }).toEqual({ status: 0, usage: true });
  });
});

describe.each([
  ['validate', /^usage: npm run validate -- \[stack \.\.\.\]/m, ['--all']],
  ['stack-matrix', /^usage: npm run -s stack-matrix -- \[--github-output\]/m, ['dev']],
  ['schema', /^usage: npm run schema$/m, ['--check']],
  ['bench', /^usage: npm run bench -- \[--record\] \[word \.\.\.\]/m, ['no-such-case']],
  ['access-report', /^usage: npm run -s access-report -- \[environment \.\.\.\] \[--wide\]/m, ['--narrow']],
  ['audit-sessions', /^usage: npm run audit-sessions -- <environment>/m, []],
])('npm run %s', (script, usage, wrong) => {
  it('prints its usage for --help and exits 0', () => {
    const result = run(script, ['--help']);
    expect({ status: result.status, usage: usage.test(result.stderr), stdout: result.stdout }).toEqual({ status: 0, usage: true, stdout: '' });
  });

  it(`prints its usage for ${JSON.stringify(wrong)} and exits 2, doing nothing else`, () => {
    const before = ['config/environments.schema.json', 'docs/config-reference.md'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs);
    const result = run(script, wrong);
    expect({ status: result.status, usage: usage.test(result.stderr), trace: /\n\s+at /.test(result.stderr), stdout: result.stdout }).toEqual({ status: 2, usage: true, trace: false, stdout: '' });
    expect(['config/environments.schema.json', 'docs/config-reference.md'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs)).toEqual(before);
  });
});

describe('npm run emulator', () => {
  const emulator = (args: string[]) => spawnSync('python3', ['scripts/emulator/server.py', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });

  it('prints its usage for --help and exits 0, starting no server', () => {
    const result = emulator(['--help']);
    expect({ status: result.status, usage: /^usage: npm run emulator$/m.test(result.stderr) }).toEqual({ status: 0, usage: true });
  });

  it('prints its usage for an argument it does not take and exits 2', () => {
    const result = emulator(['--port', '1']);
    expect({ status: result.status, usage: /^usage: npm run emulator$/m.test(result.stderr) }).toEqual({ status: 2, usage: true });
  });
});

it('drift-report names a plan file that does not exist', () => {
  const result = run('drift-report', ['dev', 'no-such-plan.json']);
  expect({ status: result.status, out: result.stderr }).toEqual({ status: 2, out: expect.stringMatching(/^no-such-plan\.json does not exist/) });
});

describe('without the registry and without a mirror', () => {
  it('stops once, naming SSK_PROVIDER_MIRROR and the registry', async () => {
    // No mirror, an empty plugin cache, a registry that refuses the connection (a port nobody listens on).
    const env = { XDG_CACHE_HOME: tempDir('no-cache'), HOME: tempDir('no-home') };
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await expect(assertProviderAvailable(env, `https://127.0.0.1:${closed}/.well-known/terraform.json`))
      .rejects.toThrow(/registry\.terraform\.io is out of reach \(ECONNREFUSED\) and SSK_PROVIDER_MIRROR names no mirror\.\nSet SSK_PROVIDER_MIRROR to a Terraform filesystem mirror/);
  });

  it('goes on with a mirror, or with the provider in the plugin cache', async () => {
    const mirror = tempDir('mirror');
    await expect(assertProviderAvailable({ SSK_PROVIDER_MIRROR: mirror }, 'https://127.0.0.1:1/')).resolves.toBeUndefined();
    const cache = tempDir('cache');
    fs.mkdirSync(path.join(cache, 'ssm-session-kit', 'terraform-plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
    await expect(assertProviderAvailable({ XDG_CACHE_HOME: cache }, 'https://127.0.0.1:1/')).resolves.toBeUndefined();
  });

  it('is checked before any test runs, and by validate and bench', () => {
    const { jest } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(jest.globalSetup).toBe('<rootDir>/__tests__/support/global-setup.ts');
    for (const script of ['validate', 'bench']) expect(fs.readFileSync(path.join(ROOT, 'scripts', `${script}.ts`), 'utf8')).toMatch(/await assertProviderAvailable\(\);/);
  });
});

describe('npm run access-report', () => {
  it('reports only the environments named, and refuses one the config lacks, naming those it has', () => {
    const prod = run('access-report', ['prod', '--wide']);
    expect(prod.status).toBe(0);
    expect(prod.stdout).toMatch(/^prod \(account 333333333333, eu-central-1\)$/m);
    expect(prod.stdout).not.toMatch(/^(dev|staging) \(account/m);
    const qa = run('access-report', ['qa']);
    expect({ status: qa.status, err: qa.stderr }).toEqual({ status: 2, err: expect.stringMatching(/^no environment "qa" in the config; it has dev, staging, prod\n\nusage: npm run -s access-report/) });
  });

  it('fits the width it is given: tables wrapped in their cells, commands continued with \\, each still one shell command', () => {
    const config = loadConfig();
    const narrow = accessReport(config, 100);
    expect(narrow.split('\n').filter((l) => l.length > 100)).toEqual([]);
    const commands = config.environments.flatMap((env) => env.accessGroups.flatMap((g) => connectCommands(env, g).map((c) => c.command)));
    // Each printed command with its continuation lines.
    const lines = narrow.split('\n');
    const shells = lines.flatMap((line, i) => {
      // A just-in-time group's commands keep the request's id, then its token, in shell variables.
      if (!/^ {6}(aws |REQUEST_ID=|read )/.test(line)) return [];
      const parts = [line];
      for (let j = i; lines[j].endsWith(' \\'); j++) parts.push(lines[j + 1]);
      return [parts.join('\n')];
    });
    expect(shells).toHaveLength(commands.length);
    expect(shells.filter((shell) => shell.includes(' \\\n')).length).toBeGreaterThan(0);
    for (const shell of shells) {
      expect(commands).toContain(shell.replace(/ \\\n\s+/g, ' ').trim());
      expect(spawnSync('bash', ['-n', '-c', shell]).status).toBe(0);
    }
    expect(accessReport(config)).toEqual(accessReport(config, Infinity));
  });
});

describe("the test run's summary", () => {
  it('lists the test files by wall time, slowest first, as a share of the run, and ends with the line CI reads', () => {
    const Reporter = require('../scripts/jest-summary-reporter.js');
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { written.push(String(chunk)); return true; });
    try {
      const file = (name: string, start: number, end: number) => ({ testFilePath: `${process.cwd()}/__tests__/${name}`, perfStats: { start, end } });
      new Reporter().onRunComplete(new Set(), {
        startTime: Date.now() - 10_000, numPassedTests: 5, numFailedTests: 0, numRuntimeErrorTestSuites: 0, numPendingTests: 0, numTodoTests: 0,
        testResults: [file('fast.test.ts', 0, 1_000), file('slow.test.ts', 0, 8_000)],
      });
    } finally {
      spy.mockRestore();
    }
    const out = written.join('');
    expect(out).toMatch(/Test files by wall time \(the run: 10\.\d s; files run in parallel\):\n\s+8\.0 s {2}0\.\d\d of the run {2}__tests__\/slow\.test\.ts\n\s+1\.0 s {2}0\.\d\d of the run {2}__tests__\/fast\.test\.ts\n/);
    expect(out.trimEnd().split('\n').pop()).toBe('Tests: 5 passed, 0 failed');
  });
});

describe('npm run bench budgets', () => {
  const budgets: Budget[] = [
    { name: 'synth', case: 'app', per: 'floor', limit: 2 },
    { name: 'validate', case: 'v100', per: 'v5', limit: 6 },
    { name: 'tests', case: 'jest', limit: 60 },
  ];

  it('flags each figure over its budget, and only those', () => {
    const lines = formatVerdicts(judge([
      { case: 'app', medianSeconds: 1.1, timesFloor: 2.3 },
      { case: 'v5', medianSeconds: 10 },
      { case: 'v100', medianSeconds: 55 },
      { case: 'jest', medianSeconds: 61 },
    ], budgets));
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'synth 2.30x budget 2x OVER',
      'validate 5.50x budget 6x',
      'tests 61.00 s budget 60 s OVER',
    ]);
  });

  it("names the figure a case's CPU time alone needs on the machine's cores where a budget is below it", () => {
    const verdicts = judge([
      { case: 'app', medianSeconds: 1.1, timesFloor: 2.3 },
      { case: 'v5', medianSeconds: 10, cpuSeconds: 14 },
      { case: 'v100', medianSeconds: 70, cpuSeconds: 160 },
      { case: 'jest', medianSeconds: 61, cpuSeconds: 100 },
    ], budgets, 2);
    expect(verdicts.map((v) => v.cpuBound)).toEqual([undefined, { figure: 8, cores: 2 }, { figure: 50, cores: 2 }]);
    // A bound under the budget says nothing: more parallelism could meet it.
    expect(formatVerdicts(verdicts).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'synth 2.30x budget 2x OVER',
      'validate 7.00x budget 6x OVER (its CPU time alone needs 8.00x on 2 cores)',
      'tests 61.00 s budget 60 s OVER',
    ]);
  });

  it('compares CPU time, stacks planned, and the ratio to the case each run was paired with, where a budget asks', () => {
    const verdicts = judge([
      { case: 'detect', medianSeconds: 7, timesFloor: 1.7, pairedWith: 'synth100' },
      { case: 'synth100', medianSeconds: 4 },
      { case: 'change', medianSeconds: 11, stacks: 2, cpuSeconds: 16 },
      { case: 'everything', medianSeconds: 160, cpuSeconds: 300 },
      { case: 'terraform', medianSeconds: 315, cpuSeconds: 366 },
    ], [
      { name: 'detection', case: 'detect', per: 'synth100', limit: 2.5 },
      { name: 'stacks', case: 'change', measure: 'stacks', limit: 1 },
      { name: 'change', case: 'change', per: 'everything', limit: 0.05 },
      { name: 'cpu', case: 'everything', per: 'terraform', measure: 'cpu', limit: 1.3 },
    ], 2);
    expect(formatVerdicts(verdicts).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      // The paired ratio, not 7 s over 4 s.
      'detection 1.70x budget 2.5x',
      'stacks 2 stacks budget 1 stacks OVER',
      'change 0.069x budget 0.05x OVER',
      'cpu 0.82x budget 1.3x',
    ]);
  });

  it('says which budgets a partial run did not measure, without flagging them', () => {
    const verdicts = judge([{ case: 'app', medianSeconds: 0.8, timesFloor: 1.9 }, { case: 'v100', medianSeconds: 50 }], budgets);
    expect(verdicts.map((v) => [v.budget.name, v.value, v.over])).toEqual([['synth', 1.9, false], ['validate', undefined, false], ['tests', undefined, false]]);
    expect(formatVerdicts(verdicts)[1]).toMatch(/not measured/);
  });
});

describe("the test run's shared set-up", () => {
  it('is made once for every file that asks, each getting what it made', async () => {
    let made = 0;
    const make = async (dir: string) => {
      made++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { dir, made };
    };
    const [first, second] = await Promise.all([once('scripts-test-shared', make), once('scripts-test-shared', make)]);
    expect(made).toBe(1);
    expect(second).toEqual(first);
    expect(fs.statSync(first.dir).isDirectory()).toBe(true);
  });

  it('fails every file that asks when it fails', async () => {
    const failing = async (): Promise<never> => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      throw new Error('synthesis broke');
    };
    const asked = [once('scripts-test-failing', failing), once('scripts-test-failing', failing)];
    for (const outcome of asked) await expect(outcome).rejects.toThrow(/the shared set-up "scripts-test-failing" failed:\nError: synthesis broke/);
  });
});

describe('npm run confirm-subscription', () => {
  // The SubscribeURL SNS puts in its e-mail ("Subscribe", Amazon SNS API Reference, and "Confirm your
  // Amazon SNS subscription": the ConfirmSubscription action, the topic's ARN, the token).
  const token = '2336412f37fb687f5d51e6e2425f004aed8a2ce3a1d6a2a5d2c37b7a5e3e7e35f5e0b25e5b4e0f3a1e4e3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0';
  const link = `https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-central-1:333333333333:ssm-session-kit-prod-alerts&Token=${token}`;

  it('prints the signed confirmation that takes unauthenticated cancelling away', () => {
    const result = run('confirm-subscription', [link]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `aws sns confirm-subscription --region eu-central-1 --topic-arn arn:aws:sns:eu-central-1:333333333333:ssm-session-kit-prod-alerts --token ${token} --authenticate-on-unsubscribe true\n`,
    );
  });

  it.each([
    [link.replace('sns.eu-central-1.amazonaws.com', 'sns.eu-central-1.example.com'), /is not an SNS endpoint/],
    [link.replace('Action=ConfirmSubscription', 'Action=Unsubscribe'), /action is Unsubscribe, not ConfirmSubscription/],
    [link.replace('sns.eu-central-1', 'sns.us-east-1'), /topic is in eu-central-1, its endpoint in us-east-1/],
    [link.replace(/&Token=.*$/, ''), /has no token/],
    ['not a link', /is not a link/],
  ])('refuses %s with a reason and its usage, exit code 2', (bad, reason) => {
    const result = run('confirm-subscription', [bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('usage: npm run -s confirm-subscription');
  });
});
