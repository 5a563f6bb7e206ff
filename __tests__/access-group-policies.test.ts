import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { instanceTags, reachableInstances } from '../config/access';
import { loadConfig } from '../config/load';
import { forwardDocumentName } from '../stacks/naming';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { connectCommands } from '../scripts/lib/access-report';
import { askingToAssume, assumedRole, Caller, chainedRole, iamUserSessionToken, iamUserWithAccessKeys, identityCenterUser, roleSessionWithSourceIdentity, samlFederatedUser, sessionOf } from './support/callers';

/** The access groups' resolved policies evaluated by the IAM engine: who reaches which instance, with which documents, MFA and session names. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
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
      if (group.justInTime) {
        // Just in time: the member asks; the session starts with the approved request's token, never the member's own credentials.
        for (const connect of connectCommands(env, group)) {
          const instanceArn = `arn:aws:ec2:${env.region}:${env.accountId}:instance/i-0123456789abcdef0`;
          const action = connect.command.startsWith('aws ssm start-access-request') ? 'ssm:StartAccessRequest' : 'ssm:StartSession';
          const decision = await decide({ principal: member.principal, action, resource: instanceArn, resourceAccount: env.accountId, identityPolicies: policy(), context: member.context });
          expect({ command: connect.what, action, decision }).toEqual({ command: connect.what, action, decision: action === 'ssm:StartSession' ? 'ImplicitlyDenied' : 'Allowed' });
        }
        return;
      }
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

// A just-in-time group starts no session of its own: where its requests are approved, Cedar decides
// (just-in-time.test.ts).
describe.each(loadConfig().environments.flatMap((env) => env.accessGroups.filter((g) => !g.justInTime).map((group) => [env.name, group.name, env, group] as const)))(
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
