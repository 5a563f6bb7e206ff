import type { PolicyJson } from '../scripts/lib/iam-decide';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { askingToAssume, type Caller, iamUserSessionToken, roleSessionWithSourceIdentity } from './support/callers';
import { resolvedShipped } from './support/shipped-plans';
import { configProblems } from './helpers';

/**
 * Sign-offs, decided by the IAM engine on dev's resolved plan (the shipped config names dev's
 * reviewers): the reviewers' role, its policy and the session log bucket's policy. Condition keys as
 * AWS documents them: `s3:if-none-match` on PutObject ("Enforce conditional writes on Amazon S3
 * buckets"), `aws:SourceIdentity` in every request of a session that carries one, `sts:SourceIdentity`
 * and `sts:RoleSessionName` on AssumeRole (support/callers.ts).
 */
jest.setTimeout(10 * 60_000);
const DEV = '111111111111';
const IDENTITY_ACCOUNT = '000000000000';
const BUCKET = 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111';
const REVIEWERS = `arn:aws:iam::${DEV}:role/ssm-session-kit-dev-reviewers`;

let plan: ResolvedPlan;
let scps: PolicyJson[];
beforeAll(async () => {
  ({ plan, scps } = await resolvedShipped('dev'));
});

/** Carol, a reviewer, in the reviewers' role: named after herself, as its trust makes her. */
const carol = roleSessionWithSourceIdentity(DEV, 'ssm-session-kit-dev-reviewers', 'carol', 'carol');
const signOff = (session: string, reviewer = 'carol') => `${BUCKET}/reviews/${session}/${reviewer}/2026-12-03T10:00:00.000Z.json`;
const NEW_OBJECT = { 's3:if-none-match': '*' };

function asReviewer(caller: Caller, action: string, resource: string, context: Record<string, string> = {}) {
  return decide({
    principal: caller.principal, action, resource, resourceAccount: DEV,
    identityPolicies: [{ name: 'reviewers', policy: plan.managedPolicy('ssm-session-kit-dev-reviewers') }],
    resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')),
    context: { 'aws:PrincipalArn': REVIEWERS, 'aws:PrincipalAccount': DEV, ...caller.context, ...context },
  });
}

