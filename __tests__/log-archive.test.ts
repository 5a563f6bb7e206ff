import * as fs from 'fs';
import * as path from 'path';
import { isAuditTrail } from '../scripts/drift-report';
import { retainedResources } from '../scripts/retained-resources';
import type { StackValidation } from '../scripts/lib/offline-validation';
import { PROTECTED_ACTIONS } from '../modules/guardrails';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { configProblems, rawConfig } from './helpers';
import { validateConfig } from '../config/validate';
import { accessReport } from '../scripts/lib/access-report';
import { transcriptLocation } from '../scripts/lib/session-audit';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { cloudTrailEvent, roleSession, watchedCalls } from './support/cloudtrail';
import { matches } from './support/event-pattern';
import { expectChainAlerts, firing, plannedAlertRules } from './support/trust-chain-alerts';
import { archiveAndIdentityCenter } from './support/archive-and-identity-center';
import { ARCHIVE_ACCOUNT, ARCHIVE_BUCKET, ARCHIVE_PIPELINE, ARCHIVE_READER, ORGANIZATION_ID, withLogArchive } from './support/log-archive-config';

/**
 * The central log archive, cross-account, on the policies as Terraform plans them with the real AWS
 * provider (each stack in its own account), decided by the IAM policy engine.
 */
jest.setTimeout(10 * 60_000);

