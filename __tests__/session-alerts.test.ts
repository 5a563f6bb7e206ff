import {
  assumedRolePrefix, EVENT_PATTERN_MAX_CHARACTERS, eventNamesOf, NO_EVENT_OF_ITS_OWN, sessionPattern, SessionAlerts, SessionAlertsProps, tamperPatterns, WATCHED_ACTIONS,
} from '../modules/session-alerts';
import { PROTECTED_ACTIONS } from '../modules/guardrails';
import { alertReport } from '../scripts/lib/alert-report';
import { validateConfig } from '../config/validate';
import { configProblems, Json, rawConfig, resources, synthStack } from './helpers';
import { matches } from './support/event-pattern';
import { cloudTrailEvent, identityCenterSession, roleSession, startSession, watchedCalls } from './support/cloudtrail';
import { serviceActions } from './support/service-reference';

// The examples of "Content filtering in Amazon EventBridge event patterns" and "Amazon EventBridge
// event patterns" (EventBridge User Guide), each with the event the page matches it against.
describe('the EventBridge pattern matcher the tests stand in with', () => {
  const ec2Event = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.123' },
  };

  it('matches values exactly, and any element of an array', () => {
    expect(matches({ source: ['aws.ec2'], detail: { state: ['terminated', 'stopped'] } }, ec2Event)).toBe(true);
    expect(matches({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
    expect(matches({ resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, ec2Event)).toBe(true);
    expect(matches({ source: ['AWS.EC2'] }, ec2Event)).toBe(false);
  });

  it('matches prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matches({ time: [{ prefix: '2017-12-22' }] }, ec2Event)).toBe(true);
    expect(matches({ time: [{ prefix: '2017-12-23' }] }, ec2Event)).toBe(false);
    expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, ec2Event)).toBe(true);
    expect(matches({ 'detail-type': [{ suffix: 'Notification' }] }, ec2Event)).toBe(true);
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2Event)).toBe(true);
    expect(matches({ resources: [{ wildcard: 'arn:aws:ec2:*:123456789012:instance/*' }] }, ec2Event)).toBe(true);
    expect(matches({ resources: [{ wildcard: 'arn:aws:ec2:*:999999999999:instance/*' }] }, ec2Event)).toBe(false);
  });

  it('matches anything-but, which needs the field present', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { 'instance-id': [{ 'anything-but': { suffix: '0' } }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });

  it('matches numeric ranges and exists', () => {
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 5] }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { 'no-such': [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
  });

  it('matches $or at any level', () => {
    expect(matches({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 5] }] }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['>', 5] }] }] } }, ec2Event)).toBe(false);
    expect(matches({ source: ['aws.ec2'], $or: [{ region: ['us-east-1'] }, { detail: { state: ['terminated'] } }] }, ec2Event)).toBe(true);
  });

  it('refuses what it does not implement, rather than match by accident', () => {
    expect(() => matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event)).toThrow(/cidr/);
  });
});

const WATCHED = {
  preferencesDocumentName: 'SSM-SessionManagerRunShell',
  preferencesDocumentArn: 'arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell',
  logGroupName: '/ssm-session-kit/dev/sessions',
  logGroupArn: 'arn:aws:logs:eu-west-1:111111111111:log-group:/ssm-session-kit/dev/sessions',
  bucketName: 'acme-ssm-sessions-dev-111111111111',
};

