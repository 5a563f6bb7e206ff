import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TRANSPILE_HOOK } from '../scripts/lib/synth';
import type { Request } from './iam-evaluation';

// The least-privilege policy the README documents for the pipeline role, evaluated as IAM would.
jest.setTimeout(60_000);
const policy = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'docs', 'pipeline-role-policy.json'), 'utf8'));
const ACCOUNT = '111111111111';
type Case = [action: string, resource: string, context?: Record<string, string>];

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
];

/** Decisions for every case, from the engine run in a plain Node process (see support/decide-cli.ts). */
function decideAll(cases: Case[]): string[] {
  const requests: Request[] = cases.map(([action, resource, context]) => ({
    principal: `arn:aws:iam::${ACCOUNT}:role/ssm-session-kit-deploy`,
    action,
    resource,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: 'pipeline', policy }],
    context,
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

