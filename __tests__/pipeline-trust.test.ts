import { spawnSync } from 'child_process';
import * as path from 'path';
import { decide } from './iam-evaluation';
import { pipelineTrustPolicies } from '../scripts/lib/pipeline-trust';

/**
 * Who becomes the pipeline from CI: GitHub's OpenID Connect tokens against the deploy and plan roles'
 * trust policies, decided by the IAM engine on sts:AssumeRoleWithWebIdentity. The claims are GitHub's
 * ("OpenID Connect reference", GitHub Docs: `repository` owner/name, `ref` refs/heads/<branch> or
 * refs/pull/<n>/merge, `environment`, `job_workflow_ref` <owner>/<repo>/<path>@<ref> for a job of a
 * reusable workflow) as the condition keys IAM takes from them ("Actions, resources, and condition keys
 * for AWS Security Token Service").
 */
const account = '111111111111';
const repository = 'acme/platform';
const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
const trust = pipelineTrustPolicies({ stack: 'dev', accountId: account, region: 'eu-west-1', repository });

interface Token {
  readonly repository?: string;
  readonly ref: string;
  readonly environment: string;
  /** The workflow file the job runs in. @default the reusable plan-and-apply workflow */
  readonly workflow?: string;
}

const assume = (roleName: string, policy: typeof trust.deployRole, token: Token) => {
  const repo = token.repository ?? repository;
  const claim = (name: string) => `token.actions.githubusercontent.com:${name}`;
  return decide({
    principal: provider,
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: `arn:aws:iam::${account}:role/${roleName}`,
    resourceAccount: account,
    identityPolicies: [],
    resourcePolicy: policy,
    context: {
      [claim('repository')]: repo,
      [claim('ref')]: token.ref,
      [claim('environment')]: token.environment,
      [claim('job_workflow_ref')]: `${repo}/${token.workflow ?? '.github/workflows/terraform-stacks.yml'}@${token.ref}`,
    },
  });
};
const deploy = (token: Token) => assume('ssm-session-kit-deploy', trust.deployRole, token);
const plan = (token: Token) => assume('ssm-session-kit-plan', trust.planRole, token);
const MAIN = 'refs/heads/main';

describe("the deploy role's trust", () => {
  it('takes the plan-and-apply workflow on main, in the stack\'s environments', async () => {
    expect(await deploy({ ref: MAIN, environment: 'dev' })).toBe('Allowed');
    expect(await deploy({ ref: MAIN, environment: 'dev-deploy-plan' })).toBe('Allowed');
  });

  it('refuses a workflow pushed to another branch that names the environment', async () => {
    expect(await deploy({ ref: 'refs/heads/feature', environment: 'dev' })).toBe('ImplicitlyDenied');
    expect(await deploy({ ref: 'refs/heads/feature', environment: 'dev-deploy-plan' })).toBe('ImplicitlyDenied');
  });

  it('refuses a pull request, the plan environment, another workflow on main, and another repository', async () => {
    expect(await deploy({ ref: 'refs/pull/7/merge', environment: 'dev' })).toBe('ImplicitlyDenied');
    expect(await deploy({ ref: MAIN, environment: 'dev-plan' })).toBe('ImplicitlyDenied');
    expect(await deploy({ ref: MAIN, environment: 'prod' })).toBe('ImplicitlyDenied');
    expect(await deploy({ ref: MAIN, environment: 'dev', workflow: '.github/workflows/shortcut.yml' })).toBe('ImplicitlyDenied');
    expect(await deploy({ ref: MAIN, environment: 'dev', repository: 'acme-fork/platform' })).toBe('ImplicitlyDenied');
  });
});

describe("the plan role's trust", () => {
  it('takes pull requests and drift checks in the plan environment, from any branch', async () => {
    expect(await plan({ ref: 'refs/pull/7/merge', environment: 'dev-plan' })).toBe('Allowed');
    expect(await plan({ ref: MAIN, environment: 'dev-plan' })).toBe('Allowed');
  });

  it('refuses the deploy environments and another repository', async () => {
    expect(await plan({ ref: MAIN, environment: 'dev' })).toBe('ImplicitlyDenied');
    expect(await plan({ ref: 'refs/pull/7/merge', environment: 'dev-plan', repository: 'acme-fork/platform' })).toBe('ImplicitlyDenied');
  });
});

describe('npm run pipeline-trust', () => {
  const run = (args: string[]) => spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/pipeline-trust.ts', ...args], {
    cwd: path.resolve(__dirname, '..'), encoding: 'utf8',
  });

  it("prints the trust policies for a stack of the config, in the stack's account", () => {
    const result = run(['prod', 'acme/platform']);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.deployRole.Statement[0].Principal.Federated).toBe('arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com');
    expect(printed.deployRole.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:environment']).toEqual(['prod', 'prod-deploy-plan']);
  });

  it.each([[['--help']], [['nope', 'acme/platform']], [['dev', 'not-a-repository']], [[]]])('prints its usage for %j, and no stack trace', (args) => {
    const result = run(args);
    expect({ status: result.status, usage: /^usage: npm run -s pipeline-trust -- <stack> <owner\/repository>/m.test(result.stderr), trace: /\n\s+at /.test(result.stderr) })
      .toEqual({ status: args[0] === '--help' ? 0 : 2, usage: true, trace: false });
  });
});
