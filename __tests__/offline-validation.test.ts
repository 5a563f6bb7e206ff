import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { synthesize, TRANSPILE_HOOK } from '../scripts/lib/synth';
import { StackValidation, validateOffline, STACK_FILE } from '../scripts/lib/offline-validation';
import { instanceTags, reachableInstances } from '../config/access';
import { PROTECTED_ACTIONS } from '../modules/guardrails';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../modules/iam-ssm-role';
import { loadConfig } from '../config/load';
import { Json, tempDir } from './helpers';
import { PlainTerraformRun, runPlainTerraform, stateRoleAssumedByInit } from './support/plain-terraform';
import { stackMatrix } from '../scripts/stack-matrix';
import { forwardDocumentName } from '../stacks/naming';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { connectCommands } from '../scripts/lib/access-report';
import { driftOf, driftReport } from '../scripts/drift-report';
import { matches } from './support/event-pattern';
import {
  ApiCall, cloudTrailEvent, iamUser, identityCenterSession, Named, otherAccount, recordingPathCalls, roleSession, rootUser, startSession, watchedCalls,
} from './support/cloudtrail';
import {
  askingToAssume, assumedRole, Caller, chainedRole, iamUserSessionToken, iamUserWithAccessKeys, identityCenterUser, roleSessionWithSourceIdentity,
  samlFederatedUser, sessionOf,
} from './support/callers';

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

const outdir = path.join(tempDir('offline'), 'cdktf.out');
const STACKS = ['bootstrap', 'dev', 'organization', 'prod', 'staging'];
let results: StackValidation[];
let all: StackValidation[];
let wrongAccount: StackValidation;
let deprecated: StackValidation;
let broken: StackValidation;
let plainTerraform: PlainTerraformRun;

/** Adds a stack to a synthesized app's folder and manifest, as cdktf writes one. */
function addStack(dir: string, name: string, json: object): void {
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.stacks[name] = { workingDirectory: `stacks/${name}` };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
  fs.writeFileSync(path.join(dir, 'stacks', name, STACK_FILE), JSON.stringify(json));
}

const standaloneStack = (resource: object) => ({
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
  provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] },
  resource,
});

/**
 * The project's stacks beside two that must fail: one using an argument the AWS provider deprecates,
 * and one the provider refuses (a log retention CloudWatch does not accept).
 */
function appWithFailingStacks(): string {
  const dir = path.join(tempDir('offline-mixed'), 'cdktf.out');
  fs.cpSync(outdir, dir, { recursive: true });
  addStack(dir, 'legacy', standaloneStack({ aws_s3_bucket: { logs: { bucket: 'acme-legacy-logs-123456789012', acl: 'private' } } }));
  addStack(dir, 'broken', standaloneStack({ aws_cloudwatch_log_group: { sessions: { name: '/broken/sessions', retention_in_days: 13 } } }));
  return dir;
}

beforeAll(async () => {
  synthesize(outdir);
  // The project's stacks in one Terraform process with the failing ones; the organization stack again,
  // alone, with another account's credentials (a failure at plan time costs its batch a second plan).
  // And the README's plain Terraform commands on the smallest stack.
  [all, [wrongAccount], plainTerraform] = await Promise.all([
    validateOffline({ outdir: appWithFailingStacks(), workdir: tempDir('offline-work'), concurrency: 1 }),
    validateOffline({ outdir, stacks: ['organization'], workdir: tempDir('offline-wrong-account'), callerAccount: () => '111111111111' }),
    runPlainTerraform(outdir, 'organization', '999999999999', tempDir('plain-terraform')),
  ]);
  const byName = (name: string) => all.find((r) => r.stack === name)!;
  results = STACKS.map(byName);
  [deprecated, broken] = [byName('legacy'), byName('broken')];
});

describe('plain Terraform on a synthesized stack (README, "Plain Terraform")', () => {
  it('initializes and plans to a saved plan file, without error or warning', () => {
    expect(plainTerraform.codes).toEqual([0, 0]);
    expect(plainTerraform.init).toMatch(/Terraform has been successfully initialized!/);
    expect(plainTerraform.plan).not.toMatch(/Warning:/);
    // From a filesystem mirror the lock file holds this platform's checksum only; init says so.
    for (const warning of plainTerraform.init.match(/Warning: .*/g) ?? []) expect(warning).toBe('Warning: Incomplete lock file information for providers');
    // The saved plan, which `terraform apply tfplan` applies as reviewed.
    expect(fs.existsSync(path.join(plainTerraform.stack, 'tfplan'))).toBe(true);
  });

  it('plans every resource of the stack, which apply would create', () => {
    const resources = Object.values<Record<string, unknown>>(JSON.parse(fs.readFileSync(path.join(plainTerraform.stack, 'cdk.tf.json'), 'utf8')).resource)
      .reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(plainTerraform.plan).toMatch(new RegExp(`Plan: ${resources} to add, 0 to change, 0 to destroy`));
  });
});

function plannedResources(result: StackValidation): Array<{ type: string; actions: string[]; after: any }> {
  const plan = JSON.parse(fs.readFileSync(result.planFile!, 'utf8'));
  return (plan.resource_changes ?? []).map((rc: any) => ({ type: rc.type, actions: rc.change.actions, after: rc.change.after }));
}

describe('offline validation of every synthesized stack', () => {
  it('covers every stack', () => {
    expect(all.map((r) => r.stack).sort()).toEqual([...STACKS, 'broken', 'legacy'].sort());
  });

  it("matches the guide's sample output, stack by stack, in what each plan adds, changes and destroys", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'offline-validation.md'), 'utf8');
    const sample = /<!-- sample: npm run validate -->\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const changes = (line: string) => line.replace(/\s+\d+\.\ds/, '').replace(/\s+/g, ' ');
    const actual = results.map((r) => `ok ${r.stack} ${r.changes!.add} to add, ${r.changes!.change} to change, ${r.changes!.destroy} to destroy`);
    expect(sample.trim().split('\n').map(changes)).toEqual([...actual, `${results.length} passed, 0 failed`]);
  });

  it('plans each with no error and no warning', () => {
    for (const result of results) {
      expect({ stack: result.stack, diagnostics: result.diagnostics }).toEqual({ stack: result.stack, diagnostics: [] });
      expect(result.ok).toBe(true);
    }
  });

  it('plans the state bucket, its key and a state role per stack in the bootstrap stack', () => {
    const bootstrap = results.find((r) => r.stack === 'bootstrap')!;
    const planned = plannedResources(bootstrap);
    expect(planned.map((r) => r.type).sort()).toEqual([
      // Per stack a state role (organization included), per environment a read-only one for its plan role.
      ...Array(7).fill('aws_iam_role'), ...Array(7).fill('aws_iam_role_policy'),
      'aws_kms_alias', 'aws_kms_key', 'aws_s3_bucket', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning',
    ]);
    expect(planned.every((r) => r.actions.join() === 'create')).toBe(true);
    const bucket = planned.find((r) => r.type === 'aws_s3_bucket')!;
    expect(bucket.after.tags_all).toMatchObject({ ManagedBy: 'ssm-session-kit', Owner: 'platform-team' });
    const policy = JSON.parse(planned.find((r) => r.type === 'aws_s3_bucket_policy')!.after.policy);
    expect(policy.Statement[0]).toMatchObject({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it.each(['dev', 'staging', 'prod'])('plans the %s instances on the latest Amazon Linux, with role, profile and security groups', (name) => {
    const planned = plannedResources(results.find((r) => r.stack === name)!);
    const instances = planned.filter((r) => r.type === 'aws_instance');
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) {
      // Resolved at plan time from the public SSM parameter, answered here by the stand-in.
      expect(instance.after.ami).toMatch(/^ami-[0-9a-f]{17}$/);
      expect(instance.after.metadata_options[0].http_tokens).toBe('required');
      expect(instance.after.associate_public_ip_address).toBe(false);
      expect(instance.after.iam_instance_profile).toBe(`ssm-session-kit-${name}-instance`);
    }
    const types = new Set(planned.map((r) => r.type));
    for (const type of ['aws_iam_role', 'aws_iam_instance_profile', 'aws_security_group', 'aws_vpc_security_group_egress_rule']) {
      expect(types).toContain(type);
    }
    if (name !== 'dev') expect(planned.filter((r) => r.type === 'aws_vpc_endpoint')).toHaveLength(5); // ssm, ssmmessages, kms, logs, s3: no ec2messages for agents from 3.3.40.0
  });

  it('never writes into the synthesized output', () => {
    for (const stack of STACKS) {
      expect(fs.readdirSync(path.join(outdir, 'stacks', stack))).toEqual(['cdk.tf.json']);
      const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, STACK_FILE), 'utf8'));
      expect(synthesized.terraform.backend).toBeDefined();
      expect(synthesized.provider.aws[0].access_key).toBeUndefined();
    }
    // The test-only changes (no backend, placeholder keys) are in the scratch copies.
    for (const r of results) {
      const copy = JSON.parse(fs.readFileSync(path.join(path.dirname(r.planFile!), STACK_FILE), 'utf8'));
      expect(copy.terraform.backend).toBeUndefined();
      expect(copy.provider.aws[0].access_key).toMatch(/^OFFLINEVALIDATION\d+$/);
    }
  });

  it('fails a stack whose plan succeeds with a warning, reporting the warning once', () => {
    expect(deprecated.planFile).toBeDefined();
    expect(deprecated.ok).toBe(false);
    expect(deprecated.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', summary: 'Argument is deprecated', address: 'aws_s3_bucket.logs' }),
    ]);
  });

  it('fails only the broken stack among valid ones planned in the same process, with its own diagnostic', () => {
    expect(broken.ok).toBe(false);
    expect(broken.planFile).toBeUndefined();
    expect(broken.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        summary: expect.stringMatching(/^expected retention_in_days to be one of \[.*\], got 13$/),
        address: 'aws_cloudwatch_log_group.sessions',
      }),
    ]);
    expect(all.filter((r) => !r.ok).map((r) => r.stack).sort()).toEqual(['broken', 'legacy']);
    for (const result of results) expect(result.changes!.add).toBeGreaterThan(0);
  });

  it("refuses to plan a stack with another account's credentials", () => {
    expect(wrongAccount.ok).toBe(false);
    expect(wrongAccount.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', summary: expect.stringMatching(/account ID not allowed: 111111111111/) }),
    );
  });
});

