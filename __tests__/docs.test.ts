import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, validateConfig } from '../config/validate';
import { configExamples, mergeExample } from '../scripts/lib/doc-examples';
import { runSynth } from '../scripts/lib/synth';
import { BUDGETS, type BenchRecord, withFigures } from '../scripts/lib/bench-figures';
import { judge } from '../scripts/lib/budgets';
import { alertReport } from '../scripts/lib/alert-report';
import { audit, auditTable } from '../scripts/lib/session-audit';
import { rawConfig, tempDir, writeConfig } from './helpers';
import { headingAnchors, relativeLinks } from './support/markdown';

const ROOT = path.resolve(__dirname, '..');
jest.setTimeout(60_000);

function list(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('the API reference', () => {
  it('is generated from the TSDoc comments and current: `npm run docs` changes nothing', () => {
    const out = path.join(tempDir('docs'), 'api');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Error'], { cwd: ROOT, stdio: 'ignore' });
    const committed = path.join(ROOT, 'docs', 'api');
    expect(list(out)).toEqual(list(committed));
    for (const file of list(out)) {
      expect({ file, text: fs.readFileSync(path.join(out, file), 'utf8') }).toEqual({ file, text: fs.readFileSync(path.join(committed, file), 'utf8') });
    }
  });
});

describe('the config examples of the README and the guides', () => {
  const documents = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const found = documents.map((file) => configExamples(fs.readFileSync(path.join(ROOT, file), 'utf8'), file));
  const examples = found.flatMap((f) => f.examples);

  it('say, each, where they go in environments.json', () => {
    expect(found.flatMap((f) => f.problems)).toEqual([]);
    expect(examples.filter((e) => e.at !== undefined).length).toBeGreaterThanOrEqual(4);
  });

  it('validate and synthesize, merged into the shipped config as written', () => {
    let previous: unknown;
    for (const example of examples.filter((e) => e.at !== undefined)) {
      const base = example.withPrevious ? previous : rawConfig();
      const config = mergeExample(base, example);
      previous = config;
      const where = `${example.file}:${example.line}`;
      expect({ where, problems: problemsOf(config) }).toEqual({ where, problems: '' });
      const run = runSynth(path.join(tempDir('example'), 'out'), { SSK_CONFIG: writeConfig(config) });
      expect({ where, status: run.status, stderr: run.stderr }).toEqual({ where, status: 0, stderr: '' });
    }
  });

  it('have one TypeScript example, the one the package test compiles and synthesizes in two kinds of app', () => {
    const tsBlocks = documents.flatMap((file) => [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^```(ts|typescript)$/gm)].map(() => file));
    expect(tsBlocks).toEqual(['docs/modules.md']);
  });

  it('fail when one is broken: a seeded example that misses a required field', () => {
    const markdown = ['<!-- example: config at environments -->', '```json', '"qa": { "accountId": "444444444444", "region": "eu-west-1" }', '```'].join('\n');
    const [example] = configExamples(markdown, 'seeded.md').examples;
    expect(problemsOf(mergeExample(rawConfig(), example))).toMatch(/environment "qa", field "network": is required/);
    expect(configExamples('```json\n{}\n```', 'unmarked.md').problems).toEqual([expect.stringMatching(/^unmarked\.md:1: a json example says neither where it goes/)]);
  });
});

/** The validation's message for a config, or '' when it is valid. */
function problemsOf(config: unknown): string {
  try {
    validateConfig(config);
    return '';
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

describe('the README and the guides', () => {
  const guides = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);

  it('keep the README a front door: at most 200 lines, the two set-up commands on its first screen, every guide linked', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    const firstScreen = readme.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain('npm ci && npm run synth');
    expect(firstScreen).toContain('npm test && npm run test:deploy');
    for (const guide of guides) expect({ guide, linked: readme.includes(`](${guide})`) }).toEqual({ guide, linked: true });
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of ['README.md', ...guides]) {
      for (const { target, relative, anchor } of relativeLinks(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
        const resolved = relative ? path.join(path.dirname(path.join(ROOT, file)), relative) : path.join(ROOT, file);
        if (!fs.existsSync(resolved)) broken.push(`${file}: ${target}`);
        else if (anchor && resolved.endsWith('.md') && !headingAnchors(fs.readFileSync(resolved, 'utf8')).includes(anchor)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

/** The block after `<!-- sample: <id> -->` in a file of the project. */
function sample(file: string, id: string): string {
  return new RegExp(`<!-- sample: ${id} -->\\n\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(fs.readFileSync(path.join(ROOT, file), 'utf8'))?.[1] ?? '';
}

describe('the sample outputs of the guides', () => {
  it("show what the alert report prints for the shipped prod", () => {
    const config = validateConfig(rawConfig());
    const report = alertReport({ ...config, environments: config.environments.filter((e) => e.name === 'prod') });
    expect(sample('docs/alerts.md', 'alert-report prod').trimEnd()).toBe(report.trimEnd());
  });

  it('show what the access report prints for prod, up to its connect commands', () => {
    // Spawned as a reader runs it: stdout is no terminal, so the report is 120 columns wide.
    const report = execFileSync('npm', ['run', '-s', 'access-report', '--', 'prod'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
    expect(sample('docs/access.md', 'access-report prod').trimEnd()).toBe(report.split('\n\n  how to connect')[0]);
  });

  it('show what a bad config stops with', () => {
    const raw = rawConfig();
    raw.environments.dev.accountId = '1234';
    delete raw.environments.prod.state.bucket;
    let message = '';
    try {
      validateConfig(raw, 'config/environments.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(sample('docs/configuration.md', 'config-error').trimEnd()).toBe(message);
  });
});

describe("the guides' figures", () => {
  const record = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'bench-results.json'), 'utf8')) as BenchRecord;
  const guide = fs.readFileSync(path.join(ROOT, 'docs', 'performance.md'), 'utf8');

  it("are a run of the bench as it wrote it: every budgeted case measured, the verdicts its results give", () => {
    const cases = record.results.map((r) => r.case);
    const budgeted = BUDGETS.flatMap((b) => [b.case, ...(b.per && b.per !== 'floor' ? [b.per] : [])]);
    expect(cases).toEqual(expect.arrayContaining(budgeted));
    const cores = Number(/^(\d+) x /.exec(record.machine)?.[1]);
    expect(record.budgets).toEqual(judge(record.results, BUDGETS, cores));
  });

  it('are written into the performance guide from that file (npm run docs changes nothing), and restated nowhere else', () => {
    expect(guide).toBe(withFigures(guide, record));
    // The bench's own format (two decimals and x, or seconds): outside the block no guide has one.
    const outside = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
      .map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/<!-- bench: [\s\S]*?<!-- \/bench -->/, '') }));
    const restated = outside.flatMap(({ file, text }) => [...text.matchAll(/\b\d+\.\d\dx\b/g)].map(([figure]) => `${file}: ${figure}`));
    expect(restated).toEqual([]);
  });

  it('fail when the guide and the record part: a figure edited by hand', () => {
    const edited = guide.replace(/\| (\d+\.\d\d) \|/, (_, figure: string) => `| ${(Number(figure) + 0.01).toFixed(2)} |`);
    expect(edited).not.toBe(guide);
    expect(withFigures(edited, record)).not.toBe(edited);
  });
});

describe('the architecture guide', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  /** Every path it names in inline code: a folder or a file of the project, `<name>` standing for any. */
  const named = [...text.matchAll(/`([\w.<>-]+\/[\w./<>-]*)`/g)].map(([, p]) => p).filter((p) => !p.startsWith('cdktf.out/'));

  it('names only paths that exist, and a file for every kind of change it lists', () => {
    const exists = (p: string) => (p.includes('<')
      ? fs.readdirSync(path.join(ROOT, p.split('<')[0])).length > 0
      : fs.existsSync(path.join(ROOT, p)));
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((p) => !exists(p))).toEqual([]);
    const changes = text.split('## Where a change goes')[1].split('\n## ')[0].split('\n- ').slice(1);
    expect(changes.length).toBeGreaterThanOrEqual(8);
    for (const change of changes) expect({ change: change.slice(0, 40), names: /`[\w.-]+\/[\w./<>-]*`/.test(change) }).toEqual({ change: change.slice(0, 40), names: true });
  });
});

