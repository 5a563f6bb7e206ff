import { Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { validateConfig } from '../config/validate';
import * as fs from 'fs';
import * as path from 'path';
import {
  actionMatches, ALERTING_ACTIONS, RECORDING_NETWORK_ACTIONS, AuditTrailGuardrail, auditTrailDenyStatements, guardrailStatements, IDENTITY_CENTER_ACTIONS, OTHER_WAYS_IN, packDenies, PROTECTED_ACTIONS, IDENTITY_PROVIDER_CHANGES, RECORDING_PATH_ACTIONS, SCP_LIMITS, TRUST_CHAIN_ACTIONS,
  UNPROTECTED_ACTIONS,
} from '../modules/guardrails';
import { policySize } from '../modules/compliance';
import { generatedConfig } from '../scripts/lib/generated-config';
import { ALLOW_EVERYTHING, decide } from './iam-evaluation';
import { asTerraformWrites } from '../scripts/lib/iam-decide';
import { complianceSuppressions } from '../modules/compliance';
import { createStacks } from '../stacks';
import { OrganizationStack } from '../stacks/organization-stack';
import { organizationAuditTrail } from '../stacks/audit-trail';
import { withIdentityCenter } from './support/identity-center-config';
import { withLogArchive } from './support/log-archive-config';
import { renderMatrix, tamperMatrix } from '../scripts/lib/tamper-report';
import { actionApplies, ReferenceAction, serviceActions } from './support/service-reference';
import type { PolicyStatement } from '../modules/shared/policy-document';
import { configProblems, Json, only, policyStatements, rawConfig, resources, synthStack } from './helpers';

// The what-stops-whom table runs the IAM engine over every guardrail delivery: about 2 s alone, past
// jest's default 5 s on a loaded or slower machine (it timed out once in a clean-clone CI run).
jest.setTimeout(60_000);

const trail = {
  preferencesDocumentArns: ['arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell'],
  logGroupArns: ['arn:aws:logs:eu-west-1:111111111111:log-group:/sessions'],
  bucketArns: ['arn:aws:s3:::session-logs'],
  kmsKeyArns: ['arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000'],
};

function synthProject(raw: any = rawConfig()): Record<string, Json> {
  const stacks = createStacks(Testing.app(), validateConfig(raw));
  return Object.fromEntries(stacks.all.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true))]));
}

