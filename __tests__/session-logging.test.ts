import { Testing } from 'cdktf';
import { validateConfig } from '../config/validate';
import { createStacks } from '../stacks';
import { SessionLogging, SessionLoggingProps } from '../modules/session-logging';
import { configProblems, Json, only, policyStatements, rawConfig, resources, synthStack } from './helpers';

function synthEnvironments(raw: any = rawConfig()): Record<string, Json> {
  const stacks = createStacks(Testing.app(), validateConfig(raw));
  return Object.fromEntries(stacks.environments.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true))]));
}

function preferencesOf(stack: Json): Json {
  const document = resources(stack, 'aws_ssm_document').find((d) => d.document_type === 'Session' && JSON.parse(d.content).sessionType === 'Standard_Stream')!;
  expect(document).toMatchObject({ name: 'SSM-SessionManagerRunShell', document_type: 'Session', document_format: 'JSON' });
  const content = JSON.parse(document.content);
  expect(content).toMatchObject({ schemaVersion: '1.0', sessionType: 'Standard_Stream' });
  return content.inputs;
}

const KEY_ID = expect.stringMatching(/^\$\{aws_kms_key\.\S+\.key_id\}$/);
const KEY_ARN = expect.stringMatching(/^\$\{aws_kms_key\.\S+\.arn\}$/);