describe.each([
  ['dev', '111111111111', 'acme-ssm-sessions-dev-111111111111'],
  ['prod', '333333333333', 'acme-ssm-sessions-prod-333333333333'],
])("the %s instance role's resolved policies, evaluated", (env, account, bucket) => {
  let plan: ResolvedPlan;
  let role: string;
  let logGroup: string;
  let key: string;
  let otherKey: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    role = plan.one('aws_iam_role', (v) => v.name === `ssm-session-kit-${env}-instance`).values.arn;
    const region = env === 'prod' ? 'eu-central-1' : 'eu-west-1';
    logGroup = `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${env}/sessions`;
    key = plan.sessionKey().values.arn;
    otherKey = key.replace(/key\/.*$/, 'key/00000000-1111-4222-8333-444444444444');
  });

  const asInstance = (action: string, resource: string, extra: { resourcePolicy?: any; context?: any } = {}) =>
    decide({
      principal: role,
      action,
      resource,
      resourceAccount: account,
      identityPolicies: plan.rolePolicies(`ssm-session-kit-${env}-instance`),
      ...extra,
    });
  const bucketPolicy = () => plan.policy(plan.one('aws_s3_bucket_policy'));
  const keyPolicy = () => plan.policy(plan.sessionKey());

  it('resolves the role ARN and the key ARN to realistic values', () => {
    expect(role).toBe(`arn:aws:iam::${account}:role/ssm-session-kit-${env}-instance`);
    expect(key).toMatch(new RegExp(`^arn:aws:kms:eu-(west|central)-1:${account}:key/[0-9a-f-]{36}$`));
  });

  it('may put session logs under the prefix, over TLS', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`;
    expect(await asInstance('s3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 's3:TlsVersion': '1.3' } })).toBe('Allowed');
    expect(await asInstance('s3:GetEncryptionConfiguration', `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy() })).toBe('Allowed');
  });

  it('may not write without TLS, outside the prefix, or to another bucket', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/x.log`;
    expect(await asInstance('s3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 'aws:SecureTransport': 'false' } })).toBe('ExplicitlyDenied');
    expect(await asInstance('s3:PutObject', `arn:aws:s3:::${bucket}/elsewhere/x.log`, { resourcePolicy: bucketPolicy() })).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:PutObject', 'arn:aws:s3:::another-bucket/sessions/x.log')).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:GetObject', 'arn:aws:s3:::another-bucket/secrets.txt')).toBe('ImplicitlyDenied');
  });

  it('may not read, delete or re-configure the session logs', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/x.log`;
    // Denied: implicitly by the role's policies, explicitly where the bucket policy's guardrail also applies.
    for (const action of ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention']) {
      expect(await asInstance(action, object, { resourcePolicy: bucketPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
    for (const action of ['s3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 's3:DeleteBucket']) {
      expect(await asInstance(action, `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
  });

  it('may stream to the session log group only, and not delete it', async () => {
    const stream = `${logGroup}:log-stream:alice-0a1b2c3d`;
    expect(await asInstance('logs:CreateLogStream', stream)).toBe('Allowed');
    expect(await asInstance('logs:PutLogEvents', stream)).toBe('Allowed');
    expect(await asInstance('logs:PutLogEvents', logGroup.replace(/sessions$/, 'other') + ':log-stream:x')).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:DeleteLogGroup', logGroup)).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:DeleteLogStream', stream)).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:PutRetentionPolicy', logGroup)).toBe('ImplicitlyDenied');
  });

  it('may use the session key to decrypt and encrypt, and nothing more', async () => {
    expect(await asInstance('kms:Decrypt', key, { resourcePolicy: keyPolicy() })).toBe('Allowed');
    expect(await asInstance('kms:GenerateDataKey', key, { resourcePolicy: keyPolicy() })).toBe('Allowed');
    expect(await asInstance('kms:Decrypt', otherKey)).toBe('ImplicitlyDenied');
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy']) {
      expect(await asInstance(action, key, { resourcePolicy: keyPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
  });
});

describe('access groups, their resolved policies evaluated', () => {
  const ACCOUNT = { dev: '111111111111', prod: '333333333333' } as const;
  const REGION = { dev: 'eu-west-1', prod: 'eu-central-1' } as const;
  type Env = keyof typeof ACCOUNT;

  function groupPolicy(env: Env, group: string) {
    const plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    const policy = plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-${group}`);
    return { plan, identityPolicies: [{ name: group, policy: plan.policy(policy) }] };
  }

  async function startSession(env: Env, group: string, target: { tags?: Record<string, string>; document?: string; mfa?: boolean }) {
    const { identityPolicies } = groupPolicy(env, group);
    const account = ACCOUNT[env];
    // The engine wants an account in every document ARN, AWS-owned ones included.
    const resource = target.document
      ? `arn:aws:ssm:${REGION[env]}:${account}:document/${target.document}`
      : `arn:aws:ec2:${REGION[env]}:${account}:instance/i-0123456789abcdef0`;
    const tagContext = Object.fromEntries(Object.entries(target.tags ?? {}).map(([k, v]) => [`ssm:resourceTag/${k}`, v]));
    return decide({
      principal: `arn:aws:sts::${account}:assumed-role/${group}/alice`,
      action: 'ssm:StartSession',
      resource,
      resourceAccount: account,
      identityPolicies,
      context: {
        ...(target.document ? {} : { ...tagContext, 'ssm:SessionDocumentAccessCheck': 'true' }),
        'aws:MultiFactorAuthPresent': String(target.mfa ?? true),
      },
    });
  }

  it('allows a group onto its own environment\'s instances', async () => {
    expect(await startSession('dev', 'developers', { tags: { Environment: 'dev', AccessGroup: 'developers' }, mfa: false })).toBe('Allowed');
    expect(await startSession('prod', 'operators', { tags: { Environment: 'prod', AccessGroup: 'operators', Team: 'data' } })).toBe('Allowed');
  });

  it("denies another environment's instance, and an untagged one", async () => {
    expect(await startSession('dev', 'developers', { tags: { Environment: 'prod', AccessGroup: 'developers' } })).toBe('ImplicitlyDenied');
    expect(await startSession('dev', 'developers', { tags: {} })).toBe('ImplicitlyDenied');
    expect(await startSession('dev', 'developers', { tags: { Environment: 'dev', AccessGroup: 'operators' } })).toBe('ImplicitlyDenied');
  });

  it('denies starting a session without MFA where MFA is required', async () => {
    const tags = { Environment: 'prod', AccessGroup: 'operators' };
    expect(await startSession('prod', 'operators', { tags, mfa: false })).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', { document: 'SSM-SessionManagerRunShell', mfa: false })).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', { document: 'SSM-SessionManagerRunShell', mfa: true })).toBe('Allowed');
  });

  it('allows only the documents a group opted into', async () => {
    expect(await startSession('dev', 'developers', { document: 'SSM-SessionManagerRunShell', mfa: false })).toBe('Allowed');
    expect(await startSession('dev', 'developers', { document: 'ssm-session-kit-dev-forward-8080', mfa: false })).toBe('ImplicitlyDenied');
    expect(await startSession('dev', 'operators', { document: 'ssm-session-kit-dev-forward-8080' })).toBe('Allowed');
    expect(await startSession('dev', 'operators', { document: 'ssm-session-kit-dev-forward-db.internal.example-5432' })).toBe('Allowed');
    expect(await startSession('dev', 'operators', { document: 'AWS-StartSSHSession' })).toBe('ImplicitlyDenied');
  });

  it.each(['AWS-StartPortForwardingSession', 'AWS-StartPortForwardingSessionToRemoteHost', 'AWS-StartSSHSession'])(
    'refuses %s, which reaches port 22 unrecorded, to every group of the shipped config',
    async (document) => {
      for (const env of ['dev', 'prod'] as const) {
        for (const group of loadConfig().environments.find((e) => e.name === env)!.accessGroups) {
          expect({ env, group: group.name, decision: await startSession(env, group.name, { document }) })
            .toEqual({ env, group: group.name, decision: 'ImplicitlyDenied' });
        }
      }
    },
  );

  it('lets members encrypt sessions with the session key', async () => {
    const { plan, identityPolicies } = groupPolicy('dev', 'developers');
    const key = plan.sessionKey();
    expect(await decide({
      principal: 'arn:aws:sts::111111111111:assumed-role/developers/alice',
      action: 'kms:GenerateDataKey',
      resource: key.values.arn,
      resourceAccount: ACCOUNT.dev,
      identityPolicies,
      resourcePolicy: plan.policy(key),
    })).toBe('Allowed');
  });
});

describe.each(loadConfig().environments.flatMap((env) => env.accessGroups.map((group) => [env.name, group.name, env, group] as const)))(
  'the %s access group %s, its sessions',
  (_envName, _groupName, env, group) => {
    const policy = () => {
      const plan = new ResolvedPlan(results.find((r) => r.stack === env.name)!.planFile!);
      return [{ name: group.name, policy: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env.name}-${group.name}`)) }];
    };
    // Callers shaped as AWS shapes them (see support/callers.ts for the pages).
    const callers: [string, Caller][] = [
      ['an IAM user', iamUserSessionToken(env.accountId, 'alice', true)],
      ['an IAM Identity Center user', identityCenterUser(env.accountId, 'Engineers', 'bob@example.com')],
      ['a CI role session', assumedRole(env.accountId, 'ci-deployer', 'build-42', false)],
    ];
    const onSession = (caller: Caller, action: string, owner: Caller) => {
      const session = sessionOf(owner, env.accountId, env.region);
      return decide({
        principal: caller.principal, action, resource: session.arn, resourceAccount: env.accountId,
        identityPolicies: policy(), context: { ...caller.context, ...session.tags },
      });
    };

    it.each(callers)('lets %s resume and end their own session', async (_who, caller) => {
      expect(await onSession(caller, 'ssm:ResumeSession', caller)).toBe('Allowed');
      expect(await onSession(caller, 'ssm:TerminateSession', caller)).toBe('Allowed');
    });

    it.each(callers)(`refuses %s another caller's session${group.admin ? ', but for ending it (admin group)' : ''}`, async (_who, caller) => {
      for (const [, other] of callers.filter(([, c]) => c !== caller)) {
        expect(await onSession(caller, 'ssm:ResumeSession', other)).toBe('ImplicitlyDenied');
        expect(await onSession(caller, 'ssm:TerminateSession', other)).toBe(group.admin ? 'Allowed' : 'ImplicitlyDenied');
      }
    });

    it("grants the data channel of the caller's sessions as the statement AWS's quickstart has", () => {
      // The engine's Service Authorization data gives ssmmessages:OpenDataChannel no resource type, so
      // it cannot decide a request for it; the statement is asserted instead.
      const statements = policy()[0].policy.Statement as any[];
      expect(statements).toContainEqual({ Sid: 'OpenOwnSessionDataChannel', Effect: 'Allow', Action: 'ssmmessages:OpenDataChannel', Resource: '*' });
    });

    it('lets a member run every command the access report prints for the group, and no other group lacking its document', async () => {
      const member = group.mfa === 'iam' ? assumedRole(env.accountId, `ssm-session-kit-${env.name}-${group.name}`, 'alice', true)
        : group.mfa === 'identity-provider' ? identityCenterUser(env.accountId, 'Engineers', 'bob@example.com')
        : assumedRole(env.accountId, 'ci-deployer', 'build-42', false);
      for (const connect of connectCommands(env, group)) {
        // The command taken apart: the instance its target looks up, the document, the parameters.
        const target = /Name=tag:Name,Values=([\w-]+)/.exec(connect.command)![1];
        const document = /--document-name (\S+)/.exec(connect.command)![1];
        const parameters = /--parameters '([^']+)'/.exec(connect.command)?.[1];
        expect({ target, document, parameters: parameters && JSON.parse(parameters) }).toEqual({ target: connect.instance, document: connect.document, parameters: connect.parameters });
        const instance = env.instances.find((i) => i.name === target)!;
        const start = (identityPolicies: { name: string; policy: any }[], resource: string, tags: Record<string, string> = {}) => decide({
          principal: member.principal, action: 'ssm:StartSession', resource, resourceAccount: env.accountId, identityPolicies,
          context: { ...member.context, ...tags, 'ssm:SessionDocumentAccessCheck': 'true' },
        });
        const instanceArn = `arn:aws:ec2:${env.region}:${env.accountId}:instance/i-0123456789abcdef0`;
        const tags = Object.fromEntries(Object.entries(instanceTags(env, instance)).map(([k, v]) => [`ssm:resourceTag/${k}`, v]));
        // AWS-owned documents carry no account; the engine wants one in the ARN, and the policy's `*` matches it.
        const documentArn = `arn:aws:ssm:${env.region}:${env.accountId}:document/${document}`;
        expect({ command: connect.what, instance: await start(policy(), instanceArn, tags), document: await start(policy(), documentArn) })
          .toEqual({ command: connect.what, instance: 'Allowed', document: 'Allowed' });
        const documentsOf = (g: typeof group) => [...g.documents, ...g.portForwarding.map((d) => forwardDocumentName(`ssm-session-kit-${env.name}`, d))];
        for (const other of env.accessGroups.filter((g) => !documentsOf(g).includes(document))) {
          const plan = new ResolvedPlan(results.find((r) => r.stack === env.name)!.planFile!);
          const otherPolicy = [{ name: other.name, policy: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env.name}-${other.name}`)) }];
          expect({ group: other.name, decision: await start(otherPolicy, documentArn) }).toEqual({ group: other.name, decision: 'ImplicitlyDenied' });
        }
      }
    });
  },
);

describe('MFA and session names per kind of caller, on the resolved policies', () => {
  const IDENTITY_ACCOUNT = '000000000000';
  const env = (name: 'dev' | 'prod') => loadConfig().environments.find((e) => e.name === name)!;
  const plan = (name: string) => new ResolvedPlan(results.find((r) => r.stack === name)!.planFile!);
  const groupPolicy = (name: 'dev' | 'prod', group: string) => {
    const p = plan(name);
    return [{ name: group, policy: p.policy(p.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${name}-${group}`)) }];
  };

  /** StartSession on an instance the group reaches, as `caller`. */
  const startSession = (name: 'dev' | 'prod', group: string, caller: Caller) => {
    const e = env(name);
    const instance = reachableInstances(e, e.accessGroups.find((g) => g.name === group)!)[0];
    const tags = Object.fromEntries(Object.entries(instanceTags(e, instance)).map(([k, v]) => [`ssm:resourceTag/${k}`, v]));
    return decide({
      principal: caller.principal,
      action: 'ssm:StartSession',
      resource: `arn:aws:ec2:${e.region}:${e.accountId}:instance/i-0123456789abcdef0`,
      resourceAccount: e.accountId,
      identityPolicies: groupPolicy(name, group),
      context: { ...caller.context, ...tags, 'ssm:SessionDocumentAccessCheck': 'true' },
    });
  };

  it('lets an IAM Identity Center engineer in where the identity provider enforces MFA', async () => {
    expect(await startSession('dev', 'developers', identityCenterUser('111111111111', 'Developers', 'alice@example.com'))).toBe('Allowed');
  });

  it('denies an IAM user without MFA where IAM enforces it, and admits one with it', async () => {
    // The operators' policy as attached to an IAM group of users.
    expect(await startSession('prod', 'operators', iamUserWithAccessKeys('333333333333', 'alice'))).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', iamUserSessionToken('333333333333', 'alice', false))).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', iamUserSessionToken('333333333333', 'alice', true))).toBe('Allowed');
  });

  it("denies the operators' role sessions assumed without MFA or chained from another role, and admits one assumed with MFA", async () => {
    const role = 'ssm-session-kit-prod-operators';
    expect(await startSession('prod', 'operators', assumedRole('333333333333', role, 'alice', false))).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', chainedRole('333333333333', role, 'alice'))).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', samlFederatedUser('333333333333', role, 'alice@example.com'))).toBe('ImplicitlyDenied');
    expect(await startSession('prod', 'operators', assumedRole('333333333333', role, 'alice', true))).toBe('Allowed');
  });

  it("lets only users who give an MFA code assume the operators' role", async () => {
    const p = plan('prod');
    const role = p.one('aws_iam_role', (v) => v.name === 'ssm-session-kit-prod-operators');
    const assume = (caller: Caller) => decide({
      principal: caller.principal,
      action: 'sts:AssumeRole',
      resource: role.values.arn,
      resourceAccount: '333333333333',
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
      resourcePolicy: p.policy(role, 'assume_role_policy'),
      context: caller.context,
    });
    expect(await assume(askingToAssume(iamUserSessionToken(IDENTITY_ACCOUNT, 'alice', true), 'alice'))).toBe('Allowed');
    expect(await assume(askingToAssume(iamUserWithAccessKeys(IDENTITY_ACCOUNT, 'alice'), 'alice'))).toBe('ImplicitlyDenied');
    expect(await assume(askingToAssume(iamUserSessionToken(IDENTITY_ACCOUNT, 'alice', false), 'alice'))).toBe('ImplicitlyDenied');
  });

  /** `sts:AssumeRole` (and the actions it asks alongside) of a created role, decided by its trust policy. */
  const assumeCreatedRole = (name: string, actions = ['sts:AssumeRole']) => async (caller: Caller): Promise<string[]> => {
    const p = plan('prod');
    const role = p.one('aws_iam_role', (v) => v.name === name);
    return Promise.all(actions.map((action) => decide({
      principal: caller.principal, action, resource: role.values.arn, resourceAccount: '333333333333',
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
      resourcePolicy: p.policy(role, 'assume_role_policy'), context: caller.context,
    })));
  };

  it("refuses Bob a session of the operators' role named after Alice, so that he can never resume or end hers", async () => {
    const assume = assumeCreatedRole('ssm-session-kit-prod-operators');
    expect(await assume(askingToAssume(iamUserSessionToken(IDENTITY_ACCOUNT, 'bob', true), 'alice'))).toEqual(['ImplicitlyDenied']);
    expect(await assume(askingToAssume(iamUserSessionToken(IDENTITY_ACCOUNT, 'bob', true), 'bob'))).toEqual(['Allowed']);
  });

  it('lets a role session into the CI role only named after the source identity it carries and passes on', async () => {
    const assume = assumeCreatedRole('ssm-session-kit-prod-ci', ['sts:AssumeRole', 'sts:SetSourceIdentity']);
    const ci = roleSessionWithSourceIdentity(IDENTITY_ACCOUNT, 'ci-deployer', 'build-42', 'release-bot');
    expect(await assume(askingToAssume(ci, 'release-bot', 'release-bot'))).toEqual(['Allowed', 'Allowed']);
    expect(await assume(askingToAssume(ci, 'alice', 'release-bot'))).toEqual(['ImplicitlyDenied', 'Allowed']);
    expect(await assume(askingToAssume(ci, 'alice', 'alice'))).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
    // A session without a source identity names nobody, whatever it asks for.
    expect(await assume(askingToAssume(assumedRole(IDENTITY_ACCOUNT, 'ci-deployer', 'alice', false), 'alice', 'alice'))).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it('lets automation in where the group asks for no MFA', async () => {
    expect(await startSession('prod', 'ci-diagnostics', assumedRole('333333333333', 'ssm-session-kit-prod-ci', 'build-42', false))).toBe('Allowed');
  });
});