const ARCHIVE = ARCHIVE_ACCOUNT;
const ORG = ORGANIZATION_ID;
const BUCKET = ARCHIVE_BUCKET;
const bucketArn = `arn:aws:s3:::${BUCKET}`;
const keyArn = `arn:aws:kms:eu-west-1:${ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const archivePipeline = ARCHIVE_PIPELINE;
const reader = ARCHIVE_READER;

function archivedConfig(): any {
  const raw = withLogArchive(rawConfig());
  delete raw.$schema;
  return raw;
}

let plans: Record<string, ResolvedPlan>;
/** The archive's key (the alert topic has a key of its own). */
const archiveKey = () => plans['log-archive'].one('aws_kms_key', (v) => v.description === 'Encrypts the central archive of Session Manager transcripts');
let results: StackValidation[];

let outdir: string;

beforeAll(async () => {
  // Planned once per test run with Identity Center's tests, on a config with both.
  const shared = await archiveAndIdentityCenter();
  outdir = shared.outdir;
  results = ['log-archive', 'prod', 'staging', 'organization'].map((stack) => shared.results[stack]);
  plans = Object.fromEntries(results.map((r) => [r.stack, new ResolvedPlan(r.planFile!)]));
});

it('plans the archive stack and the environments writing to it, offline, with the real AWS provider', () => {
  expect(results.map((r) => ({ stack: r.stack, ok: r.ok, diagnostics: r.diagnostics }))).toEqual(
    ['log-archive', 'prod', 'staging', 'organization'].map((stack) => ({ stack, ok: true, diagnostics: [] })),
  );
  const archive = plans['log-archive'];
  expect(archive.one('aws_s3_bucket').values).toMatchObject({ bucket: BUCKET, object_lock_enabled: true });
  expect(archive.one('aws_s3_bucket_object_lock_configuration').values.rule[0].default_retention[0]).toMatchObject({ mode: 'COMPLIANCE', days: 365 });
  // Session Manager's preferences in prod name the archive and prod's part of it.
  const preferences = JSON.parse(plans.prod.one('aws_ssm_document', (v) => v.name === 'SSM-SessionManagerRunShell').values.content).inputs;
  expect(preferences).toMatchObject({ s3BucketName: BUCKET, s3KeyPrefix: 'prod', s3EncryptionEnabled: true });
});

describe('who may do what in the archive', () => {
  const bucketPolicy = () => plans['log-archive'].policy(plans['log-archive'].one('aws_s3_bucket_policy'));
  const keyPolicy = () => plans['log-archive'].policy(archiveKey());
  const scps = () => plans.organization.all('aws_organizations_policy').map((p) => plans.organization.policy(p, 'content'));

  /**
   * A request in the archive account by a principal of `account`: identity policies from that
   * account, the bucket's (or key's) policy, the organization's SCPs where the account is under them.
   * Context as AWS documents it: aws:PrincipalArn the role's ARN, aws:PrincipalOrgID the organization
   * of the principal's account ("AWS global condition context keys"); a call S3 makes to KMS for its
   * caller carries kms:ViaService `s3.<region>.amazonaws.com` and the object's (or with S3 Bucket Keys,
   * the bucket's) ARN as kms:EncryptionContext:aws:s3:arn ("AWS KMS condition keys", "Using server-side
   * encryption with AWS KMS keys (SSE-KMS)": Encryption context).
   */
  const ask = (who: { arn: string; org?: string; policies: { name: string; policy: PolicyJson }[]; underScp?: boolean }, action: string, resource: string, extra: Record<string, string> = {}) => decide({
    principal: who.arn, action, resource, resourceAccount: ARCHIVE,
    identityPolicies: who.policies,
    resourcePolicy: action.startsWith('kms:') ? keyPolicy() : bucketPolicy(),
    scps: who.underScp ? scps() : undefined,
    context: { 'aws:PrincipalArn': who.arn, 'aws:PrincipalIsAWSService': 'false', ...(who.org ? { 'aws:PrincipalOrgID': who.org } : {}), ...extra },
  });
  const throughS3 = (object: string) => ({ 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': object });
  const admin = (account: string) => ({ arn: `arn:aws:iam::${account}:role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6789`, org: ORG, policies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }] });
  // The role's inline policies: the AWS managed policies beside them (AmazonSSMManagedInstanceCore,
  // AmazonSSMManagedEC2InstanceDefaultPolicy) grant Systems Manager's own actions, no S3 and no KMS.
  // aws:PrincipalArn of a role session is the role's ARN, path included ("AWS global condition context keys").
  const recorder = (env: 'prod' | 'staging', account: string, role = `ssm-session-kit-${env}-instance`, rolePath = '/') => ({
    arn: `arn:aws:iam::${account}:role${rolePath}${role}`, org: ORG, policies: plans[env].inlinePolicies(role),
  });

  it("lets an environment's recording roles write under its own prefix only, and neither read nor delete", async () => {
    for (const [role, rolePath] of [['ssm-session-kit-prod-instance', '/'], ['ssm-session-kit-prod-default-host-management', '/service-role/']]) {
      const prod = recorder('prod', '333333333333', role, rolePath);
      expect(await ask(prod, 's3:PutObject', `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`)).toBe('Allowed');
      expect(await ask(prod, 's3:GetEncryptionConfiguration', bucketArn)).toBe('Allowed');
      expect(await ask(prod, 'kms:GenerateDataKey', keyArn, throughS3(bucketArn))).toBe('Allowed');
      expect(await ask(prod, 's3:PutObject', `${bucketArn}/staging/alice-0a1b2c3d4e5f67890.log`)).not.toBe('Allowed');
      expect(await ask(prod, 's3:PutObject', `${bucketArn}/prod-other/x.log`)).not.toBe('Allowed');
      expect(await ask(prod, 's3:GetObject', `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`)).not.toBe('Allowed');
      expect(await ask(prod, 's3:DeleteObject', `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`)).not.toBe('Allowed');
      // Decrypting the key outside S3 (reading a transcript's data key directly) is refused, and so is
      // using it through S3 for another bucket.
      expect(await ask(prod, 'kms:Decrypt', keyArn)).not.toBe('Allowed');
      expect(await ask(prod, 'kms:GenerateDataKey', keyArn, throughS3('arn:aws:s3:::another-bucket'))).not.toBe('Allowed');
    }
    expect(await ask(recorder('staging', '222222222222'), 's3:PutObject', `${bucketArn}/staging/bob-0a1b2c3d4e5f67890.log`)).toBe('Allowed');
  });

  it("refuses an environment's administrator everything in the archive, with or without the SCP", async () => {
    for (const underScp of [false, true]) {
      const prodAdmin = { ...admin('333333333333'), underScp };
      for (const [action, resource] of [
        ['s3:GetObject', `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`], ['s3:DeleteObject', `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`],
        ['s3:PutObject', `${bucketArn}/prod/forged.log`], ['s3:PutBucketPolicy', bucketArn], ['s3:PutLifecycleConfiguration', bucketArn],
        ['s3:ListBucket', bucketArn], ['kms:Decrypt', keyArn], ['kms:PutKeyPolicy', keyArn],
      ]) {
        expect({ action, underScp, decision: await ask(prodAdmin, action, resource) }).toEqual({ action, underScp, decision: expect.not.stringMatching(/^Allowed$/) });
      }
    }
  });

  it("refuses the archive's own administrator deleting, shortening retention, reading or re-policying; the pipeline may change the policies", async () => {
    const archiveAdmin = admin(ARCHIVE);
    const object = `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`;
    for (const underScp of [false, true]) {
      const who = { ...archiveAdmin, underScp };
      for (const action of PROTECTED_ACTIONS.logObjects) expect({ action, decision: await ask(who, action, object) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      for (const action of PROTECTED_ACTIONS.logBucket) expect({ action, decision: await ask(who, action, bucketArn) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
        expect({ action, decision: await ask(who, action, keyArn, { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' }) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      }
      expect(await ask(who, 's3:GetObject', object)).toBe('ExplicitlyDenied');
      expect(await ask(who, 'kms:Decrypt', keyArn, throughS3(object))).toBe('ExplicitlyDenied');
    }
    const pipeline = { arn: archivePipeline, org: ORG, policies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], underScp: true };
    expect(await ask(pipeline, 's3:PutBucketPolicy', bucketArn)).toBe('Allowed');
    expect(await ask(pipeline, 'kms:PutKeyPolicy', keyArn)).toBe('Allowed');
  });

  it('lets the readers read and decrypt, and nobody outside the organization anything', async () => {
    const readerPolicy: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 'kms:Decrypt'], Resource: '*' }] };
    const auditor = { arn: reader, org: ORG, policies: [{ name: 'read-archive', policy: readerPolicy }] };
    const object = `${bucketArn}/prod/alice-0a1b2c3d4e5f67890.log`;
    expect(await ask(auditor, 's3:GetObject', object)).toBe('Allowed');
    expect(await ask(auditor, 's3:ListBucket', bucketArn)).toBe('Allowed');
    expect(await ask(auditor, 'kms:Decrypt', keyArn, throughS3(object))).toBe('Allowed');
    expect(await ask(auditor, 's3:DeleteObject', object)).not.toBe('Allowed');
    // The same role names in an account outside the organization.
    const outsider = (arn: string) => ({ arn, org: 'o-zzzzzzzzzz', policies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }] });
    expect(await ask(outsider(reader), 's3:GetObject', object)).toBe('ExplicitlyDenied');
    expect(await ask({ ...recorder('prod', '333333333333'), org: 'o-zzzzzzzzzz' }, 's3:PutObject', `${bucketArn}/prod/x.log`)).toBe('ExplicitlyDenied');
    expect(await ask({ ...recorder('prod', '333333333333'), org: undefined }, 's3:PutObject', `${bucketArn}/prod/x.log`)).toBe('ExplicitlyDenied');
  });
});

describe('alerts in the archive account', () => {
  it("alert when anyone but the archive's pipeline touches the bucket, a transcript or the key, allowed or refused", () => {
    const archive = plans['log-archive'];
    const patterns = archive.all('aws_cloudwatch_event_rule').map((r) => JSON.parse(r.values.event_pattern));
    const key = archiveKey().values;
    const alias = archive.all('aws_kms_alias').find((a) => a.values.target_key_id === key.key_id)!.values.name;
    const calls = watchedCalls({
      document: '-', logGroup: '-', logGroupArn: '-', bucket: BUCKET, keyArn: key.arn, keyAlias: alias, ruleName: '-', topicArn: '-', trailName: '-',
    });
    const at = { account: ARCHIVE, region: 'eu-west-1' };
    const admin = roleSession(ARCHIVE, 'AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6789', 'mallory@example.com', '/aws-reserved/sso.amazonaws.com/eu-west-1/');
    const pipeline = roleSession(ARCHIVE, 'ssm-session-kit-log-archive-deploy', 'deploy');
    for (const call of [...calls['log-bucket'], ...calls['log-objects'], ...calls.key]) {
      for (const denied of [false, true]) {
        expect({ call: call.eventName, alerts: patterns.some((p) => matches(p, cloudTrailEvent(call, admin, { ...at, denied }))) }).toEqual({ call: call.eventName, alerts: true });
      }
      expect({ call: call.eventName, alerts: patterns.some((p) => matches(p, cloudTrailEvent(call, pipeline, at))) }).toEqual({ call: call.eventName, alerts: false });
    }
    // The trail that feeds them records the archive's object-level writes, into the archive itself.
    expect(archive.one('aws_cloudtrail').values).toMatchObject({ s3_bucket_name: BUCKET, s3_key_prefix: 'cloudtrail', enable_logging: true, is_multi_region_trail: true });
  });

  it('alert when anyone moves on the archive pipeline or OrganizationAccountAccessRole, IAM\'s and the global STS endpoint\'s forwarded from us-east-1', () => {
    const rules = plannedAlertRules(plans['log-archive'], 'ssm-session-kit-log-archive-alert-');
    expect(Object.keys(rules.forwards).sort()).toEqual(['trust-chain', 'trust-chain-roles']);
    expectChainAlerts(rules, { account: ARCHIVE, region: 'eu-west-1' }, ['ssm-session-kit-log-archive-deploy', 'OrganizationAccountAccessRole'],
      roleSession(ARCHIVE, 'ssm-session-kit-log-archive-deploy', 'deploy'));
  });
});

describe('one readable copy: the CloudWatch copy of an archived environment', () => {
  const account = '333333333333';
  const logGroup = 'arn:aws:logs:eu-central-1:333333333333:log-group:/ssm-session-kit/prod/sessions';
  // The read calls and the log group or stream each names ("Actions, resources, and condition keys for
  // Amazon CloudWatch Logs": GetLogEvents on a stream, the others on the group).
  const reads: [string, string][] = [
    ['logs:GetLogEvents', `${logGroup}:log-stream:alice-0a1b2c3d`], ['logs:FilterLogEvents', logGroup], ['logs:StartQuery', logGroup],
    ['logs:StartLiveTail', logGroup], ['logs:CreateExportTask', logGroup], ['logs:Unmask', logGroup],
    // What carries events elsewhere: an anomaly detector keeps sample events, a metric filter their fields.
    ['logs:CreateLogAnomalyDetector', logGroup], ['logs:PutMetricFilter', logGroup], ['logs:IntegrateWithS3Table', logGroup],
  ];

  it("is refused to prod's administrator (deny policies) and to any bounded role, whatever they are granted; the pipeline keeps it", async () => {
    const prod = plans.prod;
    const denyPolicies = ['audit-trail-guardrail', 'recording-path-guardrail'].map((n) => ({ name: n, policy: prod.managedPolicy(`ssm-session-kit-prod-${n}`) }));
    const boundary = prod.managedPolicy('ssm-session-kit-prod-permissions-boundary');
    const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_prod`;
    const request = (principal: string, action: string, resource: string, extra: object) => decide({
      principal, action, resource, resourceAccount: account, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], ...extra,
      context: { 'aws:PrincipalArn': principal },
    });
    for (const [action, resource] of reads) {
      expect({ action, decision: await request(admin, action, resource, { identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...denyPolicies] }) })
        .toEqual({ action, decision: 'ExplicitlyDenied' });
      expect({ action, decision: await request(`arn:aws:iam::${account}:role/ssm-session-kit-prod-operators`, action, resource, { permissionBoundary: boundary }) })
        .toEqual({ action, decision: 'ExplicitlyDenied' });
      expect({ action, decision: await request('arn:aws:iam::333333333333:role/ssm-session-kit-deploy', action, resource, {}) }).toEqual({ action, decision: 'Allowed' });
    }
  });

  it("leaves the state's pipelines their locks under the SCP, though the archive's bucket and the state's share a prefix", async () => {
    // acme-ssm-session-archive-... and acme-ssm-session-kit-tfstate: a pattern of the log buckets must not reach the state.
    const scps = plans.organization.scps();
    const stateRole = 'arn:aws:iam::000000000000:role/ssm-session-kit-state-prod';
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect({ action, decision: await decide({
        principal: stateRole, action, resource: 'arn:aws:s3:::acme-ssm-session-kit-tfstate/ssm-session-kit/prod/terraform.tfstate.tflock', resourceAccount: '000000000000',
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], scps, context: { 'aws:PrincipalArn': stateRole },
      }) }).toEqual({ action, decision: 'Allowed' });
    }
  });

  it('alerts on reading it, a read-only call, from a rule that receives read-only events', () => {
    const rules = plannedAlertRules(plans.prod, 'ssm-session-kit-prod-alert-');
    expect(rules.here.reads.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    const admin = roleSession(account, 'AWSReservedSSO_Administrators_prod', 'mallory@example.com');
    // ("Amazon CloudWatch Logs API Reference") StartQuery names groups by logGroupName(s) or logGroupIdentifiers.
    const queries = [
      { logGroupName: '/ssm-session-kit/prod/sessions', queryString: 'fields @message', startTime: 0, endTime: 1 },
      { logGroupIdentifiers: [logGroup], queryString: 'fields @message', startTime: 0, endTime: 1 },
    ];
    for (const requestParameters of queries) {
      for (const denied of [false, true]) {
        const event = cloudTrailEvent({ service: 'logs', eventName: 'StartQuery', requestParameters, readOnly: true }, admin, { account, region: 'eu-central-1', denied });
        expect({ denied, firing: firing(rules.here, event) }).toEqual({ denied, firing: ['reads'] });
      }
    }
    const elsewhere = cloudTrailEvent({ service: 'logs', eventName: 'StartQuery', requestParameters: { logGroupName: '/aws/lambda/orders', queryString: 'x' }, readOnly: true }, admin, { account, region: 'eu-central-1' });
    expect(firing(rules.here, elsewhere)).toEqual([]);
  });
});

