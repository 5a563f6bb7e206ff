import * as fs from 'fs';
import * as path from 'path';
import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { loadConfig } from '../config/load';
import { tempDir } from './helpers';
import { stateRoleAssumedByInit } from './support/plain-terraform';
import { stackMatrix } from '../scripts/stack-matrix';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';

/** State access through the roles the bootstrap stack creates, and the role each pipeline job's init assumes. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
let outdir: string;
beforeAll(async () => {
  ({ results, outdir } = await shippedPlans());
});

describe('state access through the roles the bootstrap stack creates, on the resolved policies', () => {
  const STATE_ACCOUNT = '000000000000';
  const bucket = 'arn:aws:s3:::acme-ssm-session-kit-tfstate';
  const stacks = loadConfig().environments.map((e) => ({ name: e.name, pipeline: e.guardrails.pipelineRoleArn, planner: e.guardrails.planRoleArn!, key: e.state.key }));
  let plan: ResolvedPlan;
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'bootstrap')!.planFile!);
  });
  type Access = 'read-write' | 'read';
  const roleName = (name: string, access: Access) => `ssm-session-kit-state-${name}${access === 'read' ? '-read' : ''}`;
  const role = (name: string, access: Access = 'read-write') => plan.one('aws_iam_role', (v) => v.name === roleName(name, access));
  const assume = (principal: string, name: string, access: Access = 'read-write') => decide({
    principal, action: 'sts:AssumeRole', resource: role(name, access).values.arn, resourceAccount: STATE_ACCOUNT,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
    resourcePolicy: plan.policy(role(name, access), 'assume_role_policy'),
  });
  // ("IAM identifiers") A role session's ARN: arn:aws:sts::<account>:assumed-role/<role name>/<session name>.
  const asStateRole = (name: string, action: string, resource: string, access: Access = 'read-write') => decide({
    principal: `arn:aws:sts::${STATE_ACCOUNT}:assumed-role/${roleName(name, access)}/terraform`, action, resource, resourceAccount: STATE_ACCOUNT,
    identityPolicies: plan.inlinePolicies(roleName(name, access)),
    resourcePolicy: resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy')) : plan.policy(plan.stateKey()),
    context: { 'aws:PrincipalArn': role(name, access).values.arn },
  });

  it.each(stacks)("lets $name's pipeline alone assume $name's state role", async ({ name, pipeline }) => {
    expect(await assume(pipeline, name)).toBe('Allowed');
    for (const other of stacks.filter((s) => s.name !== name)) expect(await assume(other.pipeline, name)).toBe('ImplicitlyDenied');
    expect(await assume(`arn:aws:iam::${STATE_ACCOUNT}:role/Administrators`, name)).toBe('ImplicitlyDenied');
  });

  it.each(stacks)("lets $name's state role read and write its own state and lock, and use the key", async ({ name, key }) => {
    for (const [action, object] of [['s3:GetObject', key], ['s3:PutObject', key], ['s3:GetObject', `${key}.tflock`], ['s3:PutObject', `${key}.tflock`], ['s3:DeleteObject', `${key}.tflock`]]) {
      expect({ action, object, decision: await asStateRole(name, action, `${bucket}/${object}`) }).toEqual({ action, object, decision: 'Allowed' });
    }
    expect(await asStateRole(name, 's3:ListBucket', bucket)).toBe('Allowed');
    const stateKey = plan.stateKey().values.arn;
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']) expect(await asStateRole(name, action, stateKey)).toBe('Allowed');
  });

  it.each(stacks)("lets $name's plan role alone assume $name's read-only state role", async ({ name, pipeline, planner }) => {
    expect(await assume(planner, name, 'read')).toBe('Allowed');
    expect(await assume(pipeline, name, 'read')).toBe('ImplicitlyDenied');
    // and the plan role cannot reach the role that writes.
    expect(await assume(planner, name)).toBe('ImplicitlyDenied');
  });

  it.each(stacks)("lets $name's read-only state role read its state, and write nothing", async ({ name, key }) => {
    const stateKey = plan.stateKey().values.arn;
    const cases: [string, string, string][] = [
      ['s3:ListBucket', bucket, 'Allowed'], ['s3:GetObject', `${bucket}/${key}`, 'Allowed'], ['kms:Decrypt', stateKey, 'Allowed'],
      // Not granted, and refused by the bucket's own policy to every reader whatever it is granted.
      ['s3:PutObject', `${bucket}/${key}`, 'ExplicitlyDenied'], ['s3:DeleteObject', `${bucket}/${key}`, 'ExplicitlyDenied'],
      ['s3:PutObject', `${bucket}/${key}.tflock`, 'ExplicitlyDenied'], ['kms:Encrypt', stateKey, 'ImplicitlyDenied'],
      ['kms:GenerateDataKey', stateKey, 'ImplicitlyDenied'],
      ...stacks.filter((s) => s.name !== name).map((o): [string, string, string] => ['s3:GetObject', `${bucket}/${o.key}`, 'ImplicitlyDenied']),
    ];
    for (const [action, resource, expected] of cases) {
      expect({ action, resource, decision: await asStateRole(name, action, resource, 'read') }).toEqual({ action, resource, decision: expected });
    }
  });

  it.each(stacks)("refuses $name's state role every other stack's state, and the state itself to anyone else", async ({ name, key }) => {
    for (const other of stacks.filter((s) => s.name !== name)) {
      expect(await asStateRole(name, 's3:GetObject', `${bucket}/${other.key}`)).toBe('ImplicitlyDenied');
      expect(await asStateRole(name, 's3:PutObject', `${bucket}/${other.key}`)).toBe('ImplicitlyDenied');
    }
    const admin = `arn:aws:iam::${STATE_ACCOUNT}:role/Administrators`;
    expect(await decide({
      principal: admin, action: 's3:GetObject', resource: `${bucket}/${key}`, resourceAccount: STATE_ACCOUNT,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')),
      context: { 'aws:PrincipalArn': admin },
    })).toBe('ExplicitlyDenied');
  });
});

describe("the state role each pipeline job's terraform init assumes, from the workflow's own lines", () => {
  const workflow = fs.readFileSync(path.join(__dirname, '..', '.github', 'workflows', 'terraform-stacks.yml'), 'utf8');
  const dev = () => stackMatrix(loadConfig()).all.find((s) => s.stack === 'dev')!;

  it('reads state through the read-only state role for pull-request plans and drift checks', async () => {
    const line = /echo '(assume_role = .*)' > read-only\.tfbackend/.exec(workflow)![1];
    const work = tempDir('read-only-init');
    const backendFile = path.join(work, 'read-only.tfbackend');
    fs.writeFileSync(backendFile, line.replace('${{ matrix.stateReadRoleArn }}', dev().stateReadRoleArn));
    expect(dev().stateReadRoleArn).toBe('arn:aws:iam::000000000000:role/ssm-session-kit-state-dev-read');
    expect(await stateRoleAssumedByInit(outdir, 'dev', work, [`-backend-config=${backendFile}`])).toBe(dev().stateReadRoleArn);
  });

  it('writes state through the stack\'s state role when main plans what it applies', async () => {
    expect(await stateRoleAssumedByInit(outdir, 'dev', tempDir('deploy-init'))).toBe('arn:aws:iam::000000000000:role/ssm-session-kit-state-dev');
  });
});
