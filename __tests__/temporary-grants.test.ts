import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { validateConfig } from '../config/validate';
import { endedGrants } from '../config/grants';
import { accessReport } from '../scripts/lib/access-report';
import { createStacks } from '../stacks';
import { decide } from './iam-evaluation';
import { asTerraformWrites } from '../scripts/lib/iam-decide';
import { configProblems, Json, rawConfig, resources, tempDir, writeConfig } from './helpers';
import { cloudTrailEvent, roleSession, startSession } from './support/cloudtrail';
import { matches } from './support/event-pattern';

/** Temporary grants: a principal trusted in a group's created role until a time, and not after. */

const ROOT = path.resolve(__dirname, '..');
const DEV = '111111111111';
// Of an account the group's standing trust (account 000000000000's root) does not reach.
const ALICE = 'arn:aws:iam::555555555555:user/alice';
const UNTIL = '2026-12-04T18:00:00Z';

/** dev's operators group, with a grant for alice. */
function granted(grants: object[] = [{ principalArn: ALICE, until: UNTIL, reason: 'incident INC-1234' }]): any {
  const raw = rawConfig();
  raw.environments.dev.accessGroups.operators.createRole.temporaryGrants = grants;
  return raw;
}

function devStack(raw: any): Json {
  const stack = createStacks(Testing.app(), validateConfig(raw)).all.find((s) => s.node.id === 'dev')!;
  return JSON.parse(Testing.synth(stack, true));
}

describe('a temporary grant in the config', () => {
  it('is accepted for an IAM user, until a time in UTC, with a reason', () => {
    const group = validateConfig(granted()).environments.find((e) => e.name === 'dev')!.accessGroups.find((g) => g.name === 'operators')!;
    expect(group.createRole!.temporaryGrants).toEqual([{ principalArn: ALICE, until: UNTIL, reason: 'incident INC-1234' }]);
  });

  it.each([
    [{ principalArn: ALICE, until: '2026-12-04 18:00', reason: 'incident' }, 'temporaryGrants[0].until', /must be a time in UTC/],
    [{ principalArn: ALICE, until: '2026-02-30T18:00:00Z', reason: 'incident' }, 'temporaryGrants[0].until', /must be a time in UTC/],
    [{ principalArn: 'arn:aws:iam::000000000000:root', until: UNTIL, reason: 'incident' }, 'temporaryGrants[0].principalArn', /one principal, not an account/],
    [{ principalArn: ALICE, until: UNTIL, reason: '' }, 'temporaryGrants[0].reason', /must say why/],
    [{ principalArn: 'arn:aws:iam::000000000000:role/ops', until: UNTIL, reason: 'incident' }, 'temporaryGrants[0].principalArn', /is a role, which has no aws:username/],
  ])('refuses %j, naming the field', (grant, field, message) => {
    expect(configProblems((raw) => { raw.environments.dev.accessGroups.operators.createRole.temporaryGrants = [grant]; }))
      .toMatch(new RegExp(`environment "dev", field "accessGroups\\.operators\\.createRole\\.${field.replace(/[.[\]]/g, '\\$&')}": .*${message.source}`));
  });

  it('refuses a principal granted twice, or one that already has standing trust', () => {
    const twice = granted([{ principalArn: ALICE, until: UNTIL, reason: 'a' + 'bc' }, { principalArn: ALICE, until: '2026-12-05T18:00:00Z', reason: 'later one' }]);
    expect(() => validateConfig(twice)).toThrow(/temporaryGrants\.1\.principalArn|temporaryGrants\[1\]\.principalArn.*granted twice/);
    const standing = granted([{ principalArn: 'arn:aws:iam::000000000000:user/bob', until: UNTIL, reason: 'why not' }]);
    expect(() => validateConfig(standing)).toThrow(/temporaryGrants\[0\]\.principalArn": is already trusted by trustedArns \(account 000000000000's root trusts each of its principals\)/);
  });
});

describe("a temporary grant in the role's trust, decided by the IAM engine", () => {
  const role = `arn:aws:iam::${DEV}:role/ssm-session-kit-dev-operators`;
  // As Terraform writes it: `$${` is how the synthesized JSON keeps IAM's policy variables from Terraform.
  const trust = () => asTerraformWrites(JSON.parse(resources(devStack(granted()), 'aws_iam_role').find((r) => r.name === 'ssm-session-kit-dev-operators')!.assume_role_policy));
  // AssumeRole by an IAM user with MFA ("AWS STS condition keys", "AWS global condition context keys"):
  // aws:CurrentTime the request's time, sts:RoleSessionName the name asked for, aws:username the user's.
  const assume = (principal: string, at: string, sessionName = principal.split('/').pop()!) => decide({
    // Across accounts, the caller's own account allows it too (its administrators grant alice the call).
    principal, action: 'sts:AssumeRole', resource: role, resourceAccount: DEV, resourcePolicy: trust(),
    identityPolicies: [{ name: 'may-assume', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role }] } }],
    context: {
      'aws:CurrentTime': at, 'sts:RoleSessionName': sessionName, 'aws:username': principal.split('/').pop()!, 'aws:PrincipalArn': principal,
      'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '60',
    },
  });

  it('lets the grantee in before the time, and not at or after it; nobody else', async () => {
    expect(await assume(ALICE, '2026-12-04T17:59:00Z')).toBe('Allowed');
    expect(await assume(ALICE, '2026-12-04T18:00:00Z')).not.toBe('Allowed');
    expect(await assume(ALICE, '2026-12-05T09:00:00Z')).not.toBe('Allowed');
    expect(await assume('arn:aws:iam::555555555555:user/mallory', '2026-12-04T17:00:00Z')).not.toBe('Allowed');
    // Named after the grantee, so that nobody resumes another's session.
    expect(await assume(ALICE, '2026-12-04T17:00:00Z', 'bob')).not.toBe('Allowed');
  });

  it("alerts on the grantee's every session, not on another's of the same role", () => {
    const stack = devStack(granted());
    const pattern = JSON.parse(resources(stack, 'aws_cloudwatch_event_rule').find((r) => String(r.name).endsWith('-alert-sessions'))!.event_pattern);
    const at = { account: DEV, region: 'eu-west-1' };
    expect(matches(pattern, cloudTrailEvent(startSession('i-0123456789abcdef0'), roleSession(DEV, 'ssm-session-kit-dev-operators', 'alice'), at))).toBe(true);
    expect(matches(pattern, cloudTrailEvent(startSession('i-0123456789abcdef0'), roleSession(DEV, 'ssm-session-kit-dev-operators', 'bob'), at))).toBe(false);
  });
});

