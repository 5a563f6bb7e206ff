import { Testing } from 'cdktf';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { validateConfig } from '../config/validate';
import { autoApprovalRules, cedarProblems, denyAccessRules } from '../config/sections/just-in-time';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { parse } from 'yaml';
import * as path from 'path';
import { approverStatements, cedarPolicies, JUST_IN_TIME_CEDAR_SCHEMA } from '../modules/just-in-time';
import { createStacks } from '../stacks';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { configProblems, type Json, rawConfig, resources } from './helpers';
import { shippedPlans } from './support/shipped-plans';
import { withIdentityCenter } from './support/identity-center-config';
import type { StackValidation } from '../scripts/lib/offline-validation';

/**
 * Just-in-time access, as the shipped staging config has it: group on-call asks for access to the
 * operators' instances; members of one Identity Center group with the cost center eng-staging are
 * approved at once, everyone else waits for the approvers. Cedar's own engine decides the generated
 * policies against AWS's schema; the IAM engine decides the group's policy and the guardrails.
 */

const STAGING = '222222222222';
const AUTO_GROUP = '90676b2a-40e1-70a4-1f6c-2a2b3c4d5e6f';
const APPROVERS = '90676b2a-40e1-70a4-1f6c-6a7b8c9d0e1f';

const staging = () => validateConfig(rawConfig()).environments.find((e) => e.name === 'staging')!;

// ("Statement structure and built-in operators for auto-approval and deny-access policies") The
// request Systems Manager evaluates: the Identity Center user (in groups, with attributes), the node by
// its tags, the IAM principal's tags in the context; as the Cedar playground's just-in-time sample
// (cedar-policy/cedar-website, seedDataJITNA.ts) writes one.
interface Requester {
  readonly id: string;
  readonly groups?: readonly string[];
  readonly attributes?: Record<string, string>;
  readonly principalTags?: Record<string, string>;
}

function authorize(policies: string, who: Requester, nodeTags: Record<string, string>, hybrid = false): 'allow' | 'deny' {
  const user = { type: 'AWS::IdentityStore::User', id: who.id };
  const node = hybrid ? { type: 'AWS::SSM::ManagedInstance', id: 'mi-0123456789abcdef0' } : { type: 'AWS::EC2::Instance', id: 'i-0123456789abcdef0' };
  const tags = { type: 'AWS::IAM::PrincipalTags', id: 'default' };
  const answer = cedar.isAuthorized({
    principal: user,
    action: { type: 'AWS::SSM::Action', id: 'getTokenForInstanceAccess' },
    resource: node,
    context: { iam: { principalTags: { __entity: tags } } },
    schema: JUST_IN_TIME_CEDAR_SCHEMA,
    validateRequest: true,
    policies: { staticPolicies: policies },
    entities: [
      { uid: user, attrs: { ...who.attributes }, parents: (who.groups ?? []).map((id) => ({ type: 'AWS::IdentityStore::Group', id })) },
      ...(who.groups ?? []).map((id) => ({ uid: { type: 'AWS::IdentityStore::Group', id }, attrs: {}, parents: [] })),
      { uid: node, attrs: {}, parents: [], tags: nodeTags },
      { uid: tags, attrs: {}, parents: [], tags: { ...who.principalTags } },
    ],
  });
  if (answer.type === 'failure') throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.response.decision;
}

const OPERATORS_NODE = { Environment: 'staging', AccessGroup: 'operators', Team: 'data' };
const alice: Requester = { id: 'alice', groups: [AUTO_GROUP], attributes: { costCenter: 'eng-staging' } };