describe('auditTrailDenyStatements', () => {
  it('denies every way to switch the audit trail off, on the trail only', () => {
    const bySid = Object.fromEntries(auditTrailDenyStatements(trail).map((s) => [s.Sid, s]));
    expect(bySid.ProtectSessionPreferences).toEqual({ Sid: 'ProtectSessionPreferences', Effect: 'Deny', Action: [...PROTECTED_ACTIONS.preferences], Resource: trail.preferencesDocumentArns });
    // The group and its streams (`:*`) in one pattern.
    expect(bySid.ProtectSessionLogGroup.Resource).toEqual([`${trail.logGroupArns[0]}*`]);
    expect(bySid.ProtectSessionLogObjects.Resource).toEqual(['arn:aws:s3:::session-logs/*']);
    expect(bySid.ProtectSessionLogBucket.Action).toEqual(expect.arrayContaining([
      's3:PutBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
      's3:PutBucketObjectLockConfiguration', 's3:PutBucketPublicAccessBlock',
    ]));
    expect(bySid.ProtectSessionKey.Action).toEqual(expect.arrayContaining(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']));
    expect(auditTrailDenyStatements(trail).every((s) => s.Condition === undefined)).toBe(true);
  });

  it('can apply to chosen principals only, and to tagged keys only', () => {
    const statements = auditTrailDenyStatements(
      { ...trail, kmsKeyArns: ['*'], keyTag: { key: 'audit', value: 'true' } },
      { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/deploy'] } },
    );
    for (const s of statements) expect(s.Condition?.ArnNotLike).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::*:role/deploy'] });
    expect(statements.find((s) => s.Sid === 'ProtectSessionKey')!.Condition!.StringEquals).toEqual({ 'aws:ResourceTag/audit': 'true' });
  });
});

/** Every (action, resource, condition) a list of deny statements refuses. */
function deniedPairs(statements: readonly PolicyStatement[]): string[] {
  return statements.filter((s) => s.Effect === 'Deny' && s.Resource !== undefined).flatMap((s) => [s.Action].flat().flatMap((action) =>
    [s.Resource].flat().map((resource) => `${action} ${resource} ${JSON.stringify(s.Condition ?? {})}`)));
}

describe('packDenies', () => {
  const recordingPath = {
    roleArns: ['arn:*:iam::*:role/dev-instance', 'arn:*:iam::*:role/service-role/dev-dhm'], instanceProfileArns: ['arn:*:iam::*:instance-profile/dev-instance'],
    instanceTag: { key: 'Environment', values: ['dev'] }, sessionRegions: ['eu-west-1'], commandPrincipalArns: ['arn:*:iam::*:role/dev-break-glass'],
  };
  const statements = [
    ...auditTrailDenyStatements({ ...trail, alerting: { ruleArns: ['arn:*:events:*:*:rule/dev-alert-*'], topicArns: ['arn:*:sns:*:*:dev-alerts'] }, recordingPath }),
    ...guardrailStatements({ trail, namePrefix: 'dev', strict: true }).deny,
  ];
  const packed = packDenies(statements);

  it('denies every pair it denied before, in fewer statements', () => {
    expect(packed.length).toBeLessThan(statements.length / 2);
    const denied = deniedPairs(packed);
    for (const pair of deniedPairs(statements)) expect(denied).toContain(pair);
    expect(packed.filter((s) => s.NotResource)).toEqual(statements.filter((s) => s.NotResource));
  });

  it('adds only pairs no request can match: actions on resources of a type they are never authorized against', () => {
    const before = new Set(deniedPairs(statements));
    const added = deniedPairs(packed).filter((pair) => !before.has(pair)).map((pair) => pair.split(' ').slice(0, 2));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter(([action, resource]) => actionApplies(action, resource))).toEqual([]);
    // The check itself tells a meaningful pair: a role's action on a role, a bucket's on an object.
    expect(actionApplies('iam:PutRolePolicy', 'arn:*:iam::*:role/dev-instance')).toBe(true);
    expect(actionApplies('iam:PutRolePolicy', 'arn:*:iam::*:policy/dev-guardrail')).toBe(false);
    expect(actionApplies('s3:DeleteBucket', 'arn:*:s3:::session-logs/*')).toBe(false);
    expect(actionApplies('s3:DeleteObject', 'arn:*:s3:::session-logs/*')).toBe(true);
  });

  it("packs the organization's SCP, with the state and the archive beside the environments' trail, adding no pair a request can match", () => {
    // The log buckets' objects and the state's are of one type: their statements (different actions) stay apart.
    const config = validateConfig(withIdentityCenter(withLogArchive(rawConfig())));
    const org = organizationAuditTrail(config.environments, config.logArchive, config.bootstrap, config.identityCenter);
    const unpacked = auditTrailDenyStatements(org.guarded, { ArnNotLike: { 'aws:PrincipalArn': [...org.pipelineRoleArns] } });
    const before = new Set(deniedPairs(unpacked));
    const scp = packDenies(unpacked);
    expect(scp.length).toBeLessThan(unpacked.length / 2);
    for (const pair of before) expect(deniedPairs(scp)).toContain(pair);
    const added = deniedPairs(scp).filter((pair) => !before.has(pair)).map((pair) => pair.split(' ').slice(0, 2));
    expect(added.filter(([action, resource]) => actionApplies(action, resource))).toEqual([]);
  });
});

describe('AuditTrailGuardrail', () => {
  const stack = synthStack((s) => new AuditTrailGuardrail(s, 'guardrail', {
    namePrefix: 'dev', trail, attachToRoles: ['Admins'], attachToGroups: ['ops'],
  }));
  const policy = (name: string) => JSON.parse(resources(stack, 'aws_iam_policy').find((p) => p.name === name)!.policy).Statement;

  it("names protected roles by path and name where they have one, and by their ARN where AWS picks the name", () => {
    const protectedRoles = synthStack((s) => {
      const guardrail = new AuditTrailGuardrail(s, 'guardrail', { namePrefix: 'dev', trail });
      const assume = JSON.stringify({ Version: '2012-10-17', Statement: [] });
      guardrail.protectRoles(
        new IamRole(s, 'named', { name: 'dev-dhm', path: '/service-role/', assumeRolePolicy: assume }),
        new IamRole(s, 'prefixed', { namePrefix: 'dev-', assumeRolePolicy: assume }),
        'arn:aws:iam::111111111111:role/given',
      );
    });
    const keep = JSON.parse(resources(protectedRoles, 'aws_iam_policy').find((p) => p.name === 'dev-audit-trail-guardrail')!.policy);
    expect(keep.Statement.find((st: Json) => st.Sid === 'KeepBoundaryOfRoles').Resource).toEqual([
      'arn:*:iam::*:role/service-role/dev-dhm',
      expect.stringMatching(/^\$\{aws_iam_role\.prefixed\.arn\}$/),
      'arn:aws:iam::111111111111:role/given',
    ]);
  });

  it('attaches the deny policy to the given roles and groups', () => {
    const statements = policy('dev-audit-trail-guardrail');
    expect(statements.slice(0, 5)).toEqual(auditTrailDenyStatements(trail));
    expect(statements.slice(5).map((s: Json) => s.Sid)).toEqual([
      'KeepTheGuardrailAttached', 'KeepTheGuardrailPolicies', 'KeepTheBoundary', 'StayInGuardedGroups',
    ]);
    expect(only(stack, 'aws_iam_role_policy_attachment').role).toBe('Admins');
    expect(only(stack, 'aws_iam_group_policy_attachment').group).toBe('ops');
  });

  it('offers a boundary that caps grants, keeps the trail, and keeps itself, packed into fewer statements', () => {
    const statements = policy('dev-permissions-boundary');
    expect(statements[0]).toEqual({ Effect: 'Allow', Action: '*', Resource: '*' });
    // Each pair the deny policy refuses, the boundary refuses too: the same action, or a pattern of it.
    const denied = deniedPairs(statements).map((pair) => pair.split(' '));
    for (const pair of deniedPairs(auditTrailDenyStatements(trail))) {
      const [action, ...rest] = pair.split(' ');
      expect({ pair, covered: denied.some(([a, ...r]) => r.join(' ') === rest.join(' ') && actionMatches(a, action)) }).toEqual({ pair, covered: true });
    }
    const actions = statements.flatMap((s: Json) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining([
      'iam:DeleteRolePermissionsBoundary', 'iam:DetachRolePolicy', 'iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:*', 'logs:Delete*',
    ]));
    expect(statements.length).toBeLessThan(11);
  });

  it('keeps the deny policies attached, unchanged, and the boundary on, naming every policy of the prefix', () => {
    const bySid = Object.fromEntries(policy('dev-audit-trail-guardrail').map((s: Json) => [s.Sid, s]));
    // By name alone: IAM acts on the caller's own account, where the policies are attached.
    const policyArn = (name: string) => `arn:*:iam::*:policy/${name}`;
    // Detaching, rewriting or deleting: every policy of the prefix, the guardrail's among them (the access groups' too).
    expect(bySid.KeepTheGuardrailAttached).toMatchObject({
      Action: ['iam:DetachRolePolicy', 'iam:DetachGroupPolicy', 'iam:DetachUserPolicy'], Condition: { ArnEquals: { 'iam:PolicyARN': [policyArn('dev-*')] } },
    });
    expect(bySid.KeepTheGuardrailPolicies).toMatchObject({ Resource: [policyArn('dev-*')] });
    expect(bySid.KeepTheBoundary.Condition).toEqual({ ArnEquals: { 'iam:PermissionsBoundary': policyArn('dev-permissions-boundary') } });
    expect(bySid.StayInGuardedGroups).toMatchObject({ Action: 'iam:RemoveUserFromGroup' });
    expect(bySid.NoUnboundedPrincipals).toBeUndefined();
  });

  it('denies minting unbounded roles in strict mode, and spares the pipeline throughout', () => {
    const strict = synthStack((s) => new AuditTrailGuardrail(s, 'guardrail', {
      namePrefix: 'dev', trail, attachToRoles: ['Admins'], strict: true, exceptPrincipalArns: ['arn:aws:iam::111111111111:role/deploy'],
    }));
    const statements = JSON.parse(resources(strict, 'aws_iam_policy').find((p) => p.name === 'dev-audit-trail-guardrail')!.policy).Statement;
    expect(statements.map((s: Json) => s.Sid)).toEqual(expect.arrayContaining(['NoUnboundedPrincipals', 'KeepBoundedRolesTrust']));
    for (const s of statements) expect(s.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/deploy'] });
  });
});

describe('guardrails in the project', () => {
  const stacks = synthProject();

  it('attaches each environment\'s deny policies, the trail\'s, the recording path\'s and the instances\', to its administrators', () => {
    const attachments = resources(stacks.prod, 'aws_iam_role_policy_attachment').filter((a) => a.role === 'AWSReservedSSO_Administrators_prod');
    expect(attachments.map((a) => a.policy_arn).sort()).toEqual([
      expect.stringMatching(/^\$\{aws_iam_policy\.guardrail_deny_\S+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_iam_policy\.guardrail_instances-deny_\S+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_iam_policy\.guardrail_recording-path-deny_\S+\.arn\}$/),
    ]);
  });

  it('bounds every role it creates, for engineers, instances and the alerts', () => {
    const roles = resources(stacks.staging, 'aws_iam_role');
    expect(roles.map((r) => r.name).sort()).toEqual([
      'ssm-session-kit-staging-alert-forwarder', 'ssm-session-kit-staging-break-glass', 'ssm-session-kit-staging-default-host-management',
      'ssm-session-kit-staging-instance', 'ssm-session-kit-staging-operators',
    ]);
    for (const role of roles) expect(role.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.guardrail_boundary_\S+\.arn\}$/);
  });

  it('can leave the boundary off', () => {
    const raw = rawConfig();
    raw.environments.dev.guardrails.permissionsBoundary = false;
    for (const role of resources(synthProject(raw).dev, 'aws_iam_role')) expect(role.permissions_boundary).toBeUndefined();
  });

  it('backs the guardrail with the bucket and key policies, excepting the pipeline role', () => {
    const pipeline = { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::333333333333:role/ssm-session-kit-deploy'] } };
    const bucketSids = policyStatements(stacks.prod, 'aws_s3_bucket_policy')[0].filter((s) => s.Condition?.ArnNotLike);
    expect(bucketSids.map((s) => [s.Sid, s.Effect, s.Action, s.Condition])).toEqual([
      // prod has reviewers: they alone write sign-offs (session-review.test.ts decides the rest).
      ['OnlyReviewersSignOff', 'Deny', 's3:PutObject', { ArnNotLike: { 'aws:PrincipalArn': [expect.stringMatching(/:role\/ssm-session-kit-prod-reviewers$/)] } }],
      ['OnlyPipelineDeletesSessionLogs', 'Deny', [...PROTECTED_ACTIONS.logObjects], pipeline],
      ['OnlyPipelineConfiguresBucket', 'Deny', [...PROTECTED_ACTIONS.logBucket], pipeline],
    ]);
    const key = resources(stacks.prod, 'aws_kms_key')[0];
    expect(JSON.parse(key.policy).Statement.find((s: Json) => s.Sid === 'OnlyPipelineManagesKey')).toMatchObject({
      Effect: 'Deny', Action: [...PROTECTED_ACTIONS.key], Condition: pipeline,
    });
    expect(key.tags).toEqual({ 'ssm-session-kit:audit-trail': 'true' });
  });

  it('puts the SCP in its own organization stack, state and account, attached where the config says', () => {
    const org = stacks.organization;
    expect(org.terraform.backend.s3.key).toBe('ssm-session-kit/organization/terraform.tfstate');
    expect(org.provider.aws[0].allowed_account_ids).toEqual(['999999999999']);
    const scps = resources(org, 'aws_organizations_policy');
    for (const scp of scps) expect(scp.type).toBe('SERVICE_CONTROL_POLICY');
    const attachments = resources(org, 'aws_organizations_policy_attachment');
    expect(attachments).toHaveLength(scps.length);
    for (const attachment of attachments) expect(attachment.target_id).toBe('ou-ab12-workloads1');
    const statements = scps.flatMap((scp) => JSON.parse(scp.content).Statement);
    // Every environment's pipeline role has one name: one pattern excepts them all, each in its own account
    // only; the bootstrap stack's pipeline (which changes the state's guardrails) is one more.
    // The pipeline passes the recording roles to EC2 and Systems Manager only, and changes no role of the
    // trust chain: those statements except nobody.
    // Run Command stays open to prod's break-glass role, which states why (runCommand).
    // Statements are packed (one per condition and set of resources): found by what they deny.
    const denying = (action: string, resource: string) => statements.find((s: Json) => [s.Action].flat().includes(action) && [s.Resource].flat().includes(resource));
    const bindings = statements.filter((st: Json) => String(st.Sid ?? '').startsWith('ExceptionsInTheirAccountsOnly'));
    for (const s of statements.filter((st: Json) => st.Condition?.ArnNotLike)) {
      expect(s.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
        'arn:*:iam::*:role/ssm-session-kit-deploy', 'arn:*:iam::*:role/ssm-session-kit-bootstrap-deploy',
        ...([s.Action].flat().includes('ssm:SendCommand') ? ['arn:*:iam::*:role/ssm-session-kit-prod-break-glass'] : []),
      ]);
    }
    // Everything else excepts nobody: the trust chain, the identity provider, passing the recording roles.
    expect(statements.filter((st: Json) => !st.Condition?.ArnNotLike && !bindings.includes(st)).map((st: Json) => [st.Action].flat()[0]))
      .toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:PassRole']));
    expect(denying('s3:PutBucketPolicy', 'arn:*:s3:::acme-ssm-sessions-*')).toBeDefined();
    const chain = denying('iam:UpdateAssumeRolePolicy', 'arn:*:iam::*:role/ssm-session-kit-deploy');
    expect(chain.Condition).toBeUndefined();
    expect(chain.Action).toEqual(expect.arrayContaining([...TRUST_CHAIN_ACTIONS.roles, ...TRUST_CHAIN_ACTIONS.assume]));
    expect(chain.Resource).toEqual(expect.arrayContaining([
      'arn:*:iam::*:role/ssm-session-kit-deploy', 'arn:*:iam::*:role/ssm-session-kit-bootstrap-deploy', 'arn:*:iam::*:role/ssm-session-kit-plan',
      'arn:*:iam::*:role/OrganizationAccountAccessRole',
    ]));
    // Each excepted name is the exception in the accounts that declare it, and nowhere else.
    expect(bindings.map((s: Json) => s.Condition)).toEqual([
      { ArnLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/ssm-session-kit-deploy'] }, StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', '222222222222', '333333333333'] } },
      { ArnLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/ssm-session-kit-bootstrap-deploy'] }, StringNotEquals: { 'aws:PrincipalAccount': ['000000000000'] } },
      { ArnLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/ssm-session-kit-prod-break-glass'] }, StringNotEquals: { 'aws:PrincipalAccount': ['333333333333'] } },
    ]);
    // The state bucket's configuration, for the bootstrap stack's pipeline alone.
    expect(denying('s3:PutBucketPolicy', 'arn:*:s3:::acme-ssm-session-kit-tfstate')).toBeDefined();
  });

  it('synthesizes no organization stack unless the config asks for one', () => {
    const raw = rawConfig();
    delete raw.organization;
    expect(Object.keys(synthProject(raw)).sort()).toEqual(['bootstrap', 'dev', 'prod', 'staging']);
  });

  it('lists the boundary suppressions it makes, with their reason', () => {
    const app = Testing.app();
    createStacks(app, validateConfig(rawConfig()));
    expect(complianceSuppressions(app).map((s) => `${s.path} ${s.rule}`)).toEqual([
      'bootstrap/guardrail/boundary HUMAN_POLICY_NO_WILDCARD_ACTION',
      'dev/guardrail/boundary HUMAN_POLICY_NO_WILDCARD_ACTION',
      'staging/guardrail/boundary HUMAN_POLICY_NO_WILDCARD_ACTION',
      'prod/guardrail/boundary HUMAN_POLICY_NO_WILDCARD_ACTION',
      'organization/guardrail/boundary HUMAN_POLICY_NO_WILDCARD_ACTION',
    ]);
  });
});

describe('guardrail config', () => {
  it.each<[string, (raw: any) => void, RegExp]>([
    ['a missing guardrails section', (r) => delete r.environments.dev.guardrails, /environment "dev", field "guardrails": is required/],
    ['a pipeline role that is not a role ARN', (r) => (r.environments.dev.guardrails.pipelineRoleArn = 'deployer'), /environment "dev", field "guardrails.pipelineRoleArn": must be the ARN of an IAM role/],
    ['an SCP target that is no root, OU or account', (r) => (r.organization.targetIds = ['workloads']), /organization, field "targetIds\[0\]": must be a root/],
    ['an organization without state', (r) => delete r.organization.state, /organization, field "state": is required/],
    ['a break-glass group without a reason', (r) => (r.environments.prod.accessGroups['break-glass'].runCommand = ' '),
      /environment "prod", field "accessGroups.break-glass.runCommand": must say why/],
    ['Run Command for a group without a role of its own', (r) => (r.environments.dev.accessGroups.developers.runCommand = 'debugging'),
      /environment "dev", field "accessGroups.developers.runCommand": needs createRole/],
    ['an environment in a region that is not a region', (r) => (r.environments.dev.region = 'eu-north-9'), /environment "dev", field "region": is not an AWS region/],
    ['a ManagedBy tag of its own, which the SCP keys on', (r) => (r.environments.dev.tags.ManagedBy = 'me'),
      /environment "dev", field "tags.ManagedBy": is set by the project/],
    ['a ManagedBy tag on an instance', (r) => (r.environments.dev.instances[0].tags = { ManagedBy: 'me' }),
      /environment "dev", field "instances\[0\].tags.ManagedBy": is set by the project/],
  ])('rejects %s', (_what, mutate, message) => {
    expect(configProblems(mutate)).toMatch(message);
  });
});

describe('the protected actions', () => {
  const trailResources: [string, string[]][] = [
    ['ssm', ['document']], ['logs', ['log-group', 'log-stream']], ['s3', ['bucket', 'object']], ['kms', ['key', 'alias']],
    // The alerting on it: rules on the default bus, the topic, the trail.
    ['events', ['rule-on-default-event-bus']], ['sns', ['topic']], ['cloudtrail', ['trail']],
    // The recording path: the roles and profiles the agent records with, the instances, the DHM setting.
    ['iam', ['role', 'instance-profile']], ['ssm', ['servicesetting', 'instance', 'managed-instance']], ['ec2', ['instance']],
    ['ec2-instance-connect', ['instance', 'instance-connect-endpoint']],
    // The trust chain: who becomes the pipeline, and the identity provider its roles trust.
    ['sts', ['role']], ['iam', ['oidc-provider']],
  ];
  // Actions with no resource type reach every resource of their service at once (logs:PutAccountPolicy).
  const servicesInvolved = ['ssm', 'logs', 's3', 'kms', 'events', 'sns', 'cloudtrail', 'iam', 'ec2', 'ec2-instance-connect', 'ssmmessages', 'ec2messages'];
  // (TRANSCRIPT_READ_ACTIONS are refused only with an archive: harmless otherwise, with that reason.)
  const protectedActions = [PROTECTED_ACTIONS, ALERTING_ACTIONS, RECORDING_PATH_ACTIONS, OTHER_WAYS_IN, TRUST_CHAIN_ACTIONS, IDENTITY_CENTER_ACTIONS, RECORDING_NETWORK_ACTIONS]
    .flatMap((list) => Object.values(list)).flat() as string[];
  const writes = (action: { accessLevel: string }) => /Write|Permissions management|Tagging/.test(action.accessLevel);
  const unsortedOf = (service: string, applies: (action: ReferenceAction) => boolean) => Object.values(serviceActions(service))
    .filter((action) => applies(action) && writes(action))
    .map((action) => `${service}:${action.name}`)
    .filter((name) => !protectedActions.includes(name) && !UNPROTECTED_ACTIONS[name]);

  it('sorts every action that writes to the trail\'s resources, its alerting or its recording path into denied or harmless, with a reason', () => {
    const unsorted = trailResources.flatMap(([service, types]) => unsortedOf(service, (a) => (a.resourceTypes ?? []).some((r) => types.includes(r.name))));
    expect(unsorted).toEqual([]);
  });

  it('sorts every write with no resource type in the services involved, which reaches all their resources at once', () => {
    const unsorted = servicesInvolved.flatMap((service) => unsortedOf(service, (a) => (a.resourceTypes ?? []).length === 0));
    expect(unsorted).toEqual([]);
    // What the walk above once missed: account-wide log policies apply to the session log group too.
    expect(protectedActions).toEqual(expect.arrayContaining(['logs:PutAccountPolicy', 'logs:DeleteAccountPolicy']));
  });

  it("denies the identity provider's changes by one action pattern that covers each of them, and beyond them only reads", () => {
    const pattern = new RegExp(`^${IDENTITY_PROVIDER_CHANGES.replace(/\*/g, '.*')}$`, 'i');
    const matched = Object.values(serviceActions('iam')).filter((a) => pattern.test(`iam:${a.name}`));
    const listed: readonly string[] = TRUST_CHAIN_ACTIONS.identityProvider;
    expect(listed.filter((a) => !pattern.test(a))).toEqual([]);
    expect(matched.filter((a) => !listed.includes(`iam:${a.name}`)).map((a) => a.accessLevel).filter((level) => !/^(Read|List)$/.test(level))).toEqual([]);
    expect(matched.length).toBeGreaterThan(listed.length);
  });

  it('names only actions the reference knows, each in one list', () => {
    const known = (name: string) => {
      const [service, action] = name.split(':');
      return serviceActions(service)[action.toLowerCase()] !== undefined;
    };
    expect([...protectedActions, ...Object.keys(UNPROTECTED_ACTIONS)].filter((a) => !known(a))).toEqual([]);
    expect(protectedActions.filter((a) => UNPROTECTED_ACTIONS[a])).toEqual([]);
  });
});

describe('the guardrails guide\'s what-stops-whom table', () => {
  it('is the evaluation of the policies the modules write', async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guardrails.md'), 'utf8');
    const table = /<!-- tamper-matrix[^>]*-->\n([\s\S]*?)\n<!-- \/tamper-matrix -->/.exec(readme)?.[1];
    const dev = validateConfig(rawConfig()).environments.find((e) => e.name === 'dev')!;
    expect(table).toBe(renderMatrix(await tamperMatrix(dev, { withScp: true, strict: [false, true] }), true));
  });
});

describe('the organization SCP for 100 environments', () => {
  const config = validateConfig(generatedConfig(100));
  const org = JSON.parse(Testing.synth(new OrganizationStack(Testing.app(), config.organization!, config), true));
  const scps = resources(org, 'aws_organizations_policy');
  const policies = scps.map((p) => asTerraformWrites(JSON.parse(p.content)));
  const admin = (account: string) => `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_${account}`;
  const request = (account: string, principal: string, action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
    scps: policies,
    context: { 'aws:PrincipalArn': principal, ...context },
  });
  const accounts = ['100000000001', '100000000050', '100000000100'];

  it('fits the policies a target takes, each within the limit, growing by an account id per environment and by no name', () => {
    const few = validateConfig(generatedConfig(3));
    const fewScps = resources(JSON.parse(Testing.synth(new OrganizationStack(Testing.app(), few.organization!, few), true)), 'aws_organizations_policy');
    const size = (list: Json[]) => list.reduce((n, p) => n + p.content.length, 0);
    // Each pipeline is the exception in its own account only: its account id ("100000000001",) is all that
    // grows, and the statements it pushes into a further policy take that policy's frame.
    const frame = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
    expect(size(scps) - size(fewScps)).toBeLessThanOrEqual(97 * '"100000000001",'.length + (scps.length - fewScps.length) * frame);
    expect(scps.length).toBeLessThanOrEqual(SCP_LIMITS.perTarget);
    for (const scp of scps) {
      expect(policySize(scp.content)).toBeLessThanOrEqual(SCP_LIMITS.characters);
      expect(scp.content.length).toBeLessThanOrEqual(SCP_LIMITS.characters);
    }
  });

  it('lets the pipeline of every account change the audit trail, and no administrator', async () => {
    for (const account of accounts) {
      const document = `arn:aws:ssm:eu-west-1:${account}:document/SSM-SessionManagerRunShell`;
      const bucket = `arn:aws:s3:::acme-ssm-sessions-env${Number(account.slice(-3))}-${account}`;
      const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
      expect(await request(account, pipeline, 'ssm:UpdateDocument', document)).toBe('Allowed');
      expect(await request(account, pipeline, 's3:PutLifecycleConfiguration', bucket)).toBe('Allowed');
      expect(await request(account, admin(account), 'ssm:UpdateDocument', document)).toBe('ExplicitlyDenied');
      expect(await request(account, admin(account), 's3:PutLifecycleConfiguration', bucket)).toBe('ExplicitlyDenied');
    }
  });

  it('keeps an administrator from becoming the pipeline: creating, re-trusting or assuming a role of its name', async () => {
    const account = accounts[1];
    const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
    for (const action of ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']) {
      expect({ action, decision: await request(account, admin(account), action, pipeline) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
    // Nor the role Organizations creates for the management account: it is an administrator of the account, not an exception.
    expect(await request(account, `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, 'iam:CreateRole', pipeline)).toBe('ExplicitlyDenied');
  });
});