describe("the README's layout", () => {
  const block = sample('README.md', 'layout');
  /** The paths the block names: a line's first word, under the folder above it when indented. */
  const named = (() => {
    const paths: string[] = [];
    let folder = '';
    for (const line of block.split('\n')) {
      const [, indent, word] = /^( *)(\S+)/.exec(line) ?? [];
      if (word === undefined || indent.length > 2) continue; // a description's continuation
      const full = indent.length === 0 ? word : `${folder}${word}`;
      if (indent.length === 0) folder = word.endsWith('/') ? word : '';
      paths.push(full);
    }
    return paths;
  })();

  it('names only paths that exist', () => {
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });

  it('names every module and every top-level folder', () => {
    const modules = fs.readdirSync(path.join(ROOT, 'modules')).map((m) => `modules/${m}/`);
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const folders = [...new Set(tracked.filter((f) => f.includes('/')).map((f) => `${f.split('/')[0]}/`))];
    expect([...modules, ...folders].filter((p) => !named.some((n) => n === p || n.startsWith(p)))).toEqual([]);
  });
});

describe('the transcript audit sample', () => {
  it('is what the audit prints for three sessions: one rewritten, one written after its end (and reviewed), one without a transcript', () => {
    const d = (iso: string) => new Date(iso);
    const user = (name: string) => `arn:aws:iam::333333333333:user/${name}`;
    const sessions = [['alice-0a1b2c3d4e5f67890', '09:02:11', '09:40:03'], ['carol-1b2c3d4e5f6789012', '10:15:40', '10:21:09'], ['dave-2c3d4e5f678901234', '11:00:02', '11:30:02']];
    const audits = audit({
      sessions: sessions.map(([sessionId, start, end]) => ({ sessionId, status: 'Terminated', start: d(`2026-12-01T${start}Z`), end: d(`2026-12-01T${end}Z`) })),
      started: sessions.map(([sessionId, start], i) => ({
        sessionId, owner: user(sessionId.split('-')[0]), target: i === 2 ? 'i-0fedcba9876543210' : 'i-0123456789abcdef0', time: d(`2026-12-01T${start}Z`),
      })),
      transcripts: new Map([[sessions[0][0], [d('2026-12-01T09:40:04Z'), d('2026-12-01T13:12:55Z')]], [sessions[1][0], [d('2026-12-01T10:21:10Z')]]]),
      streams: new Map([[sessions[0][0], d('2026-12-01T09:40:03Z')], [sessions[1][0], d('2026-12-01T14:02:00Z')]]),
      signOffs: new Map([[sessions[1][0], 1]]),
    }, { since: d('2026-11-25T00:00:00Z') });
    expect(sample('docs/recording.md', 'audit-sessions')).toBe(auditTable(audits));
  });
});

