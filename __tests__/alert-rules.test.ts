import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { Json } from './helpers';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import type { RuleOf } from './support/event-pattern';
import { tamperRecords } from './support/tamper-calls';
import { tamperMoves } from '../scripts/lib/tamper-report';
import { loadConfig } from '../config/load';
import { firing as firingOf, plannedAlertRules } from './support/trust-chain-alerts';
import { ApiCall, cloudTrailEvent, iamUser, identityCenterSession, Named, otherAccount, recordingPathCalls, roleSession, rootUser, startSession, trustChainCalls, watchedCalls } from './support/cloudtrail';

/** The alert rules as the plans resolve them, matched against CloudTrail records of every watched call. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
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
  let patterns: Record<string, RuleOf>;
  /** The rules in us-east-1 that forward its events here, by the name they share with the rule here. */
  let forwards: Record<string, RuleOf>;
  let named: Named;
  let alertKeyArn: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    // The patterns as Terraform will send them to EventBridge: every reference resolved.
    ({ here: patterns, forwards } = plannedAlertRules(plan, `ssm-session-kit-${env}-alert-`));
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

  const firing = (event: Record<string, unknown>) => firingOf(patterns, event);
  const everyCall = () => Object.entries(watchedCalls(named)).flatMap(([rule, calls]) => calls.map((call) => ({ rule, call })));

  it('has every reference in its patterns resolved, each pattern within 2,048 characters', () => {
    // Staging's on-call group asks for access just in time, and its alerts watch every approved request.
    const justInTime = env === 'staging' ? ['access-approvals', 'access-tokens', 'approval-policies', 'just-in-time-settings', 'just-in-time-token-role'] : [];
    expect(Object.keys(patterns).sort()).toEqual([
      ...justInTime, 'alerting', 'fleets', 'guarded', 'guarded-iam', 'key', 'key-deleted', 'log-bucket', 'log-group', 'log-objects', 'preferences', 'reads', 'recording-path',
      'recording-roles', 'sessions', 'trust-chain', 'trust-chain-roles', 'ways-in',
    ].sort());
    expect(Object.keys(forwards).sort()).toEqual(['guarded-iam', ...(env === 'staging' ? ['just-in-time-token-role'] : []), 'recording-roles', 'trust-chain', 'trust-chain-roles']);
    for (const { pattern } of [...Object.values(patterns), ...Object.values(forwards)]) {
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
        // Lifting any role's boundary alerts on its own too.
        const rules = [rule, ...(call.eventName === 'DeleteRolePermissionsBoundary' ? ['guarded-iam'] : [])].sort();
        for (const caller of [administrator, iamUser(account, 'mallory'), rootUser(account), otherAccount('999999999999')]) {
          for (const denied of [false, true]) {
            const event = cloudTrailEvent(call, caller, { account, region: regionOf(call), denied });
            expect({ call: call.eventName, caller: caller.type, denied, firing: firing(event) }).toEqual({ call: call.eventName, caller: caller.type, denied, firing: rules });
          }
        }
        expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, pipeline, { account, region: regionOf(call) })) }).toEqual({ call: call.eventName, firing: [] });
      }
    }
  });

  // The rules in us-east-1 that forward an event recorded there.
  const forwarding = (event: Record<string, unknown>) => firingOf(forwards, event);

  it('alerts on every move against the trust chain, allowed or denied, by anyone: IAM\'s forwarded from us-east-1, AssumeRole in the region and from the global endpoint', () => {
    const chain = ['ssm-session-kit-deploy', 'ssm-session-kit-plan', 'OrganizationAccountAccessRole', ...(env === 'prod' ? ['ssm-session-kit-prod-break-glass'] : [])];
    for (const roleName of chain) {
      const calls = trustChainCalls(account, roleName);
      for (const caller of [administrator, iamUser(account, 'mallory'), rootUser(account)]) {
        for (const denied of [false, true]) {
          for (const call of calls.iam) {
            const event = cloudTrailEvent(call, caller, { account, region: 'us-east-1', denied });
            expect({ roleName, call: call.eventName, forwarded: forwarding(event), firing: firing(event) })
              .toEqual({ roleName, call: call.eventName, forwarded: ['trust-chain-roles'], firing: ['trust-chain-roles'] });
          }
          for (const call of calls.sts) {
            expect({ roleName, call: call.eventName, denied, firing: firing(cloudTrailEvent(call, caller, { ...at, denied })) }).toEqual({ roleName, call: call.eventName, denied, firing: ['trust-chain'] });
            // sts.amazonaws.com, the global endpoint, records in us-east-1: forwarded, then matched here.
            const global = cloudTrailEvent(call, caller, { account, region: 'us-east-1', denied });
            expect({ roleName, denied, forwarded: forwarding(global), firing: firing(global) }).toEqual({ roleName, denied, forwarded: ['trust-chain'], firing: ['trust-chain'] });
          }
        }
      }
    }
    // Another role's, and the pipeline's own web identity (a call of its own name), stay quiet.
    for (const call of [...trustChainCalls(account, 'app-role').iam, ...trustChainCalls(account, 'app-role').sts]) {
      const event = cloudTrailEvent(call, administrator, { account, region: 'us-east-1' });
      expect({ call: call.eventName, forwarded: forwarding(event), firing: firing(event) }).toEqual({ call: call.eventName, forwarded: [], firing: [] });
    }
    for (const call of trustChainCalls(account, 'ssm-session-kit-deploy').iam) {
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, pipeline, { account, region: 'us-east-1' })) }).toEqual({ call: call.eventName, firing: [] });
    }
    const webIdentity: ApiCall = { ...trustChainCalls(account, 'ssm-session-kit-deploy').sts[0], eventName: 'AssumeRoleWithWebIdentity' };
    expect(firing(cloudTrailEvent(webIdentity, rootUser(account), at))).toEqual([]);
  });

  it('stays quiet for other roles, other tags and other service settings', () => {
    const other = recordingPathCalls({ instanceRole: 'app-role', dhmRole: 'batch-role', instanceProfile: 'app-profile', instanceId: 'i-0fedcba9876543210', tagKey: 'CostCenter' });
    const quiet = [...other['recording-roles'].filter((c) => c.eventName !== 'DeleteRolePermissionsBoundary'), ...other['recording-path'].filter((c) => ['CreateTags', 'DeleteTags'].includes(c.eventName)),
      { service: 'ssm' as const, eventName: 'UpdateServiceSetting', requestParameters: { settingId: '/ssm/parameter-store/high-throughput-enabled', settingValue: 'true' } }];
    for (const call of quiet) expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, { account, region: regionOf(call) })) }).toEqual({ call: call.eventName, firing: [] });
  });

  it('forwards IAM\'s and STS\'s global events from us-east-1 to the alerts\' default event bus, with a role only those rules may use for that bus', async () => {
    for (const call of recordingPath()['recording-roles']) {
      expect({ call: call.eventName, forwarded: forwarding(cloudTrailEvent(call, administrator, { account, region: 'us-east-1' })).includes('recording-roles') })
        .toEqual({ call: call.eventName, forwarded: true });
    }
    const bus = `arn:aws:events:${region}:${account}:event-bus/default`;
    expect(plan.all('aws_cloudwatch_event_target').filter((t) => t.values.target_id === 'alerts-region').map((t) => t.values.arn)).toEqual(Object.keys(forwards).map(() => bus));
    const forwarder = `ssm-session-kit-${env}-alert-forwarder`;
    const role = plan.one('aws_iam_role', (v) => v.name === forwarder);
    const trust = JSON.parse(role.values.assume_role_policy);
    const asEventBridge = (sourceArn: string) => decide({
      principal: 'events.amazonaws.com', action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/${forwarder}`, resourceAccount: account, identityPolicies: [], resourcePolicy: trust,
      context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn },
    });
    for (const name of Object.keys(forwards)) expect(await asEventBridge(`arn:aws:events:us-east-1:${account}:rule/ssm-session-kit-${env}-alert-${name}`)).toBe('Allowed');
    expect(await asEventBridge(`arn:aws:events:us-east-1:${account}:rule/ssm-session-kit-${env}-alert-key`)).not.toBe('Allowed');
    expect(await asEventBridge(`arn:aws:events:us-east-1:${account}:rule/someone-elses`)).not.toBe('Allowed');
    const put = (resource: string) => decide({
      principal: `arn:aws:iam::${account}:role/${forwarder}`, action: 'events:PutEvents', resource, resourceAccount: account,
      identityPolicies: plan.inlinePolicies(forwarder), permissionBoundary: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-permissions-boundary`)),
    });
    expect(await put(bus)).toBe('Allowed');
    expect(await put(`arn:aws:events:${region}:${account}:event-bus/elsewhere`)).not.toBe('Allowed');
  });

  it('alerts on every move of the what-stops-whom table, refused or allowed, or says why it cannot', () => {
    const config = loadConfig().environments.find((e) => e.name === env)!;
    const records = tamperRecords({ env, account, region, bucket: named.bucket, keyArn: named.keyArn, routeTableId: config.network.routeTableIds[0] });
    const unalertable: string[] = [];
    for (const { what } of tamperMoves(config)) {
      const record = records[what];
      expect({ what, recorded: record !== undefined }).toEqual({ what, recorded: true });
      if ('unalertable' in record) {
        unalertable.push(what);
        continue;
      }
      for (const denied of [false, true]) {
        // IAM's arrive in us-east-1 and alert once forwarded here.
        const event = cloudTrailEvent(record.call, administrator, { account, region: record.where === 'us-east-1' ? 'us-east-1' : region, denied });
        const alerts = firing(event).length > 0 && (record.where === 'region' || forwarding(event).length > 0);
        expect({ what, denied, alerts }).toEqual({ what, denied, alerts: record.alerts === 'always' || denied });
      }
    }
    expect(unalertable).toEqual(['open a session in a region that records nothing']);
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
    // A Session document of one's own alerts whatever its name: sessions with it would record nothing.
    for (const call of Object.values(elsewhere).flat()) {
      const expected = call.eventName === 'CreateDocument' ? ['guarded'] : [];
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, administrator, at)) }).toEqual({ call: call.eventName, firing: expected });
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
      const scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
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