describe("a reviewer's sign-offs, on dev's resolved policies", () => {
  it('writes a new sign-off of someone else\'s session', async () => {
    expect(await asReviewer(carol, 's3:PutObject', signOff('alice-0a1b2c3d4e5f67890'), NEW_OBJECT)).toBe('Allowed');
  });

  it('never writes over one: a write without If-None-Match is refused', async () => {
    expect(await asReviewer(carol, 's3:PutObject', signOff('alice-0a1b2c3d4e5f67890'))).toBe('ExplicitlyDenied');
  });

  it('deletes, re-retains or unlocks no sign-off', async () => {
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention']) {
      expect({ action, decision: await asReviewer(carol, action, signOff('alice-0a1b2c3d4e5f67890')) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('signs only under her own name: a sign-off in another reviewer\'s name is refused', async () => {
    expect(await asReviewer(carol, 's3:PutObject', signOff('alice-0a1b2c3d4e5f67890', 'dave'), NEW_OBJECT)).toBe('ExplicitlyDenied');
    // IAM's `*` spans slashes: a key one folder deeper would carry both names, and is refused.
    expect(await asReviewer(carol, 's3:PutObject', `${BUCKET}/reviews/alice-0a1b2c3d4e5f67890/dave/carol/2026-12-03T10:00:00.000Z.json`, NEW_OBJECT)).toBe('ExplicitlyDenied');
    expect(await asReviewer(carol, 's3:PutObject', `${BUCKET}/reviews/alice-0a1b2c3d4e5f67890/2026-12-03T10:00:00.000Z.json`, NEW_OBJECT)).toBe('ExplicitlyDenied');
  });

  it('signs off no session of her own, and nothing without her name on the session', async () => {
    expect(await asReviewer(carol, 's3:PutObject', signOff('carol-0a1b2c3d4e5f67890'), NEW_OBJECT)).toBe('ExplicitlyDenied');
    const nameless = { ...carol, context: Object.fromEntries(Object.entries(carol.context).filter(([k]) => k !== 'aws:SourceIdentity')) };
    expect(await asReviewer(nameless, 's3:PutObject', signOff('alice-0a1b2c3d4e5f67890'), NEW_OBJECT)).toBe('ExplicitlyDenied');
  });

  it("signs off the session of another whose name hers begins: bob-smith's, by bob", async () => {
    const bob = roleSessionWithSourceIdentity(DEV, 'ssm-session-kit-dev-reviewers', 'bob', 'bob');
    expect(await asReviewer(bob, 's3:PutObject', signOff('bob-smith-0a1b2c3d4e5f67890', 'bob'), NEW_OBJECT)).toBe('Allowed');
    expect(await asReviewer(bob, 's3:PutObject', signOff('bob-0a1b2c3d4e5f67890', 'bob'), NEW_OBJECT)).toBe('ExplicitlyDenied');
  });

  it('reads transcripts and writes none', async () => {
    expect(await asReviewer(carol, 's3:GetObjectVersion', `${BUCKET}/sessions/alice-0a1b2c3d4e5f67890.log`)).toBe('Allowed');
    // Refused twice over: her policy grants it not, and the bucket holds the reviewers to their own sign-offs.
    expect(await asReviewer(carol, 's3:PutObject', `${BUCKET}/sessions/alice-0a1b2c3d4e5f67890.log`, NEW_OBJECT)).toBe('ExplicitlyDenied');
  });
});

describe('who becomes a reviewer, on the resolved policies', () => {
  const assume = (caller: Caller, action = 'sts:AssumeRole') => {
    const role = plan.one('aws_iam_role', (v) => v.name === 'ssm-session-kit-dev-reviewers');
    return decide({
      principal: caller.principal, action, resource: role.values.arn, resourceAccount: DEV,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
      resourcePolicy: plan.policy(role, 'assume_role_policy'), context: caller.context,
    });
  };

  it('a trusted user, with MFA, as herself only: session and source identity her user name', async () => {
    const user = iamUserSessionToken(IDENTITY_ACCOUNT, 'carol', true);
    expect(await assume(askingToAssume(user, 'carol', 'carol'))).toBe('Allowed');
    expect(await assume(askingToAssume(user, 'carol', 'carol'), 'sts:SetSourceIdentity')).toBe('Allowed');
    expect(await assume(askingToAssume(user, 'carol', 'dave'), 'sts:SetSourceIdentity')).toBe('ImplicitlyDenied');
    expect(await assume(askingToAssume(user, 'dave', 'carol'))).toBe('ImplicitlyDenied');
    expect(await assume(askingToAssume(user, 'carol'))).toBe('ImplicitlyDenied');
    expect(await assume(askingToAssume(iamUserSessionToken(IDENTITY_ACCOUNT, 'carol', false), 'carol', 'carol'))).toBe('ImplicitlyDenied');
  });

  it('nobody else writes a sign-off: an administrator, an engineer', async () => {
    const admin = `arn:aws:iam::${DEV}:role/AWSReservedSSO_Administrators_dev`;
    for (const principal of [admin, `arn:aws:iam::${DEV}:role/ssm-session-kit-dev-operators`]) {
      const decision = await decide({
        principal, action: 's3:PutObject', resource: signOff('alice-0a1b2c3d4e5f67890'), resourceAccount: DEV,
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
        resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')),
        context: { 'aws:PrincipalArn': principal, 'aws:SourceIdentity': 'mallory', ...NEW_OBJECT },
      });
      expect({ principal, decision }).toEqual({ principal, decision: 'ExplicitlyDenied' });
    }
  });

  it("no replication rule of another bucket writes, overwrites or hides a sign-off or a transcript", async () => {
    // ("Setting up permissions for live replication") The source bucket's role writes here with these.
    const replicator = `arn:aws:iam::${DEV}:role/my-replication`;
    for (const [action, key] of [['s3:ReplicateObject', 'reviews/alice-0a1b2c3d4e5f67890/mallory/x.json'], ['s3:ReplicateDelete', 'reviews/alice-0a1b2c3d4e5f67890/carol/x.json'],
      ['s3:ReplicateObject', 'sessions/alice-0a1b2c3d4e5f67890.log'], ['s3:ObjectOwnerOverrideToBucketOwner', 'sessions/alice-0a1b2c3d4e5f67890.log']]) {
      const decision = await decide({
        principal: replicator, action, resource: `${BUCKET}/${key}`, resourceAccount: DEV,
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
        resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')), context: { 'aws:PrincipalArn': replicator },
      });
      expect({ action, key, decision }).toEqual({ action, key, decision: 'ExplicitlyDenied' });
    }
  });

  it("no administrator re-trusts the reviewers' role or gives it more, in every delivery", async () => {
    const admin = `arn:aws:iam::${DEV}:role/AWSReservedSSO_Administrators_dev`;
    const denies = ['audit-trail', 'recording-path', 'instances'].map((p) => ({ name: p, policy: plan.managedPolicy(`ssm-session-kit-dev-${p}-guardrail`) }));
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy']) {
      for (const delivery of ['deny policy', 'boundary', 'SCP'] as const) {
        const decision = await decide({
          principal: admin, action, resource: REVIEWERS, resourceAccount: DEV,
          identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...(delivery === 'deny policy' ? denies : [])],
          permissionBoundary: delivery === 'boundary' ? plan.managedPolicy('ssm-session-kit-dev-permissions-boundary') : undefined,
          scps: delivery === 'SCP' ? scps : undefined,
          context: { 'aws:PrincipalArn': admin, 'aws:PrincipalAccount': DEV },
        });
        expect({ action, delivery, decision }).toEqual({ action, delivery, decision: 'ExplicitlyDenied' });
      }
    }
  });
});

describe('reviewers in the config', () => {
  it('refuses an access group whose role or policy would take the reviewers\' name', () => {
    const problems = configProblems((raw) => {
      raw.environments.dev.accessGroups.reviewers = { instances: { team: ['platform'] }, createRole: { trustedArns: ['arn:aws:iam::000000000000:root'] } };
    });
    expect(problems).toMatch(/environment "dev", field "accessGroups.reviewers.createRole.name": "ssm-session-kit-dev-reviewers" is also sessionReview: role names are account 111111111111's/);
    expect(problems).toMatch(/field "accessGroups.reviewers": "ssm-session-kit-dev-reviewers" is also sessionReview/);
  });

  it('wants at least one trusted reviewer', () => {
    expect(configProblems((raw) => { raw.environments.dev.sessionReview = { trustedArns: [] }; }))
      .toMatch(/environment "dev", field "sessionReview.trustedArns": must be a non-empty list/);
  });
});