describe.each(loadConfig().environments.flatMap((env) => env.accessGroups.map((group) => [env.name, group.name, env, group] as const)))(
  'the %s access group %s, evaluated',
  (_envName, _groupName, env, group) => {
    const other = env.name === 'prod' ? 'dev' : 'prod';
    const start = async (tags: Record<string, string>) => {
      const plan = new ResolvedPlan(results.find((r) => r.stack === env.name)!.planFile!);
      const policy = plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env.name}-${group.name}`));
      return decide({
        principal: `arn:aws:sts::${env.accountId}:assumed-role/${group.name}/alice`,
        action: 'ssm:StartSession',
        resource: `arn:aws:ec2:${env.region}:${env.accountId}:instance/i-0123456789abcdef0`,
        resourceAccount: env.accountId,
        identityPolicies: [{ name: group.name, policy }],
        context: {
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
          'ssm:SessionDocumentAccessCheck': 'true',
          'aws:MultiFactorAuthPresent': 'true',
        },
      });
    };

    it('reaches every instance the access report lists for it', async () => {
      for (const instance of reachableInstances(env, group)) {
        expect({ instance: instance.name, decision: await start(instanceTags(env, instance)) })
          .toEqual({ instance: instance.name, decision: 'Allowed' });
      }
    });

    it('reaches none of them once tagged for another environment, nor untagged', async () => {
      for (const instance of reachableInstances(env, group)) {
        expect(await start({ ...instanceTags(env, instance), Environment: other })).toBe('ImplicitlyDenied');
      }
      expect(await start({})).toBe('ImplicitlyDenied');
    });

    it('reaches no instance the report leaves out', async () => {
      const reached = reachableInstances(env, group);
      for (const instance of env.instances.filter((i) => !reached.includes(i))) {
        expect(await start(instanceTags(env, instance))).toBe('ImplicitlyDenied');
      }
    });
  },
);

describe('guardrails, their resolved policies evaluated', () => {
  const account = '111111111111';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  let plan: ResolvedPlan;
  let trail: { document: string; logGroup: string; bucket: string; key: string };

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'dev')!.planFile!);
    trail = {
      document: `arn:aws:ssm:eu-west-1:${account}:document/SSM-SessionManagerRunShell`,
      logGroup: `arn:aws:logs:eu-west-1:${account}:log-group:/ssm-session-kit/dev/sessions`,
      bucket: 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111',
      key: plan.sessionKey().values.arn,
    };
  });

  const guardrailPolicy = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-audit-trail-guardrail'));
  const boundary = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-permissions-boundary'));
  const resourcePolicyFor = (resource: string) =>
    resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy'))
    : resource.startsWith('arn:aws:kms') ? plan.policy(plan.sessionKey())
    : undefined;
  const protectedRequests = (): [string, string][] => [
    ['ssm:UpdateDocument', trail.document], ['ssm:DeleteDocument', trail.document], ['ssm:CreateDocument', trail.document],
    ['ssm:UpdateDocumentDefaultVersion', trail.document],
    ['logs:DeleteLogGroup', trail.logGroup], ['logs:PutRetentionPolicy', trail.logGroup], ['logs:DisassociateKmsKey', trail.logGroup],
    ['logs:DeleteLogStream', `${trail.logGroup}:log-stream:alice-0a1b`], ['logs:PutSubscriptionFilter', trail.logGroup],
    ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['s3:DeleteObjectVersion', `${trail.bucket}/sessions/x.log`],
    ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteBucketPolicy', trail.bucket], ['s3:PutEncryptionConfiguration', trail.bucket],
    ['s3:PutBucketVersioning', trail.bucket], ['s3:PutLifecycleConfiguration', trail.bucket],
    ['s3:PutBucketObjectLockConfiguration', trail.bucket], ['s3:PutBucketPublicAccessBlock', trail.bucket],
    ['kms:DisableKey', trail.key], ['kms:ScheduleKeyDeletion', trail.key], ['kms:PutKeyPolicy', trail.key],
  ];
  const asAdmin = (action: string, resource: string, identityPolicies: { name: string; policy: any }[]) =>
    decide({ principal: admin, action, resource, resourceAccount: account, identityPolicies, resourcePolicy: resourcePolicyFor(resource) });

  it('denies an administrator with AdministratorAccess every protected action', async () => {
    const identity = [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, { name: 'guardrail', policy: guardrailPolicy() }];
    for (const [action, resource] of protectedRequests()) {
      expect({ action, decision: await asAdmin(action, resource, identity) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('denies log deletion, bucket policy changes and key deletion to any administrator through the resource policies alone', async () => {
    const identity = [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }];
    for (const [action, resource] of [
      ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['s3:DeleteObjectVersion', `${trail.bucket}/sessions/x.log`],
      ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteBucketPolicy', trail.bucket],
      ['kms:DisableKey', trail.key], ['kms:ScheduleKeyDeletion', trail.key],
    ]) {
      expect({ action, decision: await asAdmin(action, resource, identity) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('lets the pipeline role change what the resource policies protect', async () => {
    for (const [action, resource] of [
      ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['kms:DisableKey', trail.key],
    ]) {
      expect(await decide({
        principal: pipeline, action, resource, resourceAccount: account,
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
        resourcePolicy: resourcePolicyFor(resource),
        context: { 'aws:PrincipalArn': pipeline },
      })).toBe('Allowed');
    }
  });

  it('bounds the engineer roles it creates, which cannot lift their boundary', async () => {
    const role = plan.one('aws_iam_role', (v) => v.name === 'ssm-session-kit-dev-operators');
    expect(role.values.permissions_boundary).toMatch(/:policy\/ssm-session-kit-dev-permissions-boundary$/);
    const engineer = `arn:aws:iam::${account}:role/ssm-session-kit-dev-operators`;
    const asEngineer = (action: string, resource: string, identity = plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-operators'))) =>
      decide({ principal: engineer, action, resource, resourceAccount: account, identityPolicies: [{ name: 'granted', policy: identity }], permissionBoundary: boundary(), resourcePolicy: resourcePolicyFor(resource) });
    // Ordinary session use is unaffected.
    expect(await decide({
      principal: engineer, action: 'ssm:StartSession', resource: `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`, resourceAccount: account,
      identityPolicies: [{ name: 'operators', policy: plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-operators')) }],
      permissionBoundary: boundary(),
      context: { 'ssm:resourceTag/Environment': 'dev', 'ssm:resourceTag/Team': 'platform', 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true' },
    })).toBe('Allowed');
    // Even granted everything, the boundary keeps the audit trail and itself.
    expect(await asEngineer('iam:DeleteRolePermissionsBoundary', engineer, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('iam:CreatePolicyVersion', `arn:aws:iam::${account}:policy/ssm-session-kit-dev-permissions-boundary`, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('logs:DeleteLogGroup', trail.logGroup, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('ssm:UpdateDocument', trail.document, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
  });

  it('the organization SCP denies administrators and lets the pipeline through', async () => {
    const org = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!);
    const scps = org.all('aws_organizations_policy').map((p) => org.policy(p, 'content'));
    const request = (principal: string, action: string, resource: string, extra: Record<string, string> = {}) => decide({
      principal, action, resource, resourceAccount: account,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
      resourcePolicy: resourcePolicyFor(resource),
      scps,
      context: { 'aws:PrincipalArn': principal, ...extra },
    });
    expect(await request(admin, 'ssm:UpdateDocument', trail.document)).toBe('ExplicitlyDenied');
    expect(await request(admin, 'logs:DeleteLogGroup', trail.logGroup)).toBe('ExplicitlyDenied');
    expect(await request(admin, 's3:PutBucketPolicy', trail.bucket)).toBe('ExplicitlyDenied');
    expect(await request(admin, 'kms:ScheduleKeyDeletion', trail.key, { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' })).toBe('ExplicitlyDenied');
    expect(await request(pipeline, 'ssm:UpdateDocument', trail.document)).toBe('Allowed');
    expect(await request(pipeline, 'logs:PutRetentionPolicy', trail.logGroup)).toBe('Allowed');
    expect(await request(pipeline, 'kms:ScheduleKeyDeletion', trail.key, { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' })).toBe('Allowed');
    // A log group outside the audit trail is not the SCP's business.
    expect(await request(admin, 'logs:DeleteLogGroup', `arn:aws:logs:eu-west-1:${account}:log-group:/app/web`)).toBe('Allowed');
  });
});

describe.each([
  ['dev', '111111111111', 'eu-west-1', false],
  ['prod', '333333333333', 'eu-central-1', true],
] as const)("a %s administrator's next moves without the SCP, on the resolved policies", (env, account, region, strict) => {
  // AdministratorAccess plus the guardrail deny policy, as attached to the administrators' role.
  const adminRole = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_${env}`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  let plan: ResolvedPlan;
  let guardrailArn: string;
  let boundaryArn: string;
  let operatorsRole: string;
  let bucket: string;
  let key: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    guardrailArn = plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-audit-trail-guardrail`).values.arn;
    boundaryArn = plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-permissions-boundary`).values.arn;
    operatorsRole = plan.one('aws_iam_role', (v) => v.name === `ssm-session-kit-${env}-operators`).values.arn;
    bucket = `arn:aws:s3:::acme-ssm-sessions-${env}-${account}`;
    key = plan.sessionKey().values.arn;
  });

  const guardrail = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-audit-trail-guardrail`));
  const resourcePolicyFor = (resource: string) =>
    resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy'))
    : resource.startsWith('arn:aws:kms') ? plan.policy(plan.sessionKey())
    : undefined;
  const as = (principal: string, withGuardrail: boolean) => (action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...(withGuardrail ? [{ name: 'guardrail', policy: guardrail() }] : [])],
    resourcePolicy: resourcePolicyFor(resource),
    context: { 'aws:PrincipalArn': principal, ...context },
  });
  const admin = () => as(adminRole, true);

  it('cannot detach, rewrite or delete the guardrail, nor the boundary', async () => {
    for (const policyArn of [guardrailArn, boundaryArn]) {
      expect(await admin()('iam:DetachRolePolicy', adminRole, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      expect(await admin()('iam:DetachGroupPolicy', `arn:aws:iam::${account}:group/Administrators`, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      expect(await admin()('iam:DetachUserPolicy', `arn:aws:iam::${account}:user/admin`, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy']) {
        expect({ action, decision: await admin()(action, policyArn) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      }
    }
    // Other policies stay theirs to manage.
    expect(await admin()('iam:DetachRolePolicy', adminRole, { 'iam:PolicyARN': `arn:aws:iam::${account}:policy/team-tools` })).toBe('Allowed');
  });

  it('cannot lift or replace the boundary of a role that carries it', async () => {
    expect(await admin()('iam:DeleteRolePermissionsBoundary', operatorsRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('ExplicitlyDenied');
    expect(await admin()('iam:PutRolePermissionsBoundary', operatorsRole, { 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/lenient` })).toBe('ExplicitlyDenied');
  });

  it(strict ? 'cannot mint a role without the boundary, nor re-trust a bounded one (strict)' : 'can still mint a role without the boundary (not strict)', async () => {
    const newRole = `arn:aws:iam::${account}:role/escape-hatch`;
    expect(await admin()('iam:CreateRole', newRole)).toBe(strict ? 'ExplicitlyDenied' : 'Allowed');
    expect(await admin()('iam:CreateRole', newRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('Allowed');
    expect(await admin()('iam:UpdateAssumeRolePolicy', operatorsRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe(strict ? 'ExplicitlyDenied' : 'Allowed');
  });

  it('with the deny policy gone, is still refused every change to the log bucket and the key by their own policies', async () => {
    const withoutGuardrail = as(adminRole, false);
    const requests: [string, string][] = [
      ...PROTECTED_ACTIONS.logObjects.map((a): [string, string] => [a, `${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`]),
      ...PROTECTED_ACTIONS.logBucket.map((a): [string, string] => [a, bucket]),
      ...PROTECTED_ACTIONS.key.map((a): [string, string] => [a, key]),
    ];
    for (const [action, resource] of requests) {
      expect({ action, decision: await withoutGuardrail(action, resource) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('leaves the pipeline able to change all of it, and the writers able to write', async () => {
    // The deny policy is attached to administrators, never to the pipeline (the config refuses it).
    const asPipeline = as(pipeline, false);
    for (const [action, resource] of [['s3:PutLifecycleConfiguration', bucket], ['kms:PutKeyPolicy', key], ['iam:CreatePolicyVersion', guardrailArn]]) {
      expect({ action, decision: await asPipeline(action, resource) }).toEqual({ action, decision: 'Allowed' });
    }
    const instanceRole = `arn:aws:iam::${account}:role/ssm-session-kit-${env}-instance`;
    expect(await decide({
      principal: instanceRole, action: 's3:PutObject', resource: `${bucket}/sessions/x.log`, resourceAccount: account,
      identityPolicies: plan.rolePolicies(`ssm-session-kit-${env}-instance`), resourcePolicy: resourcePolicyFor(bucket),
    })).toBe('Allowed');
    // CloudWatch Logs encrypts the session log group with the key, naming the group in the encryption
    // context ("Encrypt log data in CloudWatch Logs using AWS Key Management Service"). The engine drops
    // kms:EncryptionContext keys, so it cannot allow the key policy's statement for the service (checked
    // in the synthesized policy instead); what it shows is that no deny of the guardrail's reaches it.
    const logGroup = `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${env}/sessions`;
    for (const action of ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']) {
      expect({ action, decision: await decide({
        principal: `logs.${region}.amazonaws.com`, action, resource: key, resourceAccount: account,
        identityPolicies: [], resourcePolicy: resourcePolicyFor(key), context: { 'kms:EncryptionContext:aws:logs:arn': logGroup },
      }) }).not.toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });
});

describe.each(['dev', 'prod'])("the recording path against an insider's next moves, in %s, on the resolved policies", (envName) => {
  const env = loadConfig().environments.find((e) => e.name === envName)!;
  const { accountId: account, region } = env;
  const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
  const instanceRole = iam(`role/ssm-session-kit-${envName}-instance`);
  const dhmRole = iam(`role/service-role/ssm-session-kit-${envName}-default-host-management`);
  const profile = iam(`instance-profile/ssm-session-kit-${envName}-instance`);
  const instance = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
  const dhmSetting = `arn:aws:ssm:${region}:${account}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`;
  const admin = iam(`role/AWSReservedSSO_Administrators_${envName}`);
  const engineer = iam(`role/ssm-session-kit-${envName}-operators`);
  const pipeline = env.guardrails.pipelineRoleArn;
  // The instance's own tags, as SsmInstance and the provider's default tags set them; a request on a
  // tagged resource carries them as aws:ResourceTag/<key> ("Controlling access to AWS resources using
  // tags"), and Systems Manager's requests also as ssm:resourceTag/<key>.
  const instanceTagKeys = { 'aws:ResourceTag/Environment': envName, 'aws:ResourceTag/ManagedBy': 'ssm-session-kit', 'ssm:resourceTag/Environment': envName };
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === envName)!.planFile!);
    const org = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!);
    scps = org.all('aws_organizations_policy').map((p) => org.policy(p, 'content'));
  });
  const named = (name: string) => plan.policy(plan.one('aws_iam_policy', (v) => v.name === name));
  const denyPolicies = () => [`ssm-session-kit-${envName}-audit-trail-guardrail`, `ssm-session-kit-${envName}-recording-path-guardrail`]
    .map((name) => ({ name, policy: named(name) }));
  const boundary = () => named(`ssm-session-kit-${envName}-permissions-boundary`);

  /** What each kind of insider holds: the policies IAM evaluates for their requests. */
  const insiders = {
    'administrator with the deny policies': () => ({ principal: admin, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...denyPolicies()] }),
    'administrator under the SCP': () => ({ principal: admin, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], scps }),
    'bounded role granted everything': () => ({ principal: engineer, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], permissionBoundary: boundary() }),
    'engineer of an access group': () => ({
      principal: engineer, identityPolicies: [{ name: 'operators', policy: named(`ssm-session-kit-${envName}-operators`) }], permissionBoundary: boundary(), scps,
    }),
  };
  type Move = [string, string, string, Record<string, string | string[]>?];
  // Each move with the condition keys its request carries, from the Service Authorization Reference:
  // iam:PolicyARN on detaching, iam:PermissionsBoundary on boundary calls, iam:PassedToService on
  // PassRole, ec2:Attribute on ModifyInstanceAttribute, aws:TagKeys on tagging, aws:RequestedRegion on
  // every request (set from the resource's region).
  const moves: Move[] = [
    ['deny the recording in the instance role', 'iam:PutRolePolicy', instanceRole],
    ["delete the instance role's logging policy", 'iam:DeleteRolePolicy', instanceRole],
    ["detach the instance role's managed policy", 'iam:DetachRolePolicy', instanceRole, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }],
    ['cap the instance role with a boundary of their own', 'iam:PutRolePermissionsBoundary', instanceRole, { 'iam:PermissionsBoundary': iam('policy/deny-logging') }],
    ["lift the instance role's boundary", 'iam:DeleteRolePermissionsBoundary', instanceRole, { 'iam:PermissionsBoundary': iam(`policy/ssm-session-kit-${envName}-permissions-boundary`) }],
    ['re-trust the instance role', 'iam:UpdateAssumeRolePolicy', instanceRole],
    ['delete the instance role', 'iam:DeleteRole', instanceRole],
    ['deny the recording in the Default Host Management role', 'iam:PutRolePolicy', dhmRole],
    ['pass the instance role to an instance of their own', 'iam:PassRole', instanceRole, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ['take the instance role out of its profile', 'iam:RemoveRoleFromInstanceProfile', profile],
    ["swap the instance's profile", 'ec2:ReplaceIamInstanceProfileAssociation', instance, instanceTagKeys],
    ["remove the instance's profile", 'ec2:DisassociateIamInstanceProfile', instance, instanceTagKeys],
    ['point Default Host Management at another role', 'ssm:UpdateServiceSetting', dhmSetting],
    ['reset Default Host Management', 'ssm:ResetServiceSetting', dhmSetting],
    ['put an account-wide log policy (subscription, transformer)', 'logs:PutAccountPolicy', '*', { 'aws:RequestedRegion': region }],
    ['run a shell script with Run Command', 'ssm:SendCommand', instance, instanceTagKeys],
    ['run a command through a State Manager association', 'ssm:CreateAssociation', instance, instanceTagKeys],
    ['change the user data, for the next boot', 'ec2:ModifyInstanceAttribute', instance, { ...instanceTagKeys, 'ec2:Attribute': 'userData' }],
    ['swap the root volume', 'ec2:CreateReplaceRootVolumeTask', instance, instanceTagKeys],
    ['push an SSH key with EC2 Instance Connect', 'ec2-instance-connect:SendSSHPublicKey', instance, instanceTagKeys],
    ['push a key to the serial console', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey', instance, instanceTagKeys],
    ['switch the serial console on', 'ec2:EnableSerialConsoleAccess', '*', { 'aws:RequestedRegion': region }],
    ['retag the instance out of the environment', 'ec2:DeleteTags', instance, { ...instanceTagKeys, 'aws:TagKeys': ['Environment'] }],
    ['open a session in a region that records nothing', 'ssm:StartSession', `arn:aws:ec2:us-west-2:${account}:instance/i-0123456789abcdef1`, {
      ...instanceTagKeys, 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true',
    }],
  ];

  it.each(Object.keys(insiders))('refuses every move to an %s', async (insider) => {
    const holds = insiders[insider as keyof typeof insiders]();
    for (const [what, action, resource, context = {}] of moves) {
      const decision = await decide({ ...holds, action, resource, resourceAccount: account, context: { 'aws:PrincipalArn': holds.principal, ...context } });
      expect({ what, allowed: decision === 'Allowed' }).toEqual({ what, allowed: false });
      if (insider !== 'engineer of an access group') expect({ what, decision }).toEqual({ what, decision: 'ExplicitlyDenied' });
    }
  });

  it('refuses an Instance Connect tunnel in every delivery, on every resource', () => {
    // The engine cannot evaluate ec2-instance-connect:OpenTunnel: the reference lists its resource type
    // twice ("multiple.resource.types"). A deny on "*" with no condition but the pipeline's exception
    // refuses it whatever the endpoint.
    const refusing = (statements: any[]) => statements.filter((st) => st.Effect === 'Deny' && [st.Resource].flat().includes('*')
      && [st.Action].flat().includes('ec2-instance-connect:OpenTunnel') && Object.keys(st.Condition ?? {}).every((op) => op === 'ArnNotLike'));
    const deliveries = { 'deny policies': denyPolicies().map((p) => p.policy), boundary: [boundary()], SCP: scps };
    for (const [delivery, policies] of Object.entries(deliveries)) {
      expect({ delivery, refused: refusing(policies.flatMap((p) => p.Statement)).length > 0 }).toEqual({ delivery, refused: true });
    }
  });

  const asPipeline = (action: string, resource: string, context: Record<string, string | string[]> = {}) => decide({
    principal: pipeline, action, resource, resourceAccount: account, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], scps,
    context: { 'aws:PrincipalArn': pipeline, ...context },
  });

  it('leaves the pipeline its deploys on the same resources under the SCP, and passes the roles to EC2 and Systems Manager only', async () => {
    for (const [what, action, resource, context] of moves.filter(([, action]) => !action.startsWith('ec2-instance-connect:') && action !== 'ssm:StartSession')) {
      expect({ what, decision: await asPipeline(action, resource, context) }).toEqual({ what, decision: 'Allowed' });
    }
    expect(await asPipeline('iam:PassRole', dhmRole, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe('Allowed');
    expect(await asPipeline('iam:PassRole', instanceRole, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ExplicitlyDenied');
  });

  it("still lets an engineer open an ordinary session on the group's instances, under every delivery", async () => {
    const group = env.accessGroups.find((g) => g.name === 'operators')!;
    const tags = instanceTags(env, reachableInstances(env, group)[0]);
    const holds = insiders['engineer of an access group']();
    for (const resource of [`arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`, `arn:aws:ssm:${region}:${account}:document/SSM-SessionManagerRunShell`]) {
      expect(await decide({
        ...holds, action: 'ssm:StartSession', resource, resourceAccount: account,
        context: {
          'aws:PrincipalArn': engineer, 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true',
          ...Object.fromEntries(Object.entries(tags).flatMap(([k, v]) => [[`ssm:resourceTag/${k}`, v], [`aws:ResourceTag/${k}`, v]])),
          'aws:ResourceTag/ManagedBy': 'ssm-session-kit',
        },
      })).toBe('Allowed');
    }
  });

  if (envName === 'prod') {
    it('lets the break-glass role, which states why, run a shell script on its instances under every delivery, and nowhere else', async () => {
      const breakGlass = iam('role/ssm-session-kit-prod-break-glass');
      const group = env.accessGroups.find((g) => g.name === 'break-glass')!;
      const tags = instanceTags(env, reachableInstances(env, group)[0]);
      const tagKeys = { ...Object.fromEntries(Object.entries(tags).flatMap(([k, v]) => [[`ssm:resourceTag/${k}`, v], [`aws:ResourceTag/${k}`, v]])), 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' };
      const send = (resource: string, context: Record<string, string>) => decide({
        principal: breakGlass, action: 'ssm:SendCommand', resource, resourceAccount: account, scps, permissionBoundary: boundary(),
        identityPolicies: [{ name: 'break-glass', policy: named('ssm-session-kit-prod-break-glass') }],
        context: { 'aws:PrincipalArn': breakGlass, 'aws:MultiFactorAuthPresent': 'true', ...context },
      });
      expect(await send(instance, tagKeys)).toBe('Allowed');
      expect(await send(`arn:aws:ssm:${region}:${account}:document/AWS-RunShellScript`, {})).toBe('Allowed');
      expect(await send(`arn:aws:ssm:${region}:${account}:document/MyOwnScript`, {})).not.toBe('Allowed');
      expect(await send(instance, { ...tagKeys, 'ssm:resourceTag/Environment': 'staging', 'aws:ResourceTag/Environment': 'staging' })).not.toBe('Allowed');
      // Granted more later, the break-glass role still has no other way in than Run Command.
      for (const [action, context] of [['ec2:ModifyInstanceAttribute', { 'ec2:Attribute': 'userData' }], ['ec2-instance-connect:SendSSHPublicKey', {}], ['ssm:CreateAssociation', {}]] as const) {
        expect({ action, decision: await decide({
          principal: breakGlass, action, resource: instance, resourceAccount: account, scps, permissionBoundary: boundary(),
          identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], context: { 'aws:PrincipalArn': breakGlass, ...tagKeys, ...context },
        }) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      }
      // Others of the group's kind stay refused: the operators' role, granted everything.
      expect(await decide({
        principal: engineer, action: 'ssm:SendCommand', resource: instance, resourceAccount: account, scps, permissionBoundary: boundary(),
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], context: { 'aws:PrincipalArn': engineer, ...tagKeys },
      })).toBe('ExplicitlyDenied');
    });
  }
});

describe.each(loadConfig().environments.filter((e) => e.defaultHostManagement).map((e) => [e.name, e] as const))(
  "the %s Default Host Management role's resolved policies, evaluated",
  (_name, env) => {
    // Its managed policy, AmazonSSMManagedEC2InstanceDefaultPolicy, grants Systems Manager's core calls
    // only ("AWS managed policies for AWS Systems Manager"): no S3, CloudWatch Logs or KMS action, so the
    // session-logging decisions below are the inline policy's and the resource policies'.
    const roleName = `ssm-session-kit-${env.name}-default-host-management`;
    const role = `arn:aws:iam::${env.accountId}:role/service-role/${roleName}`;
    const bucket = `arn:aws:s3:::${env.sessionLogging.bucketName}`;
    const logGroup = `arn:aws:logs:${env.region}:${env.accountId}:log-group:/ssm-session-kit/${env.name}/sessions`;
    let plan: ResolvedPlan;
    beforeAll(() => {
      plan = new ResolvedPlan(results.find((r) => r.stack === env.name)!.planFile!);
    });
    const asRole = (action: string, resource: string, resourcePolicy?: any, context: Record<string, string> = {}) => decide({
      principal: role, action, resource, resourceAccount: env.accountId,
      identityPolicies: plan.inlinePolicies(roleName), permissionBoundary: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env.name}-permissions-boundary`)),
      resourcePolicy, context,
    });
    const bucketPolicy = () => plan.policy(plan.one('aws_s3_bucket_policy'));
    const keyPolicy = () => plan.policy(plan.sessionKey());

    it('carries the guardrail boundary', () => {
      expect(plan.one('aws_iam_role', (v) => v.name === roleName).values.permissions_boundary).toMatch(new RegExp(`:policy/ssm-session-kit-${env.name}-permissions-boundary$`));
    });

    it('may write session logs under the prefix over TLS, stream them, and use the session key', async () => {
      expect(await asRole('s3:PutObject', `${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`, bucketPolicy(), { 's3:TlsVersion': '1.3' })).toBe('Allowed');
      expect(await asRole('s3:GetEncryptionConfiguration', bucket, bucketPolicy())).toBe('Allowed');
      expect(await asRole('logs:CreateLogStream', `${logGroup}:log-stream:alice-0a1b2c3d`)).toBe('Allowed');
      expect(await asRole('logs:PutLogEvents', `${logGroup}:log-stream:alice-0a1b2c3d`)).toBe('Allowed');
      const key = plan.sessionKey().values.arn;
      expect(await asRole('kms:Decrypt', key, keyPolicy())).toBe('Allowed');
      expect(await asRole('kms:GenerateDataKey', key, keyPolicy())).toBe('Allowed');
    });

    it('may not write elsewhere, without TLS, or delete anything', async () => {
      expect(await asRole('s3:PutObject', 'arn:aws:s3:::another-bucket/sessions/x.log')).toBe('ImplicitlyDenied');
      expect(await asRole('s3:PutObject', `${bucket}/elsewhere/x.log`, bucketPolicy())).toBe('ImplicitlyDenied');
      expect(await asRole('s3:PutObject', `${bucket}/sessions/x.log`, bucketPolicy(), { 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
      expect(await asRole('logs:PutLogEvents', `arn:aws:logs:${env.region}:${env.accountId}:log-group:/app/web:log-stream:x`)).toBe('ImplicitlyDenied');
      expect(await asRole('s3:DeleteObject', `${bucket}/sessions/x.log`, bucketPolicy())).toMatch(/^(Implicitly|Explicitly)Denied$/);
      expect(await asRole('logs:DeleteLogGroup', logGroup)).toMatch(/^(Implicitly|Explicitly)Denied$/);
    });
  },
);

describe("prod's minimal instance role, on the resolved policies", () => {
  const account = '333333333333';
  const role = `arn:aws:iam::${account}:role/ssm-session-kit-prod-instance`;
  let plan: ResolvedPlan;
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'prod')!.planFile!);
  });
  const asInstance = (action: string, resource: string) => decide({
    principal: role, action, resource, resourceAccount: account, identityPolicies: plan.rolePolicies('ssm-session-kit-prod-instance'),
  });

  it('carries no AmazonSSMManagedInstanceCore, only the Session Manager actions', () => {
    expect(plan.all('aws_iam_role_policy_attachment').filter((a) => a.values.role === 'ssm-session-kit-prod-instance')).toEqual([]);
    const statements = plan.policy(plan.one('aws_iam_role_policy', (v) => v.role === 'ssm-session-kit-prod-instance' && v.name === 'session-manager')).Statement;
    expect(statements).toEqual([{ Sid: 'ServeSessions', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' }]);
  });

  it('may register and open the session channels', async () => {
    expect(await asInstance('ssm:UpdateInstanceInformation', `arn:aws:ec2:eu-central-1:${account}:instance/i-0123456789abcdef0`)).toBe('Allowed');
    for (const action of ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']) {
      expect({ action, decision: await asInstance(action, '*') }).toEqual({ action, decision: 'Allowed' });
    }
  });

  it('may not read a parameter, a secret, another bucket, or take Run Command messages', async () => {
    expect(await asInstance('ssm:GetParameter', `arn:aws:ssm:eu-central-1:${account}:parameter/prod/db/password`)).toBe('ImplicitlyDenied');
    expect(await asInstance('ssm:GetParameters', `arn:aws:ssm:eu-central-1:${account}:parameter/prod/db/password`)).toBe('ImplicitlyDenied');
    expect(await asInstance('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-central-1:${account}:secret:prod/db-0a1b2c`)).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:GetObject', 'arn:aws:s3:::acme-data-prod/export.csv')).toBe('ImplicitlyDenied');
    expect(await asInstance('ec2messages:GetMessages', '*')).toBe('ImplicitlyDenied');
  });
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
    resourcePolicy: resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy')) : plan.policy(plan.one('aws_kms_key')),
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
    const stateKey = plan.one('aws_kms_key').values.arn;
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']) expect(await asStateRole(name, action, stateKey)).toBe('Allowed');
  });

  it.each(stacks)("lets $name's plan role alone assume $name's read-only state role", async ({ name, pipeline, planner }) => {
    expect(await assume(planner, name, 'read')).toBe('Allowed');
    expect(await assume(pipeline, name, 'read')).toBe('ImplicitlyDenied');
    // and the plan role cannot reach the role that writes.
    expect(await assume(planner, name)).toBe('ImplicitlyDenied');
  });

  it.each(stacks)("lets $name's read-only state role read its state, and write nothing", async ({ name, key }) => {
    const stateKey = plan.one('aws_kms_key').values.arn;
    const cases: [string, string, string][] = [
      ['s3:ListBucket', bucket, 'Allowed'], ['s3:GetObject', `${bucket}/${key}`, 'Allowed'], ['kms:Decrypt', stateKey, 'Allowed'],
      ['s3:PutObject', `${bucket}/${key}`, 'ImplicitlyDenied'], ['s3:DeleteObject', `${bucket}/${key}`, 'ImplicitlyDenied'],
      ['s3:PutObject', `${bucket}/${key}.tflock`, 'ImplicitlyDenied'], ['kms:Encrypt', stateKey, 'ImplicitlyDenied'],
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

/** In a describe: dev's policies by name, and the organization's SCPs, from the resolved plans. */
function devGuardrails(): { named: (name: string) => PolicyJson; scps: () => PolicyJson[] } {
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'dev')!.planFile!);
    const org = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!);
    scps = org.all('aws_organizations_policy').map((p) => org.policy(p, 'content'));
  });
  return { named: (name) => plan.policy(plan.one('aws_iam_policy', (v) => v.name === name)), scps: () => scps };
}

describe('no unrecorded shell: custom session documents against every guardrail delivery, on the resolved policies', () => {
  const account = '111111111111';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  const document = (name: string) => `arn:aws:ssm:eu-west-1:${account}:document/${name}`;
  const instance = `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`;
  const { named, scps } = devGuardrails();
  type Delivery = 'deny policy' | 'boundary' | 'SCP';
  const request = (principal: string, delivery: Delivery | undefined, action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(delivery === 'deny policy' ? [{ name: 'guardrail', policy: named('ssm-session-kit-dev-audit-trail-guardrail') }] : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-dev-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps() : undefined,
    context: { 'aws:PrincipalArn': principal, ...context },
  });

  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('refuses an administrator under the %s a session with a document of their own, and creating one', async (delivery) => {
    expect(await request(admin, delivery, 'ssm:StartSession', document('NoLogShell'))).toBe('ExplicitlyDenied');
    expect(await request(admin, delivery, 'ssm:CreateDocument', document('NoLogShell'), { 'ssm:DocumentType': 'Session' })).toBe('ExplicitlyDenied');
  });

  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('leaves the preferences document, the declared forwarding documents and the targets to an administrator under the %s', async (delivery) => {
    expect(await request(admin, delivery, 'ssm:StartSession', document('SSM-SessionManagerRunShell'))).toBe('Allowed');
    expect(await request(admin, delivery, 'ssm:StartSession', document('ssm-session-kit-dev-forward-db.internal.example-5432'))).toBe('Allowed');
    // A document of the same name shared from another account is not the pipeline's (the SCP, naming
    // no account, does not tell them apart).
    if (delivery !== 'SCP') {
      const shared = `arn:aws:ssm:eu-west-1:999999999999:document/ssm-session-kit-dev-forward-8080`;
      expect(await request(admin, delivery, 'ssm:StartSession', shared)).toBe('ExplicitlyDenied');
    }
    // No group of the shipped config opted into AWS's forwarding documents: any port, 22 included.
    expect(await request(admin, delivery, 'ssm:StartSession', document('AWS-StartPortForwardingSession'))).toBe('ExplicitlyDenied');
    expect(await request(admin, delivery, 'ssm:StartSession', instance)).toBe('Allowed');
    // Documents of other types (Command, Automation) stay theirs to create.
    expect(await request(admin, delivery, 'ssm:CreateDocument', document('PatchNow'), { 'ssm:DocumentType': 'Command' })).toBe('Allowed');
  });

  it('leaves the pipeline free to change the preferences document under the SCP', async () => {
    expect(await request(pipeline, 'SCP', 'ssm:UpdateDocument', document('SSM-SessionManagerRunShell'), { 'ssm:DocumentType': 'Session' })).toBe('Allowed');
    expect(await request(pipeline, 'SCP', 'ssm:StartSession', document('NoLogShell'))).toBe('Allowed');
  });
});

describe('tags that grant access, against the deny policy and the SCP, on the resolved policies', () => {
  const account = '111111111111';
  const region = 'eu-west-1';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  // An instance outside the environment (no Environment tag): tagging it in would put it in a group's reach.
  const stranger = `arn:aws:ec2:${region}:${account}:instance/i-0fedcba9876543210`;
  const node = `arn:aws:ssm:${region}:${account}:managed-instance/mi-0123456789abcdef0`;
  const someRole = `arn:aws:iam::${account}:role/AWSReservedSSO_Developers_dev`;
  const { named, scps } = devGuardrails();
  type Delivery = 'deny policy' | 'boundary' | 'SCP';
  /**
   * A tagging request as AWS authorizes it ("Controlling access to AWS resources using tags", IAM User
   * Guide): `aws:TagKeys` lists the keys in the request, `aws:RequestTag/<key>` each value set.
   */
  const tag = (principal: string, delivery: Delivery, grants: PolicyJson, action: string, resource: string, tags: Record<string, string>) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [
      { name: 'granted', policy: grants },
      ...(delivery === 'deny policy' ? ['ssm-session-kit-dev-audit-trail-guardrail', 'ssm-session-kit-dev-recording-path-guardrail'].map((n) => ({ name: n, policy: named(n) })) : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-dev-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps() : undefined,
    context: {
      'aws:PrincipalArn': principal, 'aws:TagKeys': Object.keys(tags),
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    },
  });
  const ec2All: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:*', 'ssm:*', 'iam:*'], Resource: '*' }] };

  // A role the project bounds (the instance role, a group's created role) granted ec2:*, ssm:*, iam:* later.
  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('refuses an administrator or bounded role under the %s tagging an instance or node into a group, and any run-as user on a role', async (delivery) => {
    for (const grants of [ALLOW_EVERYTHING, ec2All]) {
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Environment: 'dev', AccessGroup: 'developers' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Team: 'platform' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ec2:DeleteTags', stranger, { Team: 'platform' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ssm:AddTagsToResource', node, { AccessGroup: 'operators' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'iam:TagRole', someRole, { SSMSessionRunAs: 'ec2-user' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'iam:UntagRole', someRole, { SSMSessionRunAs: '' })).toBe('ExplicitlyDenied');
      // Other tags stay theirs.
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Name: 'build-box' })).toBe('Allowed');
      expect(await tag(admin, delivery, grants, 'iam:TagRole', someRole, { CostCenter: 'eng' })).toBe('Allowed');
    }
  });

  it('leaves the access tags to the pipeline under the SCP (the deny policy is never attached to it)', async () => {
    expect(await tag(pipeline, 'SCP', ALLOW_EVERYTHING, 'ec2:CreateTags', stranger, { Environment: 'dev', AccessGroup: 'developers' })).toBe('Allowed');
    expect(await tag(pipeline, 'SCP', ALLOW_EVERYTHING, 'iam:TagRole', someRole, { SSMSessionRunAs: 'ssm-operator' })).toBe('Allowed');
  });

  it("refuses launching an instance with the environment's instance role to anyone but the pipeline", async () => {
    const instanceRole = `arn:aws:iam::${account}:role/ssm-session-kit-dev-instance`;
    const pass = (principal: string, delivery: Delivery) => decide({
      principal, action: 'iam:PassRole', resource: instanceRole, resourceAccount: account,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
        ...(delivery === 'deny policy' ? [{ name: 'recording', policy: named('ssm-session-kit-dev-recording-path-guardrail') }] : [])],
      scps: delivery === 'SCP' ? scps() : undefined,
      context: { 'aws:PrincipalArn': principal, 'iam:PassedToService': 'ec2.amazonaws.com' },
    });
    expect(await pass(admin, 'deny policy')).toBe('ExplicitlyDenied');
    expect(await pass(admin, 'SCP')).toBe('ExplicitlyDenied');
    expect(await pass(pipeline, 'SCP')).toBe('Allowed');
  });
});