describe('session logging in every environment', () => {
  const stacks = synthEnvironments();

  it('records dev sessions to S3 and CloudWatch, both encrypted, with the session key', () => {
    expect(preferencesOf(stacks.dev)).toEqual({
      s3BucketName: 'acme-ssm-sessions-dev-111111111111',
      s3KeyPrefix: 'sessions',
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: '/ssm-session-kit/dev/sessions',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      kmsKeyId: KEY_ID,
      idleSessionTimeout: '30',
      maxSessionDuration: '',
      runAsEnabled: false,
      runAsDefaultUser: '',
      shellProfile: { linux: '', windows: '' },
    });
  });

  it('sets every prod preference from its config', () => {
    expect(preferencesOf(stacks.prod)).toEqual({
      s3BucketName: 'acme-ssm-sessions-prod-333333333333',
      s3KeyPrefix: 'sessions',
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: '/ssm-session-kit/prod/sessions',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      kmsKeyId: KEY_ID,
      idleSessionTimeout: '15',
      maxSessionDuration: '120',
      runAsEnabled: true,
      runAsDefaultUser: 'ssm-operator',
      shellProfile: { linux: 'exec /bin/bash -l', windows: '' },
    });
  });

  it('keeps prod records longer, write-once, and its key harder to delete', () => {
    const retention = (env: string) => ({
      logDays: only(stacks[env], 'aws_cloudwatch_log_group').retention_in_days,
      expireDays: only(stacks[env], 'aws_s3_bucket_lifecycle_configuration').rule[0].expiration[0].days,
      keyWindow: resources(stacks[env], 'aws_kms_key')[0].deletion_window_in_days,
      objectLock: resources(stacks[env], 'aws_s3_bucket_object_lock_configuration').map((l) => l.rule.default_retention),
    });
    expect(retention('dev')).toEqual({ logDays: 30, expireDays: 90, keyWindow: 7, objectLock: [] });
    expect(retention('prod')).toEqual({ logDays: 400, expireDays: 2557, keyWindow: 30, objectLock: [{ mode: 'COMPLIANCE', days: 365 }] });
    expect(only(stacks.prod, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(only(stacks.dev, 'aws_s3_bucket').object_lock_enabled).toBeUndefined();
    expect(only(stacks.prod, 'aws_s3_bucket_logging')).toMatchObject({
      target_bucket: 'acme-s3-access-logs-333333333333',
      target_prefix: 'acme-ssm-sessions-prod-333333333333/',
    });
    expect(resources(stacks.dev, 'aws_s3_bucket_logging')).toEqual([]);
  });

  it.each(['dev', 'staging', 'prod'])("%s keeps the alert trail's log files, in the log bucket, as long as the session logs", (env) => {
    const [lifecycle] = resources(stacks[env], 'aws_s3_bucket_lifecycle_configuration');
    const rule = (prefix: string) => lifecycle.rule.find((r: Json) => r.filter[0].prefix === prefix);
    const [sessions, trail] = [rule('sessions/'), rule('cloudtrail/')];
    expect({ ...trail, id: undefined, filter: undefined }).toEqual({ ...sessions, id: undefined, filter: undefined });
    // Sign-offs too, where the environment has reviewers (dev and prod).
    const reviews = rule('reviews/');
    expect(reviews && { ...reviews, id: undefined, filter: undefined }).toEqual(env === 'staging' ? undefined : { ...sessions, id: undefined, filter: undefined });
    const bucketName = resources(stacks[env], 'aws_s3_bucket')[0].bucket;
    expect(resources(stacks[env], 'aws_cloudtrail')).toEqual([expect.objectContaining({ s3_key_prefix: 'cloudtrail', s3_bucket_name: bucketName })]);
  });

  it.each(['dev', 'staging', 'prod'])('%s protects its audit resources from destroy', (env) => {
    for (const type of ['aws_s3_bucket', 'aws_cloudwatch_log_group']) {
      expect(only(stacks[env], type).lifecycle).toEqual({ prevent_destroy: true });
    }
    // The session key and the alert topic's.
    expect(resources(stacks[env], 'aws_kms_key').map((k) => k.lifecycle)).toEqual([{ prevent_destroy: true }, { prevent_destroy: true }]);
    expect(only(stacks[env], 'aws_s3_bucket').force_destroy).toBeUndefined();
  });

  it('grants the instance role writes under its own bucket prefix', () => {
    const [statements] = policyStatements(stacks.staging, 'aws_iam_role_policy');
    expect(statements.find((s) => s.Sid === 'WriteSessionLogObjects')!.Resource)
      .toMatch(/^arn:\$\{data\.aws_partition\.\S+\.partition\}:s3:::acme-ssm-sessions-staging-222222222222\/sessions\/\*$/);
  });
});

describe('SessionLogging', () => {
  const build = (props: Partial<SessionLoggingProps> = {}): Json =>
    synthStack((s) => new SessionLogging(s, 'logging', { bucketName: 'session-logs', ...props }));

  describe('by default', () => {
    const stack = build();

    it('sets secure, documented defaults in the preferences', () => {
      expect(preferencesOf(stack)).toMatchObject({
        s3KeyPrefix: 'sessions',
        cloudWatchLogGroupName: '/ssm-session-kit/sessions',
        idleSessionTimeout: '20',
        maxSessionDuration: '',
        runAsEnabled: false,
        cloudWatchStreamingEnabled: true,
      });
    });

    it('encrypts the log group and the bucket with one rotating key', () => {
      expect(only(stack, 'aws_cloudwatch_log_group')).toMatchObject({ retention_in_days: 365, kms_key_id: KEY_ARN });
      expect(only(stack, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(only(stack, 'aws_kms_alias').name).toBe('alias/ssm-session-kit-sessions');
      const [rule] = only(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule;
      expect(rule).toEqual({ bucket_key_enabled: true, apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN } });
    });

    it('lets CloudWatch Logs use the key for the session log group only', () => {
      const [statements] = policyStatements(stack, 'aws_kms_key');
      const logs = statements.find((s) => s.Sid === 'CloudWatchLogsEncryptsSessionLogGroup')!;
      expect(logs.Principal).toEqual({ Service: expect.stringMatching(/^logs\.\$\{data\.aws_region\.\S+\.id\}\.amazonaws\.com$/) });
      expect(logs.Condition).toEqual({
        ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': expect.stringMatching(/:log-group:\/ssm-session-kit\/sessions$/) },
      });
    });

    it('closes the bucket: versioned, no public access, no ACLs, TLS only', () => {
      expect(only(stack, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
      expect(only(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      expect(only(stack, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      const [statements] = policyStatements(stack, 'aws_s3_bucket_policy');
      expect(statements.map((s) => [s.Sid, s.Effect, s.Condition])).toEqual([
        ['DenyInsecureTransport', 'Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
        ['DenyOutdatedTls', 'Deny', { NumericLessThan: { 's3:TlsVersion': '1.2' } }],
      ]);
    });

    it('archives after 90 days and expires after a year, and nothing else', () => {
      expect(only(stack, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([{
        id: 'archive-then-expire-session-logs',
        status: 'Enabled',
        filter: [{ prefix: 'sessions/' }],
        transition: [{ days: 90, storage_class: 'GLACIER_IR' }],
        expiration: [{ days: 365 }],
        noncurrent_version_expiration: [{ noncurrent_days: 365 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }]);
      expect(resources(stack, 'aws_s3_bucket_object_lock_configuration')).toEqual([]);
      expect(resources(stack, 'aws_s3_bucket_logging')).toEqual([]);
      expect(stack.import).toBeUndefined();
    });
  });

  it('takes over an existing preferences document with an import', () => {
    const stack = build({ importExistingDocument: true });
    expect(stack.import).toEqual([{ id: 'SSM-SessionManagerRunShell', to: expect.stringMatching(/^aws_ssm_document\.\S+$/) }]);
  });

  it('honours a custom prefix, stream setting and Windows profile', () => {
    const stack = build({ keyPrefix: 'audit/ssm', cloudWatchStreaming: false, shellProfile: { windows: 'Set-Location C:\\' } });
    expect(preferencesOf(stack)).toMatchObject({
      s3KeyPrefix: 'audit/ssm',
      cloudWatchStreamingEnabled: false,
      shellProfile: { linux: '', windows: 'Set-Location C:\\' },
    });
    expect(only(stack, 'aws_s3_bucket_lifecycle_configuration').rule[0].filter).toEqual([{ prefix: 'audit/ssm/' }]);
  });

  it.each<[Partial<SessionLoggingProps>, RegExp]>([
    [{ idleSessionTimeoutMinutes: 0 }, /idleSessionTimeoutMinutes must be a whole number from 1 to 60/],
    [{ idleSessionTimeoutMinutes: 61 }, /idleSessionTimeoutMinutes must be a whole number from 1 to 60/],
    [{ maxSessionDurationMinutes: 1441 }, /maxSessionDurationMinutes must be a whole number from 1 to 1440/],
    [{ logRetentionDays: 45 }, /logRetentionDays must be one of the periods CloudWatch accepts/],
    [{ keyDeletionWindowInDays: 31 }, /keyDeletionWindowInDays must be a whole number from 7 to 30/],
    [{ archiveAfterDays: 400, expireAfterDays: 365 }, /expireAfterDays must be later than archiveAfterDays/],
    [{ objectLock: { mode: 'LEGAL' as any, days: 10 } }, /objectLock.mode must be GOVERNANCE or COMPLIANCE/],
    [{ keyPrefix: '/sessions/' }, /keyPrefix must be S3-safe/],
    [{ runAsDefaultUser: 'Root User' }, /runAsDefaultUser must be a Linux user name/],
  ])('refuses %j', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('session logging config', () => {
  const problems = (mutate: (logging: any) => void) => configProblems((raw) => mutate(raw.environments.prod.sessionLogging));

  it.each<[string, (l: any) => void, RegExp]>([
    ['an idle timeout out of range', (l) => (l.idleSessionTimeoutMinutes = 90), /environment "prod", field "sessionLogging.idleSessionTimeoutMinutes": must be a whole number from 1 to 60 \(got 90\)/],
    ['a max duration out of range', (l) => (l.maxSessionDurationMinutes = 0), /field "sessionLogging.maxSessionDurationMinutes": must be a whole number from 1 to 1440/],
    ['a retention CloudWatch refuses', (l) => (l.logRetentionDays = 100), /field "sessionLogging.logRetentionDays": must be one of the periods CloudWatch accepts/],
    ['a bucket name AWS would refuse', (l) => (l.bucketName = 'Sessions_Prod'), /field "sessionLogging.bucketName": may hold only lower-case/],
    ['an unknown object lock mode', (l) => (l.objectLock.mode = 'STRICT'), /field "sessionLogging.objectLock.mode": must be GOVERNANCE or COMPLIANCE/],
    ['object lock days out of range', (l) => (l.objectLock.days = 0), /field "sessionLogging.objectLock.days": must be a whole number from 1 to 36500/],
    ['a timeout written as text', (l) => (l.idleSessionTimeoutMinutes = '20'), /field "sessionLogging.idleSessionTimeoutMinutes": must be a number/],
    ['a missing bucket', (l) => delete l.bucketName, /field "sessionLogging.bucketName": is required/],
    ['a misspelt option', (l) => (l.idleTimeout = 20), /field "sessionLogging.idleTimeout": is not a known field/],
  ])('rejects %s, naming environment and field', (_what, mutate, message) => {
    expect(problems(mutate)).toMatch(message);
  });

  it('requires session logging in every environment', () => {
    const raw = rawConfig();
    delete raw.environments.dev.sessionLogging;
    expect(() => validateConfig(raw)).toThrow(/environment "dev", field "sessionLogging": is required/);
  });
});