describe('the auto-approval policy generated from the config, decided by Cedar', () => {
  const policies = () => cedarPolicies('permit', autoApprovalRules(staging()));

  it('is valid against AWS\'s schema, with no warning', () => {
    expect(cedarProblems(policies())).toEqual([]);
  });

  it("approves the engineer it lists on the group's instances", () => {
    expect(authorize(policies(), alice, OPERATORS_NODE)).toBe('allow');
  });

  it('approves nobody unlisted: another group, another cost center, no attribute', () => {
    expect(authorize(policies(), { ...alice, groups: [APPROVERS] }, OPERATORS_NODE)).toBe('deny');
    expect(authorize(policies(), { ...alice, attributes: { costCenter: 'eng-prod' } }, OPERATORS_NODE)).toBe('deny');
    expect(authorize(policies(), { ...alice, attributes: {} }, OPERATORS_NODE)).toBe('deny');
  });

  it("approves nothing outside the group's instances: another environment's, another group's, an untagged node", () => {
    expect(authorize(policies(), alice, { ...OPERATORS_NODE, Environment: 'prod' })).toBe('deny');
    expect(authorize(policies(), alice, { ...OPERATORS_NODE, AccessGroup: 'developers' })).toBe('deny');
    expect(authorize(policies(), alice, {})).toBe('deny');
  });

  it("approves the environment's own fleets' instances, and none that another group, an EC2 Fleet or a Spot Fleet launched with the group's tags", () => {
    // The launchers' tags as AWS writes them ("Tag Auto Scaling groups and instances"; the EC2 Fleet and Spot Fleet guides).
    const launched = (tags: Record<string, string>) => authorize(policies(), alice, { ...OPERATORS_NODE, ...tags });
    expect(launched({ 'aws:autoscaling:groupName': 'ssm-session-kit-staging-workers', 'aws:ec2:fleet-id': 'fleet-0a1b2c3d-0000-4000-8000-0123456789ab' })).toBe('allow');
    expect(launched({ 'aws:autoscaling:groupName': 'payments-workers' })).toBe('deny');
    expect(launched({ 'aws:ec2:fleet-id': 'fleet-0a1b2c3d-0000-4000-8000-0123456789ab' })).toBe('deny');
    expect(launched({ 'aws:ec2spot:fleet-request-id': 'sfr-0a1b2c3d-0000-4000-8000-0123456789ab' })).toBe('deny');
  });

  it("approves no hybrid node, whose tags whoever made its activation chose, even with the group's tags", () => {
    expect(authorize(policies(), alice, OPERATORS_NODE, true)).toBe('deny');
  });

  it('gives way to a deny-access rule (forbid wins over permit)', () => {
    const forbid = cedarPolicies('forbid', [{ description: 'no data nodes without a person', nodeTags: { Team: ['data'] } }]);
    expect(cedarProblems(forbid)).toEqual([]);
    expect(authorize(`${policies()}\n${forbid}`, alice, OPERATORS_NODE)).toBe('deny');
    expect(authorize(`${policies()}\n${forbid}`, alice, { ...OPERATORS_NODE, Team: 'platform' })).toBe('allow');
  });

  it("lets the organization's deny-access policy, as the shipped config writes it, send production data nodes to an approver", () => {
    const deny = cedarPolicies('forbid', denyAccessRules(validateConfig(rawConfig()).organization!.justInTime!));
    expect(cedarProblems(deny)).toEqual([]);
    const permitAll = cedarPolicies('permit', [{ description: 'anyone anywhere', nodeTags: {} }]);
    expect(authorize(`${permitAll}\n${deny}`, alice, { Environment: 'prod', Team: 'data' })).toBe('deny');
    expect(authorize(`${permitAll}\n${deny}`, alice, { Environment: 'prod', Team: 'platform' })).toBe('allow');
    expect(authorize(`${permitAll}\n${deny}`, alice, { Environment: 'staging', Team: 'data' })).toBe('allow');
  });

  it('matches IAM principal tags for requesters who are not Identity Center users', () => {
    const byTag = cedarPolicies('permit', [{ description: 'on call by tag', principalTags: { OnCall: 'true' }, nodeTags: { Environment: ['staging'] } }]);
    expect(cedarProblems(byTag)).toEqual([]);
    expect(authorize(byTag, { id: 'bob', principalTags: { OnCall: 'true' } }, OPERATORS_NODE)).toBe('allow');
    expect(authorize(byTag, { id: 'bob', principalTags: { OnCall: 'false' } }, OPERATORS_NODE)).toBe('deny');
  });
});

