import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TRANSPILE_HOOK } from '../scripts/lib/synth';
import type { Request } from './iam-evaluation';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { serviceActions } from './support/service-reference';

// The least-privilege policies the README documents for the pipeline's deploy and plan roles, evaluated as IAM would.
jest.setTimeout(60_000);
const readDoc = (file: string): PolicyJson => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'docs', file), 'utf8'));
const deployPolicy = readDoc('pipeline-role-policy.json');
const planPolicy = readDoc('pipeline-plan-role-policy.json');
const ACCOUNT = '111111111111';
type Case = [action: string, resource: string, context?: Record<string, string>, resourcePolicy?: PolicyJson];

const ALLOWED: Case[] = [
  ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-dev-instance`],
  ['iam:PutRolePermissionsBoundary', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-dev-operators`],
  ['iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy/ssm-session-kit-dev-audit-trail-guardrail`],
  ['iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Administrators_dev`, { 'iam:PolicyARN': `arn:aws:iam::${ACCOUNT}:policy/ssm-session-kit-dev-audit-trail-guardrail` }],
  ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-dev-instance`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ['ec2:RunInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`],
  ['s3:PutBucketPolicy', 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111'],
  ['logs:CreateLogGroup', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ssm-session-kit/dev/sessions`],
  ['ssm:UpdateDocument', `arn:aws:ssm:eu-west-1:${ACCOUNT}:document/SSM-SessionManagerRunShell`],
  // Public parameters carry no account; the engine wants one, and the policy's `*` matches both.
  ['ssm:GetParameter', `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`],
  // The alerts: their rules, topic and trail.
  ['events:PutRule', `arn:aws:events:eu-west-1:${ACCOUNT}:rule/ssm-session-kit-dev-alert-key`],
  ['events:PutTargets', `arn:aws:events:eu-west-1:${ACCOUNT}:rule/ssm-session-kit-dev-alert-key`],
  ['sns:CreateTopic', `arn:aws:sns:eu-west-1:${ACCOUNT}:ssm-session-kit-dev-alerts`],
  ['sns:SetTopicAttributes', `arn:aws:sns:eu-west-1:${ACCOUNT}:ssm-session-kit-dev-alerts`],
  ['sns:Subscribe', `arn:aws:sns:eu-west-1:${ACCOUNT}:ssm-session-kit-dev-alerts`],
  ['cloudtrail:CreateTrail', `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/ssm-session-kit-dev-trail`],
  ['cloudtrail:StartLogging', `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/ssm-session-kit-dev-trail`],
  ['cloudtrail:PutEventSelectors', `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/ssm-session-kit-dev-trail`],
  ['kms:CreateAlias', `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/ssm-session-kit-dev-alerts`],
];

const DENIED: Case[] = [
  ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/mallory`],
  ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/anything-else`],
  ['iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Administrators_dev`, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }],
  ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-dev-instance`, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
  ['s3:PutBucketPolicy', 'arn:aws:s3:::someone-elses-bucket'],
  ['s3:DeleteObject', 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111/sessions/x.log'],
  ['logs:DeleteLogGroup', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ssm-session-kit/dev/sessions`],
  ['ssm:DeleteDocument', `arn:aws:ssm:eu-west-1:${ACCOUNT}:document/SSM-SessionManagerRunShell`],
  ['ssm:StartSession', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`],
  // Other teams' rules, topics and the organisation's trail are not the pipeline's.
  ['events:DeleteRule', `arn:aws:events:eu-west-1:${ACCOUNT}:rule/guardduty-findings`],
  ['sns:DeleteTopic', `arn:aws:sns:eu-west-1:${ACCOUNT}:security-alerts`],
  ['sns:Publish', `arn:aws:sns:eu-west-1:${ACCOUNT}:ssm-session-kit-dev-alerts`],
  ['cloudtrail:StopLogging', `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/organization-trail`],
];

/** Decisions for every case, from the engine run in a plain Node process (see support/decide-cli.ts). */
function decideAll(cases: Case[], policy: PolicyJson = deployPolicy, roleName = 'ssm-session-kit-deploy'): string[] {
  const requests: Request[] = cases.map(([action, resource, context, resourcePolicy]) => ({
    principal: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    action,
    resource,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: 'pipeline', policy }],
    context,
    resourcePolicy,
  }));
  const run = spawnSync(process.execPath, ['--require', TRANSPILE_HOOK, path.join(__dirname, 'support', 'decide-cli.ts')], {
    input: JSON.stringify(requests),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('the documented pipeline role policy', () => {
  it('allows what a deploy does', () => {
    const decisions = decideAll(ALLOWED);
    ALLOWED.forEach(([action, resource], i) => expect({ action, resource, decision: decisions[i] }).toEqual({ action, resource, decision: 'Allowed' }));
  });

  it('allows nothing else', () => {
    const decisions = decideAll(DENIED);
    DENIED.forEach(([action, resource], i) => expect({ action, resource, decision: decisions[i] }).toEqual({ action, resource, decision: 'ImplicitlyDenied' }));
  });
});


describe('the documented plan role policy', () => {
  const asPlanRole = (cases: Case[]) => decideAll(cases, planPolicy, 'ssm-session-kit-plan');
  const STATE = 'arn:aws:iam::000000000000:role';
  const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  // ("Default key policy") The statement that lets IAM policies, this one included, grant use of a key.
  const DEFAULT_KEY_POLICY: PolicyJson = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
  };

  it('reads what the deploy role refreshes, and the state through the read-only state role', () => {
    const refresh = (doc: any) => doc.Statement.filter((s: any) => s.Sid !== 'UseTheStateRole' && s.Sid !== 'UseTheReadOnlyStateRole' && /^Read/.test(s.Sid));
    expect(refresh(planPolicy)).toEqual(refresh(deployPolicy));
    const cases: Case[] = [
      ['ec2:DescribeInstances', '*'],
      ['iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-dev-instance`],
      ['s3:GetBucketPolicy', 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111'],
      ['kms:GetKeyPolicy', KEY, undefined, DEFAULT_KEY_POLICY],
      ['sts:AssumeRole', `${STATE}/ssm-session-kit-state-dev-read`],
    ];
    const decisions = asPlanRole(cases);
    cases.forEach(([action, resource], i) => expect({ action, resource, decision: decisions[i] }).toEqual({ action, resource, decision: 'Allowed' }));
  });

  it('changes nothing: no deploy, no state write, no session transcript, no shell', () => {
    const cases: Case[] = [
      ...ALLOWED.filter(([action]) => !/:(Get|List|Describe)/.test(action)),
      ['sts:AssumeRole', `${STATE}/ssm-session-kit-state-dev`],
      ['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-deploy`],
      ['s3:PutObject', 'arn:aws:s3:::acme-ssm-session-kit-tfstate/dev/terraform.tfstate'],
      ['s3:GetObject', 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111/sessions/alice-0123456789abcdef0.log'],
      ['kms:Decrypt', KEY, undefined, DEFAULT_KEY_POLICY],
      ['kms:ScheduleKeyDeletion', KEY, undefined, DEFAULT_KEY_POLICY],
      ['ssm:StartSession', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`],
    ];
    const decisions = asPlanRole(cases);
    cases.forEach(([action, resource], i) => expect({ action, resource, decision: decisions[i] }).toEqual({ action, resource, decision: 'ImplicitlyDenied' }));
  });

  it('allows only actions the Service Authorization Reference ranks as Read or List, beside assuming the read-only state role', () => {
    const writes: string[] = [];
    for (const statement of planPolicy.Statement as { Action: string | string[]; Resource: string }[]) {
      for (const pattern of [statement.Action].flat() as string[]) {
        const [service, name] = pattern.split(':');
        const matcher = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
        const matched = Object.values(serviceActions(service)).filter((a) => matcher.test(a.name));
        expect({ pattern, matches: matched.length > 0 }).toEqual({ pattern, matches: true });
        for (const action of matched) {
          const readOnlyStateRole = `${service}:${action.name}` === 'sts:AssumeRole' && statement.Resource === 'arn:aws:iam::*:role/ssm-session-kit-state-*-read';
          if (!['Read', 'List'].includes(action.accessLevel) && !readOnlyStateRole) writes.push(`${service}:${action.name} (${action.accessLevel})`);
        }
      }
    }
    expect(writes).toEqual([]);
  });
});