describe('the nightly drift report, on a real plan', () => {
  // The prod plan creates everything: as a drift check after someone deleted the whole stack would see it.
  let plan: { resource_changes: { address: string; type: string; change: { actions: string[] } }[] };
  beforeAll(() => {
    plan = JSON.parse(fs.readFileSync(results.find((r) => r.stack === 'prod')!.planFile!, 'utf8'));
  });

  it('lists every changed resource and marks the session logging, the guardrail and the alerts as audit trail', () => {
    const drift = driftOf(plan);
    expect(drift).toHaveLength(plan.resource_changes.length);
    const flagged = (type: string) => drift.filter((d) => d.address.startsWith(`${type}.`)).map((d) => d.auditTrail);
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_cloudwatch_log_group', 'aws_cloudtrail', 'aws_sns_topic', 'aws_sns_topic_policy']) {
      expect({ type, flagged: flagged(type) }).toEqual({ type, flagged: [true] });
    }
    // The preferences document and the two port-forwarding documents: where a session may lead decides access.
    expect({ type: 'aws_ssm_document', flagged: flagged('aws_ssm_document') }).toEqual({ type: 'aws_ssm_document', flagged: [true, true, true] });
    // The session key and the alert topic's key.
    expect({ type: 'aws_kms_key', flagged: flagged('aws_kms_key') }).toEqual({ type: 'aws_kms_key', flagged: [true, true] });
    expect(new Set(flagged('aws_cloudwatch_event_rule'))).toEqual(new Set([true]));
    expect(drift.filter((d) => d.address.startsWith('aws_iam_policy.guardrail_')).map((d) => d.auditTrail)).toEqual([true, true, true]);
    // The recording path is part of the audit trail: the instance role, its profile.
    expect(new Set([...flagged('aws_iam_role_policy'), ...flagged('aws_iam_instance_profile')])).toEqual(new Set([true]));
    for (const type of ['aws_instance', 'aws_security_group']) expect(new Set(flagged(type))).toEqual(new Set([false]));
    const report = driftReport('prod', drift);
    expect(report).toMatch(/^prod: \d+ resource\(s\) drifted\n/);
    expect(report).toMatch(/^  create aws_s3_bucket\.session-logging_bucket_\w+  \(audit trail\)$/m);
    expect(report).toMatch(/^::error title=Audit-trail drift::prod: /m);
  });

  it('is quiet when nothing but reads and no-ops are planned, and raises no audit-trail alarm for other drift', () => {
    const quiet = { resource_changes: plan.resource_changes.map((rc) => ({ ...rc, change: { actions: ['no-op'] } })) };
    expect(driftOf(quiet)).toEqual([]);
    expect(driftReport('prod', [])).toBe('prod: no drift\n');
    const instanceOnly = { resource_changes: plan.resource_changes.map((rc) => ({ ...rc, change: { actions: rc.type === 'aws_instance' ? ['update'] : ['no-op'] } })) };
    expect(driftReport('prod', driftOf(instanceOnly))).not.toMatch(/Audit-trail drift/);
  });

  it('fails the drift job on drift, from the command the workflow runs', () => {
    const run = spawnSync(process.execPath, ['--require', TRANSPILE_HOOK, path.join(__dirname, '..', 'scripts', 'drift-report.ts'), 'prod', results.find((r) => r.stack === 'prod')!.planFile!], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Audit-trail drift/);
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

describe.each([
  ['dev', '111111111111', 'eu-west-1'],
  ['staging', '222222222222', 'eu-west-1'],
  ['prod', '333333333333', 'eu-central-1'],
] as const)('%s session alerts, on the resolved plan', (env, account, region) => {
  const pipeline = roleSession(account, 'ssm-session-kit-deploy', 'github-actions-1234');
  const administrator = identityCenterSession(account, 'Administrators', 'alice@example.com', region);
  const at = { account, region };
  let plan: ResolvedPlan;
  let patterns: Record<string, Record<string, unknown>>;
  let named: Named;
  let alertKeyArn: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    // The patterns as Terraform will send them to EventBridge: every reference resolved.
    patterns = Object.fromEntries(plan.all('aws_cloudwatch_event_rule').map((r) => [r.values.name.replace(`ssm-session-kit-${env}-alert-`, ''), JSON.parse(r.values.event_pattern)]));
    alertKeyArn = plan.one('aws_kms_key', (v) => v.description === 'Encrypts the Session Manager audit-trail alerts').values.arn;
    named = {
      document: 'SSM-SessionManagerRunShell',
      logGroup: `/ssm-session-kit/${env}/sessions`,
      logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${env}/sessions`,
      bucket: `acme-ssm-sessions-${env}-${account}`,
      keyArn: plan.sessionKey().values.arn,
      keyAlias: `alias/ssm-session-kit-${env}-sessions`,
      ruleName: `ssm-session-kit-${env}-alert-sessions`,
      topicArn: `arn:aws:sns:${region}:${account}:ssm-session-kit-${env}-alerts`,
      trailName: `ssm-session-kit-${env}-trail`,
    };
  });

  const firing = (event: Record<string, unknown>) => Object.keys(patterns).filter((name) => matches(patterns[name], event)).sort();
  const everyCall = () => Object.entries(watchedCalls(named)).flatMap(([rule, calls]) => calls.map((call) => ({ rule, call })));

  it('has every reference in its patterns resolved, each pattern within 2,048 characters', () => {
    expect(Object.keys(patterns).sort()).toEqual([
      'alerting', 'key', 'key-deleted', 'log-bucket', 'log-group', 'log-objects', 'preferences', 'recording-path', 'recording-roles', 'sessions', 'ways-in',
    ]);
    for (const pattern of Object.values(patterns)) {
      expect(JSON.stringify(pattern)).not.toMatch(/\$\{/);
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
    }
  });

  it('alerts on every watched call, allowed or denied, by an administrator, an IAM user, the root user or another account', () => {
    for (const { rule, call } of everyCall()) {
      for (const caller of [administrator, iamUser(account, 'mallory'), rootUser(account), otherAccount('999999999999')]) {
        for (const denied of [false, true]) {
          const event = cloudTrailEvent(call, caller, { ...at, denied });
          expect({ call: call.eventName, caller: caller.type, denied, firing: firing(event) }).toEqual({ call: call.eventName, caller: caller.type, denied, firing: [rule] });
        }
      }
    }
  });

  const recordingPath = () => recordingPathCalls({
    instanceRole: `ssm-session-kit-${env}-instance`, dhmRole: `ssm-session-kit-${env}-default-host-management`,
    instanceProfile: `ssm-session-kit-${env}-instance`, instanceId: 'i-0123456789abcdef0', tagKey: 'Environment',
  });
  // IAM, a global service, records in us-east-1 and delivers its events to EventBridge there.
  const regionOf = (call: ApiCall) => (call.service === 'iam' ? 'us-east-1' : region);

  it('alerts on every move against the recording path, allowed or denied, by anyone but the pipeline; IAM\'s from us-east-1', () => {
    for (const [rule, calls] of Object.entries(recordingPath())) {
      for (const call of calls) {
        for (const caller of [administrator, iamUser(account, 'mallory'), rootUser(account), otherAccount('999999999999')]) {
          for (const denied of [false, true]) {
            const event = cloudTrailEvent(call, caller, { account, region: regionOf(call), denied });
            expect({ call: call.eventName, caller: caller.type, denied, firing: firing(event) }).toEqual({ call: call.eventName, caller: caller.type, denied, firing: [rule] });
          }
        }
        expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, pipeline, { account, region: regionOf(call) })) }).toEqual({ call: call.eventName, firing: [] });
      }
    }
  });

  it('stays quiet for other roles, other tags and other service settings', () => {
    const other = recordingPathCalls({ instanceRole: 'app-role', dhmRole: 'batch-role', instanceProfile: 'app-profile', instanceId: 'i-0fedcba9876543210', tagKey: 'CostCenter' });
    const quiet = [...other['recording-roles'], ...other['recording-path'].filter((c) => ['CreateTags', 'DeleteTags'].includes(c.eventName)),
      { service: 'ssm' as const, eventName: 'UpdateServiceSetting', requestParameters: { settingId: '/ssm/parameter-store/high-throughput-enabled', settingValue: 'true' } }];
    for (const call of quiet) expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, { account, region: regionOf(call) })) }).toEqual({ call: call.eventName, firing: [] });
  });

  it('forwards IAM\'s events from us-east-1 to the alerts\' default event bus, with a role only that rule may use for that bus', async () => {
    const forward = plan.one('aws_cloudwatch_event_rule', (v) => v.description.startsWith('Forwards IAM events'));
    const pattern = JSON.parse(forward.values.event_pattern);
    for (const call of recordingPath()['recording-roles']) expect({ call: call.eventName, forwarded: matches(pattern, cloudTrailEvent(call, administrator, { account, region: 'us-east-1' })) }).toEqual({ call: call.eventName, forwarded: true });
    const bus = `arn:aws:events:${region}:${account}:event-bus/default`;
    expect(plan.one('aws_cloudwatch_event_target', (v) => v.target_id === 'alerts-region').values.arn).toBe(bus);
    const forwarder = `ssm-session-kit-${env}-alert-forwarder`;
    const role = plan.one('aws_iam_role', (v) => v.name === forwarder);
    const trust = JSON.parse(role.values.assume_role_policy);
    const asEventBridge = (sourceArn: string) => decide({
      principal: 'events.amazonaws.com', action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/${forwarder}`, resourceAccount: account, identityPolicies: [], resourcePolicy: trust,
      context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn },
    });
    expect(await asEventBridge(`arn:aws:events:us-east-1:${account}:rule/ssm-session-kit-${env}-alert-recording-roles`)).toBe('Allowed');
    expect(await asEventBridge(`arn:aws:events:us-east-1:${account}:rule/someone-elses`)).not.toBe('Allowed');
    const put = (resource: string) => decide({
      principal: `arn:aws:iam::${account}:role/${forwarder}`, action: 'events:PutEvents', resource, resourceAccount: account,
      identityPolicies: plan.inlinePolicies(forwarder), permissionBoundary: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-permissions-boundary`)),
    });
    expect(await put(bus)).toBe('Allowed');
    expect(await put(`arn:aws:events:${region}:${account}:event-bus/elsewhere`)).not.toBe('Allowed');
  });

  it('alerts on changes to the alert topic\'s key as to the session key', () => {
    for (const call of watchedCalls({ ...named, keyArn: alertKeyArn, keyAlias: `alias/ssm-session-kit-${env}-alerts` }).key) {
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, at)) }).toEqual({ call: call.eventName, firing: ['key'] });
    }
  });

  it('stays quiet for the pipeline, for other resources and for reads', () => {
    for (const { call } of everyCall()) {
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, pipeline, at)) }).toEqual({ call: call.eventName, firing: [] });
    }
    const elsewhere = watchedCalls({
      document: 'team-runbook', logGroup: '/aws/lambda/orders', logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/orders`,
      bucket: `acme-app-data-${account}`, keyArn: `arn:aws:kms:${region}:${account}:key/00000000-1111-4222-8333-444444444444`, keyAlias: 'alias/app',
      ruleName: 'nightly-report', topicArn: `arn:aws:sns:${region}:${account}:orders`, trailName: 'organization-trail',
    });
    for (const call of Object.values(elsewhere).flat()) {
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, at)) }).toEqual({ call: call.eventName, firing: [] });
    }
    const reads: ApiCall[] = [
      { service: 'ssm', eventName: 'GetDocument', requestParameters: { name: named.document }, readOnly: true },
      { service: 'logs', eventName: 'DescribeLogGroups', requestParameters: { logGroupNamePrefix: named.logGroup }, readOnly: true },
      { service: 's3', eventName: 'GetBucketPolicy', requestParameters: { bucketName: named.bucket, Host: `${named.bucket}.s3.amazonaws.com`, policy: '' }, readOnly: true },
      { service: 'kms', eventName: 'GetKeyPolicy', requestParameters: { keyId: named.keyArn, policyName: 'default' }, resources: [{ ARN: named.keyArn, type: 'AWS::KMS::Key' }], readOnly: true },
      { service: 'events', eventName: 'DescribeRule', requestParameters: { name: named.ruleName }, readOnly: true },
      { service: 'sns', eventName: 'GetTopicAttributes', requestParameters: { topicArn: named.topicArn }, readOnly: true },
      { service: 'cloudtrail', eventName: 'GetTrailStatus', requestParameters: { name: named.trailName }, readOnly: true },
      { service: 's3', eventName: 'PutObject', data: true, requestParameters: { bucketName: named.bucket, key: 'sessions/alice-0a1b2c3d4e5f67890.log' } },
    ];
    for (const call of reads) expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, at)) }).toEqual({ call: call.eventName, firing: [] });
  });

  it('alerts when KMS deletes either key, an event KMS sends without any trail', () => {
    // The "KMS CMK Deletion" event of "Monitor KMS keys with Amazon EventBridge" (AWS KMS Developer Guide).
    const deletion = (keyArn: string) => ({
      version: '0', id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': 'KMS CMK Deletion', source: 'aws.kms', account,
      time: '2026-11-25T10:00:00Z', region, resources: [keyArn], detail: { 'key-id': keyArn.split('/').pop(), 'key-origin': 'AWS_KMS' },
    });
    expect(firing(deletion(named.keyArn))).toEqual(['key-deleted']);
    expect(firing(deletion(alertKeyArn))).toEqual(['key-deleted']);
    expect(firing(deletion(`arn:aws:kms:${region}:${account}:key/00000000-1111-4222-8333-444444444444`))).toEqual([]);
  });

  it('alerts when the break-glass role opens a session, allowed or denied, and not for an ordinary group', () => {
    const target = 'i-0123456789abcdef0';
    for (const denied of [false, true]) {
      expect(firing(cloudTrailEvent(startSession(target), roleSession(account, `ssm-session-kit-${env}-break-glass`, 'bob'), { ...at, denied }))).toEqual(['sessions']);
    }
    const ordinary = [
      roleSession(account, `ssm-session-kit-${env}-operators`, 'carol'),
      identityCenterSession(account, 'Developers', 'dave@example.com', region),
      iamUser(account, 'erin'),
    ];
    for (const caller of ordinary) expect(firing(cloudTrailEvent(startSession(target), caller, at))).toEqual([]);
  });

  describe('delivery', () => {
    const topicPolicy = () => plan.policy(plan.one('aws_sns_topic_policy'));
    const alertKeyPolicy = () => plan.policy(plan.one('aws_kms_key', (v) => v.description === 'Encrypts the Session Manager audit-trail alerts'));
    // EventBridge publishing for a rule, as "Using resource-based policies for Amazon EventBridge" (Amazon
    // SNS permissions) and "AWS global condition context keys" describe the request: the service
    // principal, with the rule as aws:SourceArn and its account as aws:SourceAccount, and
    // aws:PrincipalIsAWSService true.
    const eventBridge = (ruleAccount: string, rule: string, extra: Record<string, string> = {}) => ({
      principal: 'events.amazonaws.com',
      context: {
        'aws:SourceAccount': ruleAccount,
        'aws:SourceArn': `arn:aws:events:${region}:${ruleAccount}:rule/${rule}`,
        'aws:PrincipalIsAWSService': 'true',
        'aws:PrincipalServiceName': 'events.amazonaws.com',
        ...extra,
      },
    });
    const publish = (caller: { principal: string; context: Record<string, string> }, identityPolicies = [] as { name: string; policy: any }[]) => decide({
      principal: caller.principal, action: 'sns:Publish', resource: named.topicArn, resourceAccount: account,
      identityPolicies, resourcePolicy: topicPolicy(), context: caller.context,
    });

    it('lets only the EventBridge rules of this stack publish, over TLS', async () => {
      expect(await publish(eventBridge(account, `ssm-session-kit-${env}-alert-key`))).toBe('Allowed');
      expect(await publish(eventBridge('999999999999', `ssm-session-kit-${env}-alert-key`))).not.toBe('Allowed');
      expect(await publish(eventBridge(account, 'someone-elses-rule'))).not.toBe('Allowed');
      expect(await publish(eventBridge(account, `ssm-session-kit-${env}-alert-key`, { 'aws:SecureTransport': 'false' }))).toBe('ExplicitlyDenied');
      expect(await publish({ principal: 'anonymous', context: {} })).not.toBe('Allowed');
      const outsider = 'arn:aws:iam::999999999999:role/outsider';
      expect(await publish({ principal: outsider, context: { 'aws:PrincipalArn': outsider, 'aws:PrincipalIsAWSService': 'false' } }, [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }])).not.toBe('Allowed');
      // An administrator of the account, whose own policies allow everything, cannot forge an alert.
      const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_${env}`;
      expect(await publish({ principal: admin, context: { 'aws:PrincipalArn': admin, 'aws:PrincipalIsAWSService': 'false' } }, [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }])).toBe('ExplicitlyDenied');
    });

    it("lets EventBridge, and nobody outside the account, use the topic's key", async () => {
      const useKey = (principal: string, action: string, context: Record<string, string> = {}) => decide({
        principal, action, resource: alertKeyArn, resourceAccount: account, identityPolicies: [], resourcePolicy: alertKeyPolicy(), context,
      });
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(await useKey('events.amazonaws.com', action, { 'aws:PrincipalIsAWSService': 'true' })).toBe('Allowed');
        expect(await useKey('arn:aws:iam::999999999999:role/outsider', action)).not.toBe('Allowed');
        expect(await useKey('anonymous', action)).not.toBe('Allowed');
      }
    });

    it('lets the trail, and no other, deliver its log files into the session log bucket with the session key', async () => {
      // CloudTrail delivering for a trail, as "Amazon S3 bucket policy for CloudTrail" and "Configure AWS
      // KMS key policies for CloudTrail" describe the request: the service principal, the trail as
      // aws:SourceArn, the bucket-owner-full-control ACL, the trail in the key's encryption context.
      const trailArn = (name: string) => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
      const bucketArn = `arn:aws:s3:::${named.bucket}`;
      const deliver = (trail: string, object: string) => decide({
        principal: 'cloudtrail.amazonaws.com', action: 's3:PutObject', resource: `${bucketArn}/${object}`, resourceAccount: account,
        identityPolicies: [], resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')),
        context: { 'aws:SourceArn': trailArn(trail), 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:PrincipalIsAWSService': 'true' },
      });
      const logFile = `cloudtrail/AWSLogs/${account}/CloudTrail/${region}/2026/11/25/${account}_CloudTrail_${region}_20261125T1000Z_a1b2c3d4.json.gz`;
      expect(await deliver(named.trailName, logFile)).toBe('Allowed');
      expect(await deliver('someone-elses-trail', logFile)).not.toBe('Allowed');
      expect(await deliver(named.trailName, 'sessions/alice-0a1b2c3d4e5f67890.log')).not.toBe('Allowed');
      const encrypt = (trail: string) => decide({
        principal: 'cloudtrail.amazonaws.com', action: 'kms:GenerateDataKey', resource: named.keyArn, resourceAccount: account,
        identityPolicies: [], resourcePolicy: plan.policy(plan.sessionKey()),
        context: { 'aws:SourceArn': trailArn(trail), 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn(trail), 'aws:PrincipalIsAWSService': 'true' },
      });
      // The engine drops kms:EncryptionContext keys (see the log group's key test above), so it cannot
      // allow the statement; it shows that no deny reaches the trail and that another trail gets nothing,
      // and the condition is checked as written.
      expect(await encrypt(named.trailName)).not.toBe('ExplicitlyDenied');
      expect(await encrypt('someone-elses-trail')).not.toBe('Allowed');
      const statement = (plan.policy(plan.sessionKey()).Statement as Json[]).find((st) => st.Sid === 'CloudTrailEncryptsLogFiles');
      expect(statement).toEqual({
        Sid: 'CloudTrailEncryptsLogFiles', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceArn': trailArn(named.trailName) },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` },
        },
      });
    });

    it('keeps an administrator (deny policy or SCP) and a bounded role from deleting the topic, the rules, the trail or the key, and lets the pipeline', async () => {
      const adminRole = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_${env}`;
      const pipelineRole = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
      const guardrail = plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-audit-trail-guardrail`));
      const org = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!);
      const scps = org.all('aws_organizations_policy').map((p) => org.policy(p, 'content'));
      const rule = `arn:aws:events:${region}:${account}:rule/ssm-session-kit-${env}-alert-sessions`;
      const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/ssm-session-kit-${env}-trail`;
      const requests: [string, string][] = [
        ['events:DeleteRule', rule], ['events:DisableRule', rule], ['events:RemoveTargets', rule], ['events:PutRule', rule], ['events:PutTargets', rule],
        ['sns:DeleteTopic', named.topicArn], ['sns:SetTopicAttributes', named.topicArn], ['sns:RemovePermission', named.topicArn], ['sns:Unsubscribe', named.topicArn],
        ['sns:SetSubscriptionAttributes', named.topicArn],
        ['cloudtrail:StopLogging', trailArn], ['cloudtrail:DeleteTrail', trailArn], ['cloudtrail:PutEventSelectors', trailArn], ['cloudtrail:PutEventConfiguration', trailArn],
        ['kms:ScheduleKeyDeletion', alertKeyArn], ['kms:DisableKey', alertKeyArn], ['kms:PutKeyPolicy', alertKeyArn],
      ];
      const resourcePolicy = (resource: string) => (resource === named.topicArn ? topicPolicy() : resource === alertKeyArn ? alertKeyPolicy() : undefined);
      const boundary = plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-permissions-boundary`));
      const engineer = `arn:aws:iam::${account}:role/ssm-session-kit-${env}-operators`;
      const request = (principal: string, action: string, resource: string, policies: { identity: any[]; scps?: any[]; boundary?: any }) => decide({
        principal, action, resource, resourceAccount: account,
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...policies.identity],
        resourcePolicy: resourcePolicy(resource), scps: policies.scps, permissionBoundary: policies.boundary,
        // The alert key carries the audit-trail tag ("Controlling access to KMS keys with tags").
        context: { 'aws:PrincipalArn': principal, ...(resource === alertKeyArn ? { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' } : {}) },
      });
      for (const [action, resource] of requests) {
        const decisions = {
          guardrail: await request(adminRole, action, resource, { identity: [{ name: 'guardrail', policy: guardrail }] }),
          scp: await request(adminRole, action, resource, { identity: [], scps }),
          // A role the project created, granted everything, under the boundary.
          boundary: await request(engineer, action, resource, { identity: [], boundary }),
          pipeline: await request(pipelineRole, action, resource, { identity: [] }),
        };
        expect({ action, decisions }).toEqual({ action, decisions: { guardrail: 'ExplicitlyDenied', scp: 'ExplicitlyDenied', boundary: 'ExplicitlyDenied', pipeline: 'Allowed' } });
      }
    });
  });
});