describe("Cedar's answer, remembered", () => {
  /** cedarProblems in a process of its own: its answer, and whether it loaded the engine. */
  const inFreshProcess = (policies: string) => {
    const script = `const { cedarProblems } = require('./config/sections/just-in-time');
const problems = cedarProblems(${JSON.stringify(policies)});
console.log(JSON.stringify({ problems, loaded: Object.keys(require.cache).some((f) => f.includes('cedar-wasm')) }));`;
    const run = spawnSync(process.execPath, ['--require', './scripts/transpile-hook.cjs', '-e', script], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' });
    return JSON.parse(run.stdout) as { problems: string[]; loaded: boolean };
  };

  it('is the engine\'s own, kept for the same policies: a synth again loads no WebAssembly, and a problem stays a problem', () => {
    // Policies no run has seen before, so the first answer is the engine's.
    const unique = `// run ${process.pid} ${Date.now()}\n`;
    const good = unique + cedarPolicies('permit', [{ description: 'on call by tag', principalTags: { OnCall: 'true' }, nodeTags: { Environment: ['staging'] } }]);
    const bad = `${unique}permit (principal, action, resource) when { principal.costCentre == "eng" };`;
    for (const policies of [good, bad]) {
      const first = inFreshProcess(policies);
      const again = inFreshProcess(policies);
      expect(first.loaded).toBe(true);
      expect(again).toEqual({ problems: first.problems, loaded: false });
      expect(again.problems).toEqual(cedarProblems(policies));
    }
    expect(inFreshProcess(good).problems).toEqual([]);
    expect(inFreshProcess(bad).problems).toEqual([expect.stringMatching(/costCentre/)]);
  });

  it('is never carried into the pipeline from another run: no workflow restores node_modules', () => {
    const dir = path.resolve(__dirname, '..', '.github', 'workflows');
    const cached = fs.readdirSync(dir).flatMap((file) => {
      const steps = Object.values<any>(parse(fs.readFileSync(path.join(dir, file), 'utf8')).jobs).flatMap((job) => job.steps ?? []);
      return steps.filter((step) => String(step.uses ?? '').startsWith('actions/cache')).map((step) => `${file}: ${step.with.path}`);
    });
    expect(cached).toEqual(['terraform-stacks.yml: ${{ env.TF_PLUGIN_CACHE_DIR }}']);
  });
});

describe('the config of a just-in-time group', () => {
  const onCall = (mutate: (g: any, raw: any) => void) => configProblems((raw) => mutate(raw.environments.staging.accessGroups['on-call'], raw));
  const field = (f: string) => `environment "staging", field "accessGroups.on-call.${f}"`;

  it('stops the synth on a misspelled attribute, which Cedar would only warn makes the policy impossible', () => {
    const problems = onCall((g) => { g.justInTime.autoApprove[0].userAttributes = { costCentre: 'eng-staging' }; });
    expect(problems).toMatch(/field "accessGroups": auto-approval policy: staging on-call: requester 1 \(accessGroups\.on-call\.justInTime\.autoApprove\[0\]\): .*impossible/);
  });

  it.each([
    ['standing access for its principals in another group', (g: any, raw: any) => { raw.environments.staging.accessGroups.developers.roleNames.push(...g.roleNames); }, 'justInTime', /role awsreservedsso_oncall_staging, to whom group developers also gives standing ssm:StartSession/],
    ['hours out of range', (g: any) => { g.justInTime.manualApproval.hours = 337; }, 'justInTime.manualApproval.hours', /from 1 to 336/],
    ['a fraction of an hour', (g: any) => { g.justInTime.manualApproval.hours = 1.5; }, 'justInTime.manualApproval.hours', /whole number of hours/],
    ['six levels', (g: any) => { g.justInTime.manualApproval.levels = Array(6).fill([{ iamRoleName: 'leads' }]); }, 'justInTime.manualApproval.levels', /up to 5/],
    ['port forwarding', (g: any) => { g.portForwarding = [{ port: 8080 }]; }, 'portForwarding', /starts shell sessions only/],
    ['another session document', (g: any) => { g.documents = ['AWS-StartSSHSession']; g.unrecordedSsh = 'legacy'; }, 'documents', /starts shell sessions only/],
    ['MFA by IAM, which the request calls ignore', (g: any) => { g.mfa = 'iam'; g.roleNames = ['on-call']; }, 'mfa', /ignore aws:MultiFactorAuthPresent/],
    ['an approver who is a requester', (g: any) => { g.justInTime.manualApproval.levels = [[{ identityCenterGroupId: AUTO_GROUP }]]; }, 'justInTime.manualApproval.levels[0][0]', /nobody approves their own request/],
    ['an approver naming both kinds', (g: any) => { g.justInTime.manualApproval.levels = [[{ identityCenterGroupId: APPROVERS, iamRoleName: 'leads' }]]; }, 'justInTime.manualApproval.levels[0][0]', /must name one of/],
    ['nobody approved', (g: any) => { g.justInTime = {}; }, 'justInTime', /approves nobody/],
    ['a standing role that trusts the group\'s role', (_g: any, raw: any) => {
      const operators = raw.environments.staging.accessGroups.operators;
      Object.assign(operators, { mfa: 'identity-provider' });
      Object.assign(operators.createRole, { sessionName: 'source-identity', trustedArns: ['arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_OnCall_staging'] });
    }, 'justInTime', /trusted by group operators's created role/],
    ['its role in another case in a standing group', (_g: any, raw: any) => { raw.environments.staging.accessGroups.developers.roleNames.push('awsreservedsso_oncall_STAGING'); }, 'justInTime', /group developers also gives standing/],
    ['a requester named by attributes alone', (g: any) => { g.justInTime.autoApprove[0].identityCenterGroupIds = []; }, 'justInTime.autoApprove[0]', /names no identityCenterGroupIds or principalTags/],
    ['session alerts by role, which a token session never carries', (g: any) => { g.alertOnSessions = true; }, 'alertOnSessions', /token role/],
  ])('refuses %s, naming the field', (_what, mutate, at, message) => {
    const problems = onCall(mutate);
    expect(problems).toContain(field(at));
    expect(problems).toMatch(message);
  });

  it('refuses Identity Center groups as approvers without identityCenter, whose stack makes their permission set', () => {
    const problems = onCall((g) => { g.justInTime.manualApproval.levels = [[{ identityCenterGroupId: APPROVERS }]]; });
    expect(problems).toContain(field('justInTime.manualApproval'));
    expect(problems).toMatch(/configure identityCenter, or name IAM roles/);
  });

  it("gives Identity Center approver groups a permission set <env>-approvers with the approvers' policy, assigned in the environment's account", () => {
    const raw = withIdentityCenter(rawConfig());
    raw.environments.staging.accessGroups['on-call'].justInTime.manualApproval.levels = [[{ identityCenterGroupId: APPROVERS }]];
    const app = createStacks(Testing.app(), validateConfig(raw)).all.find((s) => s.node.id === 'identity-center')!;
    const json = JSON.parse(Testing.synth(app, true));
    const set = resources(json, 'aws_ssoadmin_permission_set').find((s) => s.name === 'staging-approvers')!;
    expect(set).toBeDefined();
    const inline = resources(json, 'aws_ssoadmin_permission_set_inline_policy').find((p) => String(p.permission_set_arn).includes('staging-approvers'))!;
    expect(JSON.parse(inline.inline_policy).Statement.map((s: any) => s.Sid)).toContain('ApproveOrRejectRequests');
    const assignments = resources(json, 'aws_ssoadmin_account_assignment').filter((a) => String(a.permission_set_arn).includes('staging-approvers'));
    expect(assignments.map((a) => a.target_id)).toEqual([STAGING]);
  });

  it("refuses two manual approval policies reaching one instance, which Systems Manager would fail every request to", () => {
    const problems = configProblems((raw) => {
      const groups = raw.environments.staging.accessGroups;
      groups['db-on-call'] = { ...structuredClone(groups['on-call']), roleNames: ['AWSReservedSSO_DbOnCall_staging'], justInTime: { manualApproval: { hours: 2, levels: [[{ iamRoleName: 'platform-leads' }]] } } };
    });
    expect(problems).toMatch(/field "instances\.staging-db-admin": is reached by the manual approval policies of on-call and db-on-call/);
  });

  it('refuses a second auto-approval policy in one account and Region', () => {
    const problems = configProblems((raw) => {
      const copy = structuredClone(raw.environments.staging);
      copy.sessionLogging.bucketName = 'acme-ssm-sessions-staging2-222222222222';
      raw.environments.staging2 = copy;
    });
    expect(problems).toMatch(/environment "staging2", field "accessGroups\.on-call\.justInTime\.autoApprove": "SSM-JustInTimeAccessAutoApprovalPolicy" is also environment "staging"'s .*one auto-approval policy \(account 222222222222, eu-west-1\)/);
  });
});

describe("staging's stack", () => {
  let stack: Json;
  beforeAll(() => {
    const app = createStacks(Testing.app(), validateConfig(rawConfig())).all.find((s) => s.node.id === 'staging')!;
    stack = JSON.parse(Testing.synth(app, true));
  });

  it('deploys the approval policies as documents in a CloudFormation stack, the Cedar as generated', () => {
    const [cfn] = resources(stack, 'aws_cloudformation_stack');
    const template = JSON.parse(cfn.template_body);
    const documents = Object.values<any>(template.Resources).map((r) => [r.Type, r.Properties.Name, r.Properties.DocumentType]);
    expect(documents).toEqual([
      ['AWS::SSM::Document', 'SSM-JustInTimeAccessAutoApprovalPolicy', 'AutoApprovalPolicy'],
      ['AWS::SSM::Document', 'ssm-session-kit-staging-on-call-approval', 'ManualApprovalPolicy'],
    ]);
    expect(template.Resources.AutoApprovalPolicy.Properties.Content.AutoApprovalPolicyDocuments[0].content).toBe(cedarPolicies('permit', autoApprovalRules(staging())));
    const manual = template.Resources.ManualApprovalPolicy1.Properties.Content;
    expect(manual).toMatchObject({ accessDuration: 8 * 3600, targets: [{ Key: 'tag:JustInTimeApproval', Values: ['ssm-session-kit-staging-on-call-approval'] }] });
    expect(manual.mainSteps.map((s: any) => s.inputs.EnhancedApprovals.Approvers)).toEqual([[{ approver: 'platform-leads', type: 'IamRole' }]]);
  });

  it("gives the approver role the approvers' policy, and nothing else", () => {
    const [policy] = resources(stack, 'aws_iam_policy').filter((p) => p.name === 'ssm-session-kit-staging-approvers');
    expect(JSON.parse(policy.policy).Statement.map((s: any) => s.Sid)).toEqual(['SeeRequests', 'ReadRequests', 'ApproveOrRejectRequests', 'ReadApprovalPolicies']);
    expect(resources(stack, 'aws_iam_role_policy_attachment').filter((a) => a.policy_arn.includes('approver')).map((a) => a.role)).toEqual(['platform-leads']);
  });

  it('tags the instances the manual policy targets, and only those', () => {
    const tagged = Object.fromEntries(resources(stack, 'aws_instance').map((i) => [i.tags.Name, i.tags.JustInTimeApproval]));
    expect(tagged).toEqual({ 'staging-tools': undefined, 'staging-db-admin': 'ssm-session-kit-staging-on-call-approval' });
  });
});

describe("the IAM engine on staging's resolved plan", () => {
  jest.setTimeout(10 * 60_000);
  let results: StackValidation[];
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(async () => {
    ({ results } = await shippedPlans());
    plan = new ResolvedPlan(results.find((r) => r.stack === 'staging')!.planFile!);
    scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
  });
  const onCall = `arn:aws:iam::${STAGING}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_OnCall_staging`;
  const instance = `arn:aws:ec2:eu-west-1:${STAGING}:instance/i-0123456789abcdef0`;
  const shell = 'arn:aws:ssm:eu-west-1:222222222222:document/SSM-SessionManagerRunShell';
  const asOnCall = (action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal: onCall, action, resource, resourceAccount: STAGING,
    identityPolicies: [{ name: 'on-call', policy: plan.managedPolicy('ssm-session-kit-staging-on-call') }],
    context: { 'ssm:resourceTag/Environment': 'staging', 'ssm:resourceTag/AccessGroup': 'operators', ...context },
  });

  it('gives the just-in-time group no session of its own: it asks, and takes the token of its own request', async () => {
    expect(await asOnCall('ssm:StartSession', instance)).toBe('ImplicitlyDenied');
    expect(await asOnCall('ssm:StartSession', shell)).toBe('ImplicitlyDenied');
    expect(await asOnCall('ssm:StartAccessRequest', instance)).toBe('Allowed');
    expect(await asOnCall('ssm:GetAccessToken', `arn:aws:ssm:eu-west-1:${STAGING}:opsitem/oi-0123456789ab`)).toBe('Allowed');
    // A manual request starts the policy's automation; no other automation document.
    const manual = `arn:aws:ssm:eu-west-1:${STAGING}:document/ssm-session-kit-staging-on-call-approval`;
    expect(await asOnCall('ssm:StartAutomationExecution', manual, { 'ssm:DocumentType': 'ManualApprovalPolicy' })).toBe('Allowed');
    expect(await asOnCall('ssm:StartAutomationExecution', `arn:aws:ssm:eu-west-1:${STAGING}:document/AWS-RunShellScript`, { 'ssm:DocumentType': 'Command' })).toBe('ImplicitlyDenied');
    // Nor another group's manual approval policy.
    expect(await asOnCall('ssm:StartAutomationExecution', `arn:aws:ssm:eu-west-1:${STAGING}:document/ssm-session-kit-staging-db-approval`, { 'ssm:DocumentType': 'ManualApprovalPolicy' })).toBe('ImplicitlyDenied');
  });

  const approvalDocument = `arn:aws:ssm:eu-west-1:${STAGING}:document/ssm-session-kit-staging-on-call-approval`;
  const autoDocument = `arn:aws:ssm:eu-west-1:${STAGING}:document/SSM-JustInTimeAccessAutoApprovalPolicy`;
  const administrator = `arn:aws:iam::${STAGING}:role/AWSReservedSSO_Administrators_staging`;
  const named = (name: string) => plan.managedPolicy(name);
  const asAdministrator = (delivery: 'deny policy' | 'boundary' | 'SCP' | 'none', action: string, resource: string, type: string) => decide({
    principal: administrator, action, resource, resourceAccount: STAGING,
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(delivery === 'deny policy' ? ['audit-trail', 'recording-path'].map((p) => ({ name: p, policy: named(`ssm-session-kit-staging-${p}-guardrail`) })) : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-staging-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps : undefined,
    // ("Setting up just-in-time node access") the key AWS names for approval policies.
    context: { 'ssm:DocumentType': type },
  });

  it.each([
    ['rewrite the manual approval policy', 'ssm:UpdateDocument', approvalDocument, 'ManualApprovalPolicy'],
    ['delete the auto-approval policy', 'ssm:DeleteDocument', autoDocument, 'AutoApprovalPolicy'],
    ['create a manual approval policy of their own', 'ssm:CreateDocument', `arn:aws:ssm:eu-west-1:${STAGING}:document/mine`, 'ManualApprovalPolicy'],
    ['create an organization deny-access policy of their own', 'ssm:CreateDocument', `arn:aws:ssm:eu-west-1:${STAGING}:document/SSM-JustInTimeAccessDenyAccessOrgPolicy`, 'AutoApprovalPolicy'],
  ])('refuses an administrator who would %s, in every delivery on its own', async (_what, action, resource, type) => {
    expect(await asAdministrator('none', action, resource, type)).toBe('Allowed');
    for (const delivery of ['deny policy', 'boundary', 'SCP'] as const) {
      expect({ delivery, decision: await asAdministrator(delivery, action, resource, type) }).toEqual({ delivery, decision: 'ExplicitlyDenied' });
    }
  });

  it("lets the guide's commands through: the engineer's request and token by the group's policy, the approver's by the approvers' policy", async () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'access.md'), 'utf8').split('## Just-in-time access')[1].split('\n## ')[0];
    const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) => block.trim().split('\n'));
    const calls = commands.flatMap((c) => [...c.matchAll(/aws ssm ([a-z-]+)/g)].map(([, call]) => call));
    expect(calls).toEqual(['start-access-request', 'get-access-token', 'start-session', 'get-ops-item', 'send-automation-signal']);
    const request = `arn:aws:ssm:eu-west-1:${STAGING}:opsitem/oi-0123456789ab`;
    expect(await asOnCall('ssm:StartAccessRequest', instance)).toBe('Allowed');
    expect(await asOnCall('ssm:GetAccessToken', request)).toBe('Allowed');
    // start-session runs with the token's credentials (AWSSystemsManagerJustInTimeAccessTokenPolicy), not the group's.
    const approver = `arn:aws:iam::${STAGING}:role/platform-leads`;
    const asApprover = (action: string, resource: string, context: Record<string, string> = {}) => decide({
      principal: approver, action, resource, resourceAccount: STAGING, context,
      identityPolicies: [{ name: 'approvers', policy: { Version: '2012-10-17', Statement: approverStatements({ partition: 'aws', region: 'eu-west-1', accountId: STAGING }) } }],
    });
    const execution = `arn:aws:ssm:eu-west-1:${STAGING}:automation-execution/0aa5a695-0000-4000-8000-0123456789ab`;
    expect(await asApprover('ssm:GetOpsItem', request)).toBe('Allowed');
    // ("Setting up just-in-time node access") Systems Manager tags the executions of access requests.
    expect(await asApprover('ssm:SendAutomationSignal', execution, { 'aws:ResourceTag/SystemsManagerJustInTimeNodeAccessManaged': 'true' })).toBe('Allowed');
    expect(await asApprover('ssm:SendAutomationSignal', execution)).toBe('ImplicitlyDenied');
    // An approver asks for nothing, and changes no policy.
    expect(await asApprover('ssm:StartAccessRequest', instance)).toBe('ImplicitlyDenied');
    expect(await asApprover('ssm:UpdateDocument', approvalDocument, { 'ssm:DocumentType': 'ManualApprovalPolicy' })).toBe('ImplicitlyDenied');
  });

  it("refuses the management account's administrators the enablement and the deny-access policy, by the deny policy on their roles (no SCP reaches that account)", async () => {
    const org = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!);
    const management = '999999999999';
    const asOrgAdministrator = (guarded: boolean, action: string, resource: string, context: Record<string, string>) => decide({
      principal: `arn:aws:iam::${management}:role/AWSReservedSSO_Administrators_organization`, action, resource, resourceAccount: management, context,
      identityPolicies: [
        { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
        ...(guarded ? [{ name: 'guardrail', policy: org.managedPolicy('ssm-session-kit-organization-audit-trail-guardrail') }] : []),
      ],
    });
    const manager = `arn:aws:ssm-quicksetup:us-east-1:${management}:configuration-manager/0aa5a695-0000-4000-8000-0123456789ab`;
    const tagged = { 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' };
    const denyDocument = `arn:aws:ssm:us-east-1:${management}:document/SSM-JustInTimeAccessDenyAccessOrgPolicy`;
    for (const [action, resource, context] of [
      ['ssm-quicksetup:UpdateConfigurationDefinition', manager, tagged], ['ssm-quicksetup:DeleteConfigurationManager', manager, tagged],
      ['ssm-quicksetup:UntagResource', manager, tagged], ['ssm:UpdateDocument', denyDocument, { 'ssm:DocumentType': 'AutoApprovalPolicy' }],
      // The deny-access policy's stack, frozen or deleted with its documents retained.
      ['cloudformation:SetStackPolicy', `arn:aws:cloudformation:us-east-1:${management}:stack/ssm-session-kit-organization-approval-policies/0aa5a695`, {}],
      // The SCP itself, detached: every member account's guard at once.
      ['organizations:DetachPolicy', `arn:aws:organizations::${management}:policy/o-a1b2c3d4e5/service_control_policy/p-0123abcd`, tagged],
      // A role of their own without the boundary (strict).
      ['iam:CreateRole', `arn:aws:iam::${management}:role/escape-hatch`, {}],
    ] as const) {
      expect({ action, decision: await asOrgAdministrator(false, action, resource, context) }).toEqual({ action, decision: 'Allowed' });
      expect({ action, decision: await asOrgAdministrator(true, action, resource, context) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
    // Another Quick Setup configuration of theirs (a patch policy, say) stays theirs.
    expect(await asOrgAdministrator(true, 'ssm-quicksetup:UpdateConfigurationDefinition', manager, { 'aws:ResourceTag/ManagedBy': 'someone-else' })).toBe('Allowed');
  });

  it.each([
    ['freeze the approval policies\' stack with a stack policy', 'cloudformation:SetStackPolicy', `arn:aws:cloudformation:eu-west-1:${STAGING}:stack/ssm-session-kit-staging-approval-policies/0aa5a695`],
    ['delete the approval policies\' stack', 'cloudformation:DeleteStack', `arn:aws:cloudformation:eu-west-1:${STAGING}:stack/ssm-session-kit-staging-approval-policies/0aa5a695`],
  ])('refuses an administrator who would %s, in every delivery on its own', async (_what, action, resource) => {
    expect(await asAdministrator('none', action, resource, 'none')).toBe('Allowed');
    for (const delivery of ['deny policy', 'boundary', 'SCP'] as const) {
      expect({ delivery, decision: await asAdministrator(delivery, action, resource, 'none') }).toEqual({ delivery, decision: 'ExplicitlyDenied' });
    }
  });

  it("refuses re-trusting the token role (deny policy, boundary) and switching the identity provider (deny policy), leaving the SCP to Quick Setup's own deployment", async () => {
    const recordingPathDeny = plan.managedPolicy('ssm-session-kit-staging-recording-path-guardrail');
    const asGuarded = (delivery: 'deny policy' | 'boundary' | 'SCP', action: string, resource: string) => decide({
      principal: administrator, action, resource, resourceAccount: STAGING,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...(delivery === 'deny policy' ? [{ name: 'guardrail', policy: recordingPathDeny }] : [])],
      permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-staging-permissions-boundary') : undefined,
      scps: delivery === 'SCP' ? scps : undefined,
    });
    for (const [action, resource, refusedBy] of [
      ['iam:UpdateAssumeRolePolicy', `arn:aws:iam::${STAGING}:role/SSM-JustInTimeAccessTokenRole`, ['deny policy', 'boundary']],
      // The boundary leaves the settings to the deny policy and the alerts (one managed policy's size).
      ['ssm:UpdateServiceSetting', `arn:aws:ssm:eu-west-1:${STAGING}:servicesetting/ssm/just-in-time-access/identity-provider`, ['deny policy']],
    ] as const) {
      for (const delivery of refusedBy) {
        expect({ action, delivery, decision: await asGuarded(delivery, action, resource) }).toEqual({ action, delivery, decision: 'ExplicitlyDenied' });
      }
      expect({ action, decision: await asGuarded('SCP', action, resource) }).toEqual({ action, decision: 'Allowed' });
    }
  });

  it('leaves other documents to the other guardrails: a Command document of their own is not an approval policy', async () => {
    expect(await asAdministrator('deny policy', 'ssm:CreateDocument', `arn:aws:ssm:eu-west-1:${STAGING}:document/mine`, 'Command')).toBe('Allowed');
  });
});