describe('the archive as audit trail in the reports', () => {
  it('reports drift in any of its resources as audit-trail drift, and keeps them all when decommissioned', () => {
    const archive = plans['log-archive'];
    const addresses = ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_s3_bucket_object_lock_configuration', 'aws_cloudwatch_event_rule']
      .flatMap((type) => archive.all(type).map((r) => r.address));
    expect(addresses.filter((a) => !isAuditTrail(a))).toEqual([]);
    const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'log-archive', 'cdk.tf.json'), 'utf8'));
    const kept = retainedResources(synthesized);
    const archived = ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_s3_bucket_object_lock_configuration', 'aws_s3_bucket_lifecycle_configuration']
      .flatMap((type) => archive.all(type).map((r) => r.address).filter((a) => a.startsWith(`${type}.log-archive_`)));
    expect(archived).toHaveLength(5);
    expect(kept).toEqual(expect.arrayContaining(archived));
  });
});

describe('the access report', () => {
  it("says where each environment's transcripts are, who reads them, and what the archive's administrators cannot do", () => {
    const report = accessReport(validateConfig(archivedConfig()));
    expect(report).toContain(`  transcripts: s3://${BUCKET}/prod/ in the log archive (account ${ARCHIVE}), read only by ${reader}; log group /ssm-session-kit/prod/sessions in this account`);
    expect(report).toContain('  transcripts: s3://acme-ssm-sessions-dev-111111111111/sessions/ and log group /ssm-session-kit/dev/sessions in this account');
    expect(report).toMatch(new RegExp(`^log archive \\(account ${ARCHIVE}, eu-west-1\\): s3://${BUCKET}\n  written by: staging under staging/ \\(account 222222222222\\), prod under prod/ \\(account 333333333333\\)`, 'm'));
    expect(report).toContain(`only ${archivePipeline} can; every attempt alerts`);
    // Without a log archive, every environment keeps its own, and the report has no archive section.
    const single = accessReport(validateConfig(rawConfig()));
    expect(single).toContain('  transcripts: s3://acme-ssm-sessions-prod-333333333333/sessions/ and log group /ssm-session-kit/prod/sessions in this account');
    expect(single).not.toContain('log archive');
  });
});

