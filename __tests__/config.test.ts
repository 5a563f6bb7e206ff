import { loadConfig } from '../config/load';
import { ConfigError, ConfigProblem, validateConfig } from '../config/validate';
import { rawConfig, writeConfig } from './helpers';

function problemsOf(raw: unknown): ConfigProblem[] {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

function expectProblem(raw: unknown, scope: string, field: string, message: RegExp): void {
  expect(problemsOf(raw)).toEqual(
    expect.arrayContaining([expect.objectContaining({ scope, field, message: expect.stringMatching(message) })]),
  );
}

describe('the project config', () => {
  it('declares dev, staging and prod, valid', () => {
    const config = loadConfig();
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    for (const env of config.environments) {
      expect(env.accountId).toMatch(/^\d{12}$/);
      expect(env.state.bucket).toBe(config.bootstrap.stateBucket);
    }
  });

  it('gives every environment its own state key by default', () => {
    const keys = loadConfig().environments.map((e) => e.state.key);
    expect(keys).toEqual([
      'ssm-session-kit/dev/terraform.tfstate',
      'ssm-session-kit/staging/terraform.tfstate',
      'ssm-session-kit/prod/terraform.tfstate',
    ]);
  });

  it('encrypts state in the bootstrap bucket with the bootstrap key unless told otherwise', () => {
    const raw = rawConfig();
    raw.environments.staging.state.kmsKeyId = 'arn:aws:kms:eu-west-1:000000000000:key/0a1b2c3d-0000-4000-8000-000000000000';
    const config = validateConfig(raw);
    const byName = Object.fromEntries(config.environments.map((e) => [e.name, e.state.kmsKeyId]));
    expect(byName.dev).toBe('arn:aws:kms:eu-west-1:000000000000:alias/ssm-session-kit-tfstate');
    expect(byName.staging).toBe(raw.environments.staging.state.kmsKeyId);
  });

  it('defaults the state region to the environment region', () => {
    const raw = rawConfig();
    raw.environments.prod.state = { bucket: 'acme-prod-tfstate' };
    const prod = validateConfig(raw).environments.find((e) => e.name === 'prod');
    expect(prod?.state.region).toBe('eu-central-1');
    expect(prod?.state.kmsKeyId).toBeUndefined();
  });
});

describe('config validation', () => {
  it.each([
    ['a short account id', (c: any) => (c.environments.dev.accountId = '12345'), 'dev', 'accountId', /12-digit/],
    ['an account id as a number', (c: any) => (c.environments.dev.accountId = 111111111111), 'dev', 'accountId', /must be a string/],
    ['an unknown region', (c: any) => (c.environments.staging.region = 'eu-middle-9'), 'staging', 'region', /not an AWS region/],
    ['a missing state bucket', (c: any) => delete c.environments.prod.state.bucket, 'prod', 'state.bucket', /is required/],
    ['a missing state block', (c: any) => delete c.environments.prod.state, 'prod', 'state', /is required/],
    ['a bucket name with capitals', (c: any) => (c.environments.dev.state.bucket = 'Acme-State'), 'dev', 'state.bucket', /lower-case/],
    ['a bucket name like an IP address', (c: any) => (c.environments.dev.state.bucket = '192.168.1.10'), 'dev', 'state.bucket', /IP address/],
    ['a bucket name with a reserved suffix', (c: any) => (c.environments.dev.state.bucket = 'state-s3alias'), 'dev', 'state.bucket', /reserved suffix/],
    ['a state key with a leading slash', (c: any) => (c.environments.dev.state.key = '/dev.tfstate'), 'dev', 'state.key', /must not begin/],
    ['a role that is not an ARN', (c: any) => (c.environments.dev.state.roleArn = 'state-role'), 'dev', 'state.roleArn', /ARN of an IAM role/],
    ['a KMS key that is not an ARN', (c: any) => (c.environments.dev.state.kmsKeyId = 'my-key'), 'dev', 'state.kmsKeyId', /ARN of a KMS key/],
    ['a bad DynamoDB table name', (c: any) => (c.environments.dev.state.dynamodbTable = 'a'), 'dev', 'state.dynamodbTable', /3 to 255/],
    ['a tag key in the aws: namespace', (c: any) => (c.environments.dev.tags['aws:owner'] = 'x'), 'dev', 'tags.aws:owner', /reserved prefix/],
    ['a tag value with refused characters', (c: any) => (c.environments.dev.tags.Owner = 'a&b'), 'dev', 'tags.Owner', /may hold only/],
    ['a misspelt field', (c: any) => (c.environments.dev.acountId = '111111111111'), 'dev', 'acountId', /not a known field/],
  ])('rejects %s, naming environment and field', (_what, breakIt, env, field, message) => {
    const raw = rawConfig();
    breakIt(raw);
    expectProblem(raw, `environment "${env}"`, field, message);
  });

  it('rejects environment names that cannot name a stack, and reserved ones', () => {
    const raw = rawConfig();
    raw.environments['Prod_EU'] = raw.environments.prod;
    raw.environments.bootstrap = raw.environments.dev;
    expectProblem(raw, 'environment "Prod_EU"', 'name', /lower-case/);
    expectProblem(raw, 'environment "bootstrap"', 'name', /reserved/);
  });

  it('rejects two environments sharing one state object', () => {
    const raw = rawConfig();
    raw.environments.staging.state.key = 'ssm-session-kit/dev/terraform.tfstate';
    expectProblem(raw, 'environment "staging"', 'state.key', /already the state of environment "dev"/);
  });

  it('rejects state in the bootstrap bucket but in another region', () => {
    const raw = rawConfig();
    raw.environments.prod.state.region = 'us-east-1';
    expectProblem(raw, 'environment "prod"', 'state.region', /creates bucket .* in eu-west-1/);
  });

  it('checks the bootstrap section too', () => {
    const raw = rawConfig();
    raw.bootstrap.stateBucket = 'x';
    raw.bootstrap.stateKeyAlias = 'aws/s3';
    expectProblem(raw, 'bootstrap', 'stateBucket', /3 to 63/);
    expectProblem(raw, 'bootstrap', 'stateKeyAlias', /not in "aws\/"/);
  });

  it('rejects a config with no environment', () => {
    const raw = rawConfig();
    raw.environments = {};
    expectProblem(raw, 'config', 'environments', /at least one environment/);
  });

  it('reports every problem at once', () => {
    const raw = rawConfig();
    raw.environments.dev.accountId = 'abc';
    raw.environments.staging.region = 'mars-1';
    delete raw.environments.prod.state.bucket;
    const problems = problemsOf(raw);
    expect(problems.map((p) => `${p.scope} ${p.field}`)).toEqual([
      'environment "dev" accountId',
      'environment "staging" region',
      'environment "prod" state.bucket',
    ]);
  });

  it('formats the error with file, environment and field', () => {
    const raw = rawConfig();
    raw.environments.dev.accountId = 'abc';
    const file = writeConfig(raw);
    expect(() => loadConfig(file)).toThrow(/Invalid configuration in .*environments\.json \(1 problem\):\n  - environment "dev", field "accountId": must be a 12-digit AWS account id.*\(got "abc"\)/);
  });

  it('names the file when it is not JSON', () => {
    const file = writeConfig('');
    require('fs').writeFileSync(file, '{ "environments": ');
    expect(() => loadConfig(file)).toThrow(/field "\(file\)": is not valid JSON/);
  });
});