describe("the README's commands", () => {
  const table = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `npm run '));
  const scripts = [...new Set(table.flatMap((row) => [...row.matchAll(/`npm run ([\w:-]+)/g)].map((m) => m[1])))];
  const help = (script: string, env: NodeJS.ProcessEnv = {}) => spawnSync('npm', ['run', '-s', script, '--', '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

  it('each print their usage on --help, as the README says, and do nothing else', () => {
    expect(scripts).toEqual(expect.arrayContaining(['synth', 'validate', 'docs', 'schema', 'bench', 'emulator']));
    const outdir = path.join(tempDir('help'), 'out');
    const written = ['config/environments.schema.json', 'docs/config-reference.md', 'docs/api/README.md'].map((f) => [f, fs.statSync(path.join(ROOT, f)).mtimeMs] as const);
    for (const script of scripts) {
      const run = help(script, { CDKTF_OUTDIR: outdir });
      expect({ script, status: run.status, usage: /^usage: npm run/.test(run.stderr + run.stdout) }).toEqual({ script, status: 0, usage: true });
    }
    expect(fs.existsSync(outdir)).toBe(false);
    for (const [file, mtime] of written) expect({ file, unchanged: fs.statSync(path.join(ROOT, file)).mtimeMs === mtime }).toEqual({ file, unchanged: true });
  }, 5 * 60_000);

  it('name, in their usage, only documents and sections that exist', () => {
    for (const script of scripts) {
      const usage = help(script).stderr + help(script).stdout;
      for (const [, file, section] of usage.matchAll(/\b(README|docs\/[\w-]+\.md), "([^"]+)"/g)) {
        const text = fs.readFileSync(path.join(ROOT, file === 'README' ? 'README.md' : file), 'utf8');
        expect({ script, file, section, found: text.split('\n').some((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === section) }).toEqual({ script, file, section, found: true });
      }
    }
  }, 5 * 60_000);
});