describe('the alert patterns', () => {
  // The longest values the patterns can hold: a GovCloud ARN, the longest region, the longest names.
  const longest = tamperPatterns({
    ...WATCHED,
    preferencesDocumentArn: 'arn:aws-us-gov:ssm:ap-southeast-4:111111111111:document/SSM-SessionManagerRunShell',
    logGroupName: `/ssm-session-kit/${'e'.repeat(32)}/sessions`,
    logGroupArn: `arn:aws-us-gov:logs:ap-southeast-4:111111111111:log-group:/ssm-session-kit/${'e'.repeat(32)}/sessions`,
    bucketName: 'b'.repeat(63),
    keyArns: ['arn:aws-us-gov:kms:ap-southeast-4:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws-us-gov:kms:ap-southeast-4:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ac'],
    keyIds: ['1234abcd-12ab-34cd-56ef-1234567890ab', '1234abcd-12ab-34cd-56ef-1234567890ac'],
    keyAliases: [`alias/ssm-session-kit-${'e'.repeat(32)}-sessions`, `alias/ssm-session-kit-${'e'.repeat(32)}-alerts`],
    trails: [`ssm-session-kit-${'e'.repeat(32)}-trail`, `arn:aws-us-gov:cloudtrail:ap-southeast-4:111111111111:trail/ssm-session-kit-${'e'.repeat(32)}-trail`],
    rulePrefix: `ssm-session-kit-${'e'.repeat(32)}-alert-`,
    topicArn: `arn:aws-us-gov:sns:ap-southeast-4:111111111111:ssm-session-kit-${'e'.repeat(32)}-alerts`,
  }, [`arn:aws-us-gov:iam::111111111111:role/${'r'.repeat(64)}`], { objectEvents: true });

  it.each(Object.keys(longest))('keeps the %s pattern within EventBridge\'s 2,048 characters at its longest', (name) => {
    expect(JSON.stringify(longest[name]).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARACTERS);
  });

  it('watches every CloudTrail event the test records model, and the records model every event watched', () => {
    const watchedNames = (pattern: Json): string[] =>
      [pattern.detail.eventName ?? [], ...(pattern.detail.$or ?? []).map((alt: Json) => alt.eventName ?? [])].flat();
    const calls = watchedCalls({
      document: 'd', logGroup: 'g', logGroupArn: 'a', bucket: 'b', keyArn: 'k/1', keyAlias: 'alias/a', ruleName: 'r', topicArn: 't', trailName: 'n',
    });
    const viaCloudTrail = Object.entries(longest).filter(([, p]) => (p['detail-type'] as string[])[0] === 'AWS API Call via CloudTrail');
    expect(viaCloudTrail.map(([name]) => name).sort()).toEqual(Object.keys(calls).sort());
    for (const [name, pattern] of viaCloudTrail) {
      expect({ name, events: [...new Set(calls[name].map((c) => c.eventName))].sort() }).toEqual({ name, events: [...new Set(watchedNames(pattern))].sort() });
    }
  });

  it('excludes a pipeline role with a path by its sessions\' ARN, which has no path ("IAM identifiers": assumed-role ARNs)', () => {
    expect(assumedRolePrefix('arn:aws:iam::111111111111:role/ci/deploy/ssm-session-kit-deploy')).toBe('arn:aws:sts::111111111111:assumed-role/ssm-session-kit-deploy/');
    expect(assumedRolePrefix('arn:aws-us-gov:iam::111111111111:role/ssm-session-kit-deploy')).toBe('arn:aws-us-gov:sts::111111111111:assumed-role/ssm-session-kit-deploy/');
    expect(() => assumedRolePrefix('arn:aws:iam::111111111111:user/deploy')).toThrow(/not an IAM role ARN/);
  });

  it('records every protected action under event names that exist in the Service Authorization Reference or S3\'s API', () => {
    // The actions the guardrails deny are what the alerts watch: none is left out.
    expect(WATCHED_ACTIONS).toMatchObject(PROTECTED_ACTIONS);
    for (const action of Object.values(PROTECTED_ACTIONS).flat()) {
      const [service, name] = action.split(':');
      expect({ action, known: name.toLowerCase() in serviceActions(service) }).toEqual({ action, known: true });
      // Each watched under an event of its own, or named with why it has none.
      expect({ action, watched: eventNamesOf(action).length > 0 || NO_EVENT_OF_ITS_OWN[action] !== undefined }).toEqual({ action, watched: true });
    }
  });
});