describe('the access report', () => {
  it('shows each temporary grant, its end and its reason, beside the standing access', () => {
    const report = accessReport(validateConfig(granted()));
    expect(report).toContain(`temporary access (ends by itself; npm run -s grant adds, --prune removes)\n  operators: ${ALICE} until ${UNTIL} (incident INC-1234), in ssm-session-kit-dev-operators; every session alerts`);
  });
});

describe('npm run grant', () => {
  const grant = (file: string, args: string[]) => spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/grant.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, SSK_CONFIG: file },
  });

  it('writes a grant for the given time into the config, which then validates; --prune removes it once ended', () => {
    const file = writeConfig(rawConfig());
    const before = Date.now();
    const run = grant(file, ['dev', 'operators', ALICE, '--for', '4h', '--reason', 'incident INC-1234']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const written = JSON.parse(fs.readFileSync(file, 'utf8')).environments.dev.accessGroups.operators.createRole.temporaryGrants;
    expect(written).toEqual([{ principalArn: ALICE, until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/), reason: 'incident INC-1234' }]);
    const until = Date.parse(written[0].until);
    expect(until - before).toBeGreaterThanOrEqual(4 * 3_600_000 - 1000);
    expect(until - Date.now()).toBeLessThanOrEqual(4 * 3_600_000);
    expect(run.stdout).toMatch(/^granted arn:aws:iam::555555555555:user\/alice environment "dev" group "operators" until .*review and deploy it through the pipeline\n$/);
    // Nothing has ended yet: --prune keeps it.
    expect(grant(file, ['--prune']).stdout).toMatch(/^removed 0 ended grants/);
    const ended = JSON.parse(fs.readFileSync(file, 'utf8'));
    ended.environments.dev.accessGroups.operators.createRole.temporaryGrants[0].until = '2020-01-01T00:00:00Z';
    fs.writeFileSync(file, JSON.stringify(ended, null, 2));
    expect(grant(file, ['--prune']).stdout).toMatch(/^removed 1 ended grant in/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).environments.dev.accessGroups.operators.createRole.temporaryGrants).toEqual([]);
  });

  it.each([
    [['dev', 'developer', ALICE, '--for', '4h', '--reason', 'x y z'], /environment "dev" has no access group "developer"/],
    [['dev', 'operators', ALICE, '--for', '40d', '--reason', 'x y z'], /longer than 30 days/],
    [['dev', 'operators', ALICE, '--for', 'soon', '--reason', 'x y z'], /--for takes a duration/],
    [['dev', 'operators', ALICE, '--for', '4h'], /--reason says why/],
  ])('refuses %j with its usage, writing nothing', (args, reason) => {
    const file = writeConfig(rawConfig());
    const before = fs.readFileSync(file, 'utf8');
    const run = grant(file, args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('touches no config the synth already refuses', () => {
    const file = writeConfig('');
    fs.writeFileSync(file, '{ "environments": ');
    const run = grant(file, ['dev', 'operators', ALICE, '--for', '4h', '--reason', 'x y z']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is not valid JSON[\s\S]*nothing written: fix the config first/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "environments": ');
  });

  it('writes nothing the synth would refuse: a principal that is not an IAM user or role', () => {
    const file = writeConfig(rawConfig());
    const before = fs.readFileSync(file, 'utf8');
    const run = grant(file, ['dev', 'operators', 'arn:aws:iam::000000000000:root', '--for', '4h', '--reason', 'x y z']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/one principal, not an account[\s\S]*nothing written/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('the synth, on an ended grant', () => {
  it('warns, naming environment, field and the way to remove it', () => {
    const config = validateConfig(granted([{ principalArn: ALICE, until: '2020-01-01T00:00:00Z', reason: 'an old incident' }]));
    expect(endedGrants(config, new Date('2026-12-03T00:00:00Z'))).toEqual([expect.objectContaining({ environment: 'dev', group: 'operators', index: 0, principalArn: ALICE })]);
    const outdir = path.join(tempDir('grant-synth'), 'out');
    const run = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'main.ts'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, SSK_CONFIG: writeConfig(granted([{ principalArn: ALICE, until: '2020-01-01T00:00:00Z', reason: 'an old incident' }])), CDKTF_OUTDIR: outdir },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^warning: environment "dev", field "accessGroups\.operators\.createRole\.temporaryGrants\[0\]": arn:aws:iam::555555555555:user\/alice's grant ended 2020-01-01T00:00:00Z; npm run -s grant -- --prune removes it$/m);
  });
});