describe('staging just-in-time alerts, on the resolved plan', () => {
  const account = '222222222222';
  const region = 'eu-west-1';
  let patterns: Record<string, RuleOf>;
  let forwards: Record<string, RuleOf>;
  beforeAll(() => {
    ({ here: patterns, forwards } = plannedAlertRules(new ResolvedPlan(results.find((r) => r.stack === 'staging')!.planFile!), 'ssm-session-kit-staging-alert-'));
  });
  const firing = (event: Record<string, unknown>) => firingOf(patterns, event);
  const administrator = identityCenterSession(account, 'Administrators', 'alice@example.com', region);
  const pipeline = roleSession(account, 'ssm-session-kit-deploy', 'github-actions-1234');
  // ("UpdateDocument", "DeleteDocument", "CreateDocument", Systems Manager API Reference) Name names the
  // document; CreateDocument also carries its DocumentType.
  const changes: ApiCall[] = [
    { service: 'ssm', eventName: 'UpdateDocument', requestParameters: { name: 'ssm-session-kit-staging-on-call-approval', documentVersion: '$LATEST' } },
    { service: 'ssm', eventName: 'DeleteDocument', requestParameters: { name: 'SSM-JustInTimeAccessAutoApprovalPolicy' } },
    { service: 'ssm', eventName: 'CreateDocument', requestParameters: { name: 'my-own-approvals', documentType: 'ManualApprovalPolicy', documentFormat: 'YAML' } },
    // The API takes a document's name or its ARN.
    { service: 'ssm', eventName: 'UpdateDocumentDefaultVersion', requestParameters: { name: `arn:aws:ssm:${region}:${account}:document/ssm-session-kit-staging-on-call-approval`, documentVersion: '1' } },
  ];

  it('alerts on every change to an approval policy, allowed or refused, by anyone but the pipeline', () => {
    for (const call of changes) {
      for (const denied of [false, true]) {
        expect({ call: call.eventName, denied, firing: firing(cloudTrailEvent(call, administrator, { account, region, denied })) })
          .toEqual({ call: call.eventName, denied, firing: ['approval-policies'] });
      }
      expect({ call: call.eventName, firing: firing(cloudTrailEvent(call, pipeline, { account, region })) }).toEqual({ call: call.eventName, firing: [] });
    }
    // Another document of theirs is none of these rules' business.
    const command: ApiCall = { service: 'ssm', eventName: 'CreateDocument', requestParameters: { name: 'my-runbook', documentType: 'Command' } };
    expect(firing(cloudTrailEvent(command, administrator, { account, region }))).toEqual([]);
  });

  it("alerts on its setup changed: the identity provider setting (by id or ARN), the token role's trust (IAM's, forwarded from us-east-1)", () => {
    for (const settingId of ['/ssm/just-in-time-access/identity-provider', `arn:aws:ssm:${region}:${account}:servicesetting/ssm/just-in-time-access/identity-provider`]) {
      const call: ApiCall = { service: 'ssm', eventName: 'UpdateServiceSetting', requestParameters: { settingId, settingValue: 'IAM' } };
      expect(firing(cloudTrailEvent(call, administrator, { account, region }))).toEqual(['just-in-time-settings']);
      expect(firing(cloudTrailEvent(call, pipeline, { account, region }))).toEqual([]);
    }
    const retrust: ApiCall = { service: 'iam', eventName: 'UpdateAssumeRolePolicy', requestParameters: { roleName: 'SSM-JustInTimeAccessTokenRole', policyDocument: '{}' } };
    const event = cloudTrailEvent(retrust, administrator, { account, region: 'us-east-1' });
    expect({ forwarded: firingOf(forwards, event), here: firing(event) }).toEqual({ forwarded: ['just-in-time-token-role'], here: ['just-in-time-token-role'] });
  });

  it('alerts on every access token taken, even were CloudTrail to record it as read-only, and on every manual approval given', () => {
    for (const readOnly of [false, true]) {
      const token: ApiCall = { service: 'ssm', eventName: 'GetAccessToken', requestParameters: { accessRequestId: 'oi-0123456789ab' }, readOnly };
      const engineer = identityCenterSession(account, 'OnCall', 'bob@example.com', region);
      expect(firing(cloudTrailEvent(token, engineer, { account, region }))).toEqual(['access-tokens']);
    }
    // ("Amazon EventBridge events reference", Systems Manager: "Requester Access Request Status Update";
    // its detail as aws-samples/cloud-operations-best-practices' just-in-time recipe shows one).
    const status = (AccessRequestStatus: string) => ({
      version: '0', id: '7bf73129-1428-4cd3-a780-95db273d1602', 'detail-type': 'Requester Access Request Status Update', source: 'aws.ssm', account,
      time: '2026-12-03T10:00:00Z', region, resources: [`arn:aws:ssm:${region}:${account}:automation-execution/0aa5a695-0000-4000-8000-0123456789ab`],
      detail: {
        ExecutionId: '0aa5a695-0000-4000-8000-0123456789ab', OpsItemId: 'oi-0123456789ab', TargetResourceArn: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
        Requester: 'e1fbc510-8081-70c2-448f-123456789012', AccessRequestStatus,
      },
    });
    expect(firing(status('Approved'))).toEqual(['access-approvals']);
    expect(firing(status('PendingApproval'))).toEqual([]);
  });
});