describe('SessionAlerts', () => {
  const synth = (props: Partial<SessionAlertsProps> = {}) => synthStack((stack) => new SessionAlerts(stack, 'alerts', {
    namePrefix: 'acme',
    watched: { ...WATCHED, key: { arn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', id: '1234abcd-12ab-34cd-56ef-1234567890ab', alias: 'alias/acme-sessions' } },
    excludedRoleArns: ['arn:aws:iam::111111111111:role/deploy'],
    ...props,
  }));

  it('creates an encrypted topic, its policy, a rule and target per part of the trail, and no trail by default', () => {
    const stack = synth();
    expect(resources(stack, 'aws_sns_topic')).toEqual([expect.objectContaining({ name: 'acme-alerts', kms_master_key_id: expect.stringContaining('aws_kms_key.') })]);
    expect(resources(stack, 'aws_sns_topic_policy')).toHaveLength(1);
    expect(resources(stack, 'aws_cloudwatch_event_rule').map((r) => r.name).sort())
      .toEqual(['acme-alert-alerting', 'acme-alert-key', 'acme-alert-key-deleted', 'acme-alert-log-bucket', 'acme-alert-log-group', 'acme-alert-preferences']);
    expect(resources(stack, 'aws_cloudwatch_event_target')).toHaveLength(6);
    expect(resources(stack, 'aws_cloudtrail')).toEqual([]);
    expect(resources(stack, 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('alerts an existing topic instead, creating neither topic nor key, and subscribes the emails given', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:security-alerts';
    const stack = synth({ topicArn, emails: ['security@example.com', 'oncall@example.com'] });
    expect(resources(stack, 'aws_sns_topic')).toEqual([]);
    expect(resources(stack, 'aws_kms_key')).toEqual([]);
    expect(new Set(resources(stack, 'aws_cloudwatch_event_target').map((t) => t.arn))).toEqual(new Set([topicArn]));
    expect(resources(stack, 'aws_sns_topic_subscription').map((s) => [s.protocol, s.endpoint, s.topic_arn]).sort())
      .toEqual([['email', 'oncall@example.com', topicArn], ['email', 'security@example.com', topicArn]]);
  });

  it("watches the alert rules alone when the topic is the config's and no trail is created", () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:security-alerts';
    const alerting = JSON.parse(resources(synth({ topicArn }), 'aws_cloudwatch_event_rule').find((r) => r.name === 'acme-alert-alerting')!.event_pattern);
    const at = { account: '111111111111', region: 'eu-west-1' };
    const admin = roleSession('111111111111', 'Administrators', 'alice');
    // A single alternative, so no $or (EventBridge wants two or more).
    expect(alerting.detail.$or).toBeUndefined();
    expect(matches(alerting, cloudTrailEvent({ service: 'events', eventName: 'DeleteRule', requestParameters: { name: 'acme-alert-key' } }, admin, at))).toBe(true);
    // The security team's own topic is theirs to change.
    expect(matches(alerting, cloudTrailEvent({ service: 'sns', eventName: 'SetTopicAttributes', requestParameters: { topicArn, attributeName: 'Policy', attributeValue: '{}' } }, admin, at))).toBe(false);
  });

  it("keeps each address's subscription where it is when another address is removed", () => {
    const addresses = (stack: Json) => Object.entries(stack.resource.aws_sns_topic_subscription).map(([id, s]: [string, any]) => [id, s.endpoint]);
    const oncall = addresses(synth({ emails: ['security@example.com', 'oncall@example.com'] })).find(([, endpoint]) => endpoint === 'oncall@example.com');
    expect(addresses(synth({ emails: ['oncall@example.com'] }))).toEqual([oncall]);
  });

  it('creates a multi-region trail of management events and the log objects\' deletions, when asked', () => {
    const stack = synth({ trail: { bucketName: 'acme-trail-logs' } });
    const [trail] = resources(stack, 'aws_cloudtrail');
    expect(trail).toMatchObject({ name: 'acme-trail', s3_bucket_name: 'acme-trail-logs', is_multi_region_trail: true, enable_log_file_validation: true, enable_logging: true });
    expect(trail.advanced_event_selector[0].field_selector).toEqual([{ field: 'eventCategory', equals: ['Management'] }]);
    expect(trail.advanced_event_selector[1].field_selector).toContainEqual({ field: 'eventName', equals: ['AbortMultipartUpload', 'DeleteObject', 'DeleteObjects', 'PutObjectLegalHold', 'PutObjectRetention', 'UpdateObjectEncryption'] });
    expect(resources(stack, 'aws_cloudwatch_event_rule').map((r) => r.name)).toContain('acme-alert-log-objects');
  });

  it("watches an Identity Center permission set's sessions by the role's name, which CloudTrail records without its path", () => {
    // "IAM Identity Center identities in AWS CloudTrail": the permission set's role, under /aws-reserved/sso.amazonaws.com/.
    const admins = identityCenterSession('111111111111', 'Administrators', 'alice@example.com');
    const role = (admins.sessionContext as Json).sessionIssuer.userName;
    const at = { account: '111111111111', region: 'eu-west-1' };
    expect(matches(sessionPattern([role]), cloudTrailEvent(startSession('i-0123456789abcdef0'), admins, at))).toBe(true);
    expect(matches(sessionPattern([role]), cloudTrailEvent(startSession('i-0123456789abcdef0'), identityCenterSession('111111111111', 'Developers', 'bob@example.com'), at))).toBe(false);
  });

  it('watches the sessions of the roles given, or every session', () => {
    const byRole = JSON.parse(resources(synth({ sessionRoleNames: ['break-glass'] }), 'aws_cloudwatch_event_rule').find((r) => r.name === 'acme-alert-sessions')!.event_pattern);
    expect(byRole.detail.userIdentity.sessionContext.sessionIssuer.userName).toEqual(['break-glass']);
    const every = JSON.parse(resources(synth({ allSessions: true, sessionRoleNames: ['break-glass'] }), 'aws_cloudwatch_event_rule').find((r) => r.name === 'acme-alert-sessions')!.event_pattern);
    expect(every.detail).toEqual({ eventSource: ['ssm.amazonaws.com'], eventName: ['StartSession'] });
    expect(resources(synth(), 'aws_cloudwatch_event_rule').map((r) => r.name)).not.toContain('acme-alert-sessions');
  });
});

describe('the alerts config', () => {
  it('refuses an address SNS cannot deliver to, naming the environment and the field', () => {
    expect(configProblems((raw) => { raw.environments.dev.alerts = { emails: ['security@example.com', 'not an address'] }; }))
      .toMatch(/environment "dev", field "alerts\.emails\[1\]": must be an email address/);
  });

  it('refuses an address listed twice', () => {
    expect(configProblems((raw) => { raw.environments.prod.alerts.emails = ['security@example.com', 'Security@example.com']; }))
      .toMatch(/environment "prod", field "alerts\.emails\[1\]": "Security@example\.com" is listed twice/);
  });

  it('refuses a topic in another region, where the rules cannot publish', () => {
    expect(configProblems((raw) => { raw.environments.dev.alerts = { topicArn: 'arn:aws:sns:us-east-1:111111111111:security' }; }))
      .toMatch(/environment "dev", field "alerts\.topicArn": is in us-east-1: EventBridge rules in eu-west-1 publish only to a topic of their own region/);
    expect(configProblems((raw) => { raw.environments.dev.alerts = { topicArn: 'arn:aws:sns:eu-west-1:111111111111:bad topic' }; }))
      .toMatch(/environment "dev", field "alerts\.topicArn": must be the ARN of a standard SNS topic/);
  });

  it('refuses a group flag it does not know', () => {
    expect(configProblems((raw) => { raw.environments.prod.accessGroups['break-glass'].alertOnSession = true; }))
      .toMatch(/environment "prod", field "accessGroups\.break-glass\.alertOnSession": is not a known field \(known: .*alertOnSessions/);
    expect(configProblems((raw) => { raw.environments.prod.alerts = { allSesions: true }; }))
      .toMatch(/environment "prod", field "alerts\.allSesions": is not a known field/);
  });

  it('refuses alerting on a group CloudTrail cannot name, and a bucket for a trail the stack does not create', () => {
    const message = configProblems((raw) => {
      raw.environments.dev.accessGroups['break-glass'] = { instances: { team: ['platform'] }, admin: true, groupNames: ['BreakGlass'] };
      raw.environments.dev.alerts = { trail: { source: 'existing', bucketName: 'acme-org-trail' } };
    });
    expect(message).toMatch(/environment "dev", field "accessGroups\.break-glass\.alertOnSessions": is on \(by default for admin groups\), but CloudTrail records a user, not its IAM groups/);
    expect(message).toMatch(/environment "dev", field "alerts\.trail\.bucketName": names where a trail the stack creates delivers/);
  });
});

describe("the access report's alerts section", () => {
  const section = (report: string, env: string) => report.split('\n\n').find((s) => s.startsWith(`${env}: who is alerted`))!;

  it('names, per environment, the topic, the emails, the trail and the roles whose sessions alert', () => {
    const report = alertReport(validateConfig(rawConfig()));
    for (const env of ['dev', 'staging', 'prod']) {
      expect(section(report, env)).toMatch(new RegExp(`open a session +by ssm-session-kit-${env}-break-glass \\(group break-glass\\)$`, 'm'));
      expect(section(report, env)).toMatch(new RegExp(`trail: +ssm-session-kit-${env}-trail, created by the stack`));
      expect(section(report, env)).toMatch(/delete or unlock log objects +yes \(the created trail records them\)/);
    }
    expect(section(report, 'prod')).toMatch(/emails: security@example\.com$/m);
    expect(section(report, 'dev')).toMatch(/emails: none: subscribe to the topic, or set alerts\.emails$/m);
  });

  it('says when every session alerts, when the topic is the config\'s, and when object deletions cannot alert', () => {
    const raw = rawConfig();
    raw.environments.dev.alerts = { allSessions: true, topicArn: 'arn:aws:sns:eu-west-1:111111111111:security', trail: { source: 'existing' } };
    raw.environments.dev.accessGroups['break-glass'].alertOnSessions = false;
    const dev = section(alertReport(validateConfig(raw)), 'dev');
    expect(dev).toMatch(/open a session +yes, every session$/m);
    expect(dev).toMatch(/topic: +arn:aws:sns:eu-west-1:111111111111:security$/m);
    expect(dev).toMatch(/trail: +an existing trail/);
    expect(dev).toMatch(/delete or unlock log objects +no: S3 data events, which the trail does not record$/m);
  });
});