describe('the transcript audit', () => {
  it("reads an archived environment's transcripts from its part of the archive, in the archive's region", () => {
    const config = validateConfig(archivedConfig());
    const env = (name: string) => config.environments.find((e) => e.name === name)!;
    expect(transcriptLocation(env('prod'))).toEqual({
      bucket: BUCKET, prefix: 'prod/', bucketRegion: 'eu-west-1', logGroup: '/ssm-session-kit/prod/sessions', region: 'eu-central-1',
    });
    expect(transcriptLocation(env('dev'))).toMatchObject({ bucket: 'acme-ssm-sessions-dev-111111111111', prefix: 'sessions/', bucketRegion: 'eu-west-1' });
  });
});

describe('log archive config', () => {
  it.each([
    ['an environment sending to an archive that is not configured', (raw: any) => { raw.environments.prod.sessionLogging.destination = 'archive'; },
      /environment "prod", field "sessionLogging.destination": is "archive", but the config has no logArchive/],
    ['the archive bucket equal to an environment\'s bucket', (raw: any) => {
      Object.assign(raw, { logArchive: archivedConfig().logArchive });
      raw.logArchive.bucketName = raw.environments.prod.sessionLogging.bucketName;
    }, /log-archive, field "bucketName": "acme-ssm-sessions-prod-333333333333" is also environment "prod"'s sessionLogging\.bucketName: bucket names are global/],
    ['readers that are not role ARNs', (raw: any) => {
      Object.assign(raw, { logArchive: archivedConfig().logArchive });
      raw.logArchive.readerArns = ['security-auditors', 'arn:aws:iam::*:role/auditors'];
    }, /log-archive, field "readerArns\[0\]": must be the ARN of an IAM role in a named account[\s\S]*field "readerArns\[1\]"/],
    ['an organization id AWS would not issue', (raw: any) => {
      Object.assign(raw, { logArchive: { ...archivedConfig().logArchive, organizationId: 'org-1' } });
    }, /log-archive, field "organizationId": must be an organization id/],
    ['a destination that is neither', (raw: any) => { raw.environments.prod.sessionLogging.destination = 'central'; },
      /environment "prod", field "sessionLogging.destination": must be "archive" or "local"/],
  ])('refuses %s, naming the field', (_what, mutate, message) => {
    expect(configProblems(mutate)).toMatch(message);
  });
});

describe('the IAM engine on KMS encryption context keys', () => {
  // "AWS KMS condition keys": kms:EncryptionContext:<key> is a string key, one per pair of the request's
  // encryption context. The engine resolves variable key parts only after a slash; decide() closes that.
  const request = (allowedContext: string[], sent: string) => decide({
    principal: 'arn:aws:iam::333333333333:role/r', action: 'kms:GenerateDataKey', resource: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    resourceAccount: '333333333333',
    identityPolicies: [{ name: 'x', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': allowedContext } } }] } }],
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'kms:*', Resource: '*' }] },
    context: { 'kms:EncryptionContext:aws:s3:arn': sent },
  });

  it('matches a pair of the context against the policy, and no other value', async () => {
    expect(await request(['arn:aws:s3:::b', 'arn:aws:s3:::b/prod/*'], 'arn:aws:s3:::b/prod/x.log')).toBe('Allowed');
    expect(await request(['arn:aws:s3:::b', 'arn:aws:s3:::b/prod/*'], 'arn:aws:s3:::b')).toBe('Allowed');
    expect(await request(['arn:aws:s3:::b', 'arn:aws:s3:::b/prod/*'], 'arn:aws:s3:::b/staging/x.log')).toBe('ImplicitlyDenied');
  });
});
