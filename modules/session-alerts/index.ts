import { dependable, type ITerraformDependable, type TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { ALERTING_ACTIONS } from '../shared/protected-actions';
import { AUDIT_TRAIL_TAG, keyGuardStatement } from '../shared/resource-guards';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';
import { EncryptionKey } from '../shared/encryption-key';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { IAM_EVENTS_REGION, sessionAlertNames, TRAIL_KEY_PREFIX } from './names';
import {
  EVENT_PATTERN_MAX_CHARACTERS, EventPattern, eventNames, identityStorePattern, type IdentityStoreWatch, permissionSetPattern, recordingPathPatterns, refusalPatterns, sessionPattern, tamperPatterns,
  trustChainPatterns, WATCHED_ACTIONS, justInTimePatterns, type WatchedJustInTime, type WatchedRecordingPath, type WatchedRefusals, type WatchedTrustChain,
} from './patterns';

export * from './patterns';
export * from './names';

/** The audit trail the alerts watch, as its resources are named. */
export interface WatchedAuditTrail {
  /** @default no preferences document watched (a log archive has none) */
  readonly preferencesDocumentName?: string;
  readonly preferencesDocumentArn?: string;
  /** @default no log group watched (a log archive has none) */
  readonly logGroupName?: string;
  readonly logGroupArn?: string;
  /** @default no bucket watched (Identity Center's alerts watch none) */
  readonly bucketName?: string;
  /** The session key: ARN, id (its UUID) and alias (`alias/...`). @default no key but the alerts' own */
  readonly key?: { readonly arn: string; readonly id: string; readonly alias: string };
}

/** A multi-region trail of management events, for accounts no organisation trail covers. */
export interface AlertTrailProps {
  /** Bucket the trail delivers its log files to. */
  readonly bucketName: string;
  /**
   * Prefix of the log files in the bucket.
   * @default 'cloudtrail'
   */
  readonly keyPrefix?: string;
  /**
   * Key that encrypts the log files; its policy must let CloudTrail use it (`grantTrailDelivery`).
   * @default the bucket's default encryption
   */
  readonly kmsKeyArn?: string;
}

/** What `grantTrailDelivery` needs of the trail's bucket (an `EncryptedBucket`). */
export interface TrailBucket {
  readonly bucketArn: string;
  addToResourcePolicy(...statements: PolicyStatement[]): void;
  /** The bucket policy resource, created before the trail. */
  readonly policy?: ITerraformDependable;
}

export interface SessionAlertsProps {
  /** Prefix of the rules', topic's, key's and trail's names. */
  readonly namePrefix: string;
  readonly watched: WatchedAuditTrail;
  /**
   * Roles whose calls do not alert, as role ARNs: the deployment pipeline, which changes the audit
   * trail through reviewed code. The topic and key policies keep them able to manage the alerting.
   * @default none
   */
  readonly excludedRoleArns?: readonly string[];
  /**
   * Roles (by name, without path) whose every session alerts: the break-glass groups'.
   * @default none
   */
  readonly sessionRoleNames?: readonly string[];
  /**
   * Sessions, by their assumed-role ARN (`arn:<partition>:sts::<account>:assumed-role/<role>/<session>`),
   * whose every session alerts: temporary grantees', in a role others hold too.
   * @default none
   */
  readonly sessionArns?: readonly string[];
  /**
   * Alert on every session, by anyone.
   * @default false
   */
  readonly allSessions?: boolean;
  /**
   * An existing SNS topic, in the stack's region, to alert instead of creating one. Its owner must let
   * EventBridge publish to it (and use its key, if encrypted).
   * @default a topic encrypted with a key of its own
   */
  readonly topicArn?: string;
  /**
   * Email addresses subscribed to the topic; each confirms by the link AWS sends.
   * @default none
   */
  readonly emails?: readonly string[];
  /**
   * Create the trail the alerts read. EventBridge sees "AWS API Call via CloudTrail" events only while
   * a trail with logging on records them ("Events from AWS services").
   * @default no trail: an organisation trail covers the account
   */
  readonly trail?: AlertTrailProps;
  /**
   * Alert on deleting, and changing the retention of, log objects. These are S3 data events, which
   * reach EventBridge only where a trail records them for the bucket: the trail created here does; an
   * existing trail must be configured to.
   * @default true with `trail`, else false
   */
  readonly objectEvents?: boolean;
  /**
   * Alert on changes to the recording path, allowed or refused: the recording roles and profiles, the
   * instances' profiles and tags, the Default Host Management setting, account log policies, and every
   * way onto the instances but a session.
   * @default the recording path not watched
   */
  readonly recordingPath?: WatchedRecordingPath;
  /**
   * Alert on changes to, and assumptions of, the roles of the trust chain: who becomes the pipeline, or
   * changes what it applies.
   * @default the trust chain not watched
   */
  readonly trustChain?: WatchedTrustChain;
  /**
   * Alert on the rest of what the guardrails refuse, allowed or refused: their policies detached or
   * rewritten, boundaries lifted, unbounded principals, run-as tags, the network the agent records
   * through, the default event bus, session documents, and (read-only calls) the instances' console and
   * the unread transcripts.
   * @default not watched
   */
  readonly refusals?: WatchedRefusals;
  /**
   * A provider for us-east-1, where IAM delivers its events (and STS those of its global endpoint), when
   * the stack is in another region: rules there forward the recording roles' and the trust chain's
   * events to this region's default event bus, where they alert. Without it, the stack's own region must
   * be us-east-1 for IAM's events to alert.
   * @default none
   */
  readonly iamEventsProvider?: TerraformProvider;
  /**
   * Permissions boundary of the role that forwards us-east-1's events (`iamEventsProvider`).
   * @default none
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * IAM Identity Center's groups whose new members alert, and with `userChanges` any change to a user
   * (whose attributes may name the OS user sessions run as).
   * @default no Identity Store change watched
   */
  readonly identityStore?: IdentityStoreWatch;
  /**
   * Just-in-time access: changes to its approval policies, and with `approvedRequests` every approved
   * request used.
   * @default not watched
   */
  readonly justInTime?: WatchedJustInTime;
  /**
   * Days KMS waits before deleting the topic's key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
}

/**
 * Alerts, by email or to an existing topic, when anyone but the pipeline tries to change the audit
 * trail (allowed or denied), when the alerting itself is touched, and when a break-glass role opens a
 * session: EventBridge rules on CloudTrail's records of API calls, publishing to an SNS topic encrypted
 * with a customer managed key that only EventBridge may publish with.
 */
export class SessionAlerts extends Construct {
  /** The topic alerts are published to: created, or the one given. */
  readonly topicArn: string;
  readonly topic?: SnsTopic;
  readonly topicPolicy?: PolicyDocument;
  readonly key?: EncryptionKey;
  readonly rules: readonly CloudwatchEventRule[];
  /** Each rule's event pattern, by the rule's short name. */
  readonly patterns: Readonly<Record<string, EventPattern>>;
  /** Names every rule of this construct carries at the start. */
  readonly ruleNamePrefix: string;
  /** ARN pattern covering every rule of this construct. */
  readonly ruleArnPattern: string;
  readonly trail?: Cloudtrail;
  /** Known at plan time, unlike `trail.arn`. */
  readonly trailArn?: string;
  /** Whether deletions of log objects alert (a trail records them). */
  readonly objectEvents: boolean;
  /** The rules in us-east-1 that forward IAM's and STS's global events, and the role they forward with (`iamEventsProvider`). */
  readonly iamForwarder?: { readonly rules: readonly CloudwatchEventRule[]; readonly role: IamRole; readonly roleArn: string };

  constructor(scope: Construct, id: string, private readonly props: SessionAlertsProps) {
    super(scope, id);
    const partition = partitionOf(this);
    const region = regionOf(this);
    const accountId = accountIdOf(this);
    const excluded = props.excludedRoleArns ?? [];
    const names = sessionAlertNames(props.namePrefix);
    this.ruleNamePrefix = names.rulePrefix;
    this.ruleArnPattern = `arn:${partition}:events:${region}:${accountId}:rule/${this.ruleNamePrefix}*`;
    this.objectEvents = props.objectEvents ?? props.trail !== undefined;

    if (props.topicArn) {
      this.topicArn = props.topicArn;
    } else {
      this.key = new EncryptionKey(this, 'key', {
        description: 'Encrypts the Session Manager audit-trail alerts',
        alias: names.keyAlias,
        partition,
        accountId,
        deletionWindowInDays: props.keyDeletionWindowInDays,
        tags: { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value },
      });
      this.key.addToKeyPolicy(
        {
          // ("Enable compatibility between event sources from AWS services and encrypted topics") the
          // KMS request carries no aws:SourceAccount or aws:SourceArn for EventBridge, so the topic
          // policy is where the source is checked.
          Sid: 'EventBridgePublishesEncrypted',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
        },
        ...(excluded.length > 0 ? [keyGuardStatement(excluded)] : []),
      );
      this.topic = new SnsTopic(this, 'topic', {
        name: names.topic,
        displayName: 'Session Manager audit-trail alerts',
        kmsMasterKeyId: this.key.keyArn,
      });
      this.topicArn = `arn:${partition}:sns:${region}:${accountId}:${names.topic}`;
      this.topicPolicy = new PolicyDocument(alertTopicStatements(this.topicArn, accountId, this.ruleArnPattern, excluded));
      new SnsTopicPolicy(this, 'topic-policy', { arn: this.topic.arn, policy: this.topicPolicy.toJson() });
    }
    // Named by address, so that removing one leaves the others' confirmed subscriptions alone.
    (props.emails ?? []).forEach((email) => new SnsTopicSubscription(this, `email-${email}`, {
      topicArn: this.topic?.arn ?? this.topicArn,
      protocol: 'email',
      endpoint: email,
    }));

    if (props.trail) {
      if (!props.watched.bucketName) throw new Error(`${this.node.path}: a trail records the watched bucket's objects: watched.bucketName is required`);
      this.trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${names.trail}`;
      this.trail = new Cloudtrail(this, 'trail', {
        name: names.trail,
        s3BucketName: props.trail.bucketName,
        s3KeyPrefix: trailKeyPrefix(props.trail),
        kmsKeyId: props.trail.kmsKeyArn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        advancedEventSelector: trailSelectors(`arn:${partition}:s3:::${props.watched.bucketName}/`, this.objectEvents),
      });
    }

    const watched = props.watched;
    const patterns: Record<string, EventPattern> = tamperPatterns({
      preferencesDocumentName: watched.preferencesDocumentName,
      preferencesDocumentArn: watched.preferencesDocumentArn,
      logGroupName: watched.logGroupName,
      logGroupArn: watched.logGroupArn,
      bucketName: watched.bucketName,
      keyArns: [...(watched.key ? [watched.key.arn] : []), ...(this.key ? [this.key.keyArn] : [])],
      keyIds: [...(watched.key ? [watched.key.id] : []), ...(this.key ? [this.key.key.keyId] : [])],
      keyAliases: [...(watched.key ? [watched.key.alias] : []), ...(this.key ? [this.key.aliasName] : [])],
      trails: this.trailArn ? [names.trail, this.trailArn] : [],
      rulePrefix: this.ruleNamePrefix,
      topicArn: this.topic ? this.topicArn : undefined,
    }, excluded, { objectEvents: this.objectEvents });
    if (props.identityStore) {
      patterns['identity-store'] = identityStorePattern(props.identityStore, excluded);
      const sets = permissionSetPattern(props.identityStore, excluded);
      if (sets) patterns['permission-sets'] = sets;
    }
    if (props.allSessions) patterns.sessions = sessionPattern();
    else if (props.sessionRoleNames?.length || props.sessionArns?.length) patterns.sessions = sessionPattern(props.sessionRoleNames ?? [], props.sessionArns);
    // What CloudTrail records in us-east-1 alone, whatever the region called (IAM), or by default (STS's
    // global endpoint): matched here, and forwarded from there.
    const global: Record<string, EventPattern> = {};
    if (props.recordingPath) {
      const recording = recordingPathPatterns(props.recordingPath, excluded);
      Object.assign(patterns, recording.regional);
      global['recording-roles'] = recording.iam;
    }
    if (props.trustChain) {
      const chain = trustChainPatterns(props.trustChain, excluded);
      Object.assign(global, { 'trust-chain-roles': chain.roles, 'trust-chain': chain.assume });
    }
    if (props.justInTime) {
      const jit = justInTimePatterns(props.justInTime, excluded);
      Object.assign(patterns, jit.regional);
      global['just-in-time-token-role'] = jit.iam;
    }
    if (props.refusals) {
      const refusals = refusalPatterns(props.refusals, excluded);
      Object.assign(patterns, { guarded: refusals.regional, fleets: refusals.fleets, reads: refusals.reads });
      global['guarded-iam'] = refusals.iam;
    }
    Object.assign(patterns, global);
    if (props.iamEventsProvider && Object.keys(global).length > 0) {
      this.iamForwarder = this.forwardIamEvents(global, props.iamEventsProvider, names.forwarderRole, props.permissionsBoundaryArn);
    }
    this.patterns = patterns;
    this.rules = Object.entries(patterns).map(([name, pattern]) => this.addRule(name, pattern));
  }

  /**
   * Rules in us-east-1 that send its events to this region's default event bus ("Sending and receiving
   * Amazon EventBridge events between AWS Regions"), each named as the rule here that matches them as they
   * arrive, with a role only those rules may use to put events on that bus alone.
   */
  private forwardIamEvents(patterns: Record<string, EventPattern>, provider: TerraformProvider, roleName: string, permissionsBoundary?: string) {
    const partition = partitionOf(this);
    const accountId = accountIdOf(this);
    const ruleArns = Object.keys(patterns).map((name) => `arn:${partition}:events:${IAM_EVENTS_REGION}:${accountId}:rule/${this.ruleNamePrefix}${name}`);
    const busArn = `arn:${partition}:events:${regionOf(this)}:${accountId}:event-bus/default`;
    const role = new IamRole(this, 'forwarder-role', {
      name: roleName,
      permissionsBoundary,
      description: 'EventBridge forwards IAM and STS events of the Session Manager audit trail from us-east-1',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'ForwardingRuleAssumes',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': accountId, 'aws:SourceArn': ruleArns.length === 1 ? ruleArns[0] : ruleArns } },
      }]).toJson(),
    });
    new IamRolePolicy(this, 'forwarder-policy', {
      name: 'forward-to-default-bus',
      role: role.name,
      policy: new PolicyDocument([{ Sid: 'PutOnDefaultBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]).toJson(),
    });
    const rules = Object.entries(patterns).map(([name, pattern]) => {
      const rule = new CloudwatchEventRule(this, `rule-${name}-forward`, {
        provider,
        name: `${this.ruleNamePrefix}${name}`,
        description: `Forwards IAM and STS events to the alerts' region: ${RULE_DESCRIPTIONS[name]}`,
        eventPattern: JSON.stringify(pattern),
        state: ruleState(name),
      });
      new CloudwatchEventTarget(this, `target-${name}-forward`, { provider, rule: rule.name, targetId: 'alerts-region', arn: busArn, roleArn: role.arn });
      return rule;
    });
    return { rules, role, roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}` };
  }

  /**
   * Lets the trail deliver its log files to its bucket and encrypt them with its key, as "Amazon S3
   * bucket policy for CloudTrail" and "Configure AWS KMS key policies for CloudTrail" lay out: only
   * this trail, by its ARN.
   */
  grantTrailDelivery(bucket: TrailBucket, key?: { addToKeyPolicy(...s: PolicyStatement[]): void }): void {
    if (!this.trail || !this.trailArn) throw new Error(`${this.node.path}: grantTrailDelivery needs the trail prop`);
    // CloudTrail checks the bucket policy when the trail is created.
    if (bucket.policy) this.trail.dependsOn = [...(this.trail.dependsOn ?? []), dependable(bucket.policy)];
    const accountId = accountIdOf(this);
    const partition = partitionOf(this);
    const fromTrail = { StringEquals: { 'aws:SourceArn': this.trailArn } };
    const cloudTrail = { Service: 'cloudtrail.amazonaws.com' };
    bucket.addToResourcePolicy(
      { Sid: 'CloudTrailChecksBucketAcl', Effect: 'Allow', Principal: cloudTrail, Action: 's3:GetBucketAcl', Resource: bucket.bucketArn, Condition: fromTrail },
      {
        Sid: 'CloudTrailWritesLogFiles',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: 's3:PutObject',
        Resource: `${bucket.bucketArn}/${trailKeyPrefix(this.props.trail!)}/AWSLogs/${accountId}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': this.trailArn } },
      },
    );
    key?.addToKeyPolicy({
      Sid: 'CloudTrailEncryptsLogFiles',
      Effect: 'Allow',
      Principal: cloudTrail,
      Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': this.trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
      },
    });
  }

  private addRule(name: string, pattern: EventPattern): CloudwatchEventRule {
    checkPatternSize(this.node.path, name, pattern);
    const rule = new CloudwatchEventRule(this, `rule-${name}`, {
      name: `${this.ruleNamePrefix}${name}`,
      description: RULE_DESCRIPTIONS[name] ?? name,
      eventPattern: JSON.stringify(pattern),
      state: ruleState(name),
    });
    new CloudwatchEventTarget(this, `target-${name}`, { rule: rule.name, targetId: 'alerts-topic', arn: this.topic?.arn ?? this.topicArn });
    return rule;
  }
}

/** EventBridge refuses a longer pattern at apply: the synth stops first, naming the rule. */
function checkPatternSize(path: string, name: string, pattern: EventPattern): void {
  const size = JSON.stringify(pattern).length;
  if (size > EVENT_PATTERN_MAX_CHARACTERS) {
    throw new Error(`${path}: the ${name} rule's event pattern is ${size} characters, over EventBridge's ${EVENT_PATTERN_MAX_CHARACTERS}`);
  }
}

function trailKeyPrefix(trail: AlertTrailProps): string {
  return trail.keyPrefix ?? TRAIL_KEY_PREFIX;
}

/**
 * Rules on read-only calls (a console's output, a log query; STS's AssumeRole, which CloudTrail records as
 * read-only), which reach a rule only in this state ("Receiving read-only management events from AWS
 * services"); every other rule watches writes and keeps the plain `ENABLED`.
 */
function ruleState(name: string): string {
  // GetAccessToken may be recorded as read-only, like other reads that hand out credentials.
  return ['reads', 'trust-chain', 'access-tokens'].includes(name) ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED';
}

const RULE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  preferences: 'Someone other than the pipeline changed, or tried to change, the Session Manager preferences',
  'log-group': 'Someone other than the pipeline changed, or tried to change, the session log group',
  'log-bucket': 'Someone other than the pipeline changed, or tried to change, the session log bucket',
  'log-objects': 'Someone other than the pipeline deleted, or tried to delete, session log objects',
  key: 'Someone other than the pipeline changed, or tried to change, the session or alert key',
  'key-deleted': 'KMS deleted the session or alert key, at the end of its deletion window',
  alerting: 'Someone other than the pipeline changed, or tried to change, these alerts or their trail',
  sessions: 'A watched role started a Session Manager session',
  'recording-path': "Someone other than the pipeline changed, or tried to change, an instance's profile or tags, Default Host Management or account log policies",
  'ways-in': 'Someone other than the pipeline ran, or tried to run, something on an instance other than through a session',
  'recording-roles': 'Someone other than the pipeline changed, or tried to change, the roles or profiles sessions are recorded with',
  'trust-chain-roles': "Someone other than the pipeline created, changed or deleted, or tried to, a role of the trust chain (the pipeline's roles, OrganizationAccountAccessRole, break-glass, state)",
  'permission-sets': "Someone other than the pipeline changed, or tried to change, a permission set's policies, boundary or assignments, or the attributes for access control",
  'identity-store': "Someone added a member to an Identity Center group that has session access, or changed a user's attributes",
  guarded: 'Someone other than the pipeline changed, or was refused changing, the endpoints, security groups or routes sessions are recorded through, the event bus, or a session document; or started a session with an unapproved document',
  'guarded-iam': "Someone other than the pipeline detached or rewrote the guardrail's policies, lifted a boundary, created an unbounded role or user, or tagged a principal's run-as user",
  reads: "Someone other than the pipeline read an instance's console, or transcripts an archive holds the readable copy of",
  'trust-chain': "Someone assumed, or tried to assume, a role of the trust chain (the pipeline's roles, OrganizationAccountAccessRole, break-glass; the state roles when refused)",
};

/**
 * The alert topic's policy: only EventBridge rules matching `ruleArnPattern`, of this account, publish,
 * over TLS; nobody but the excluded roles (the pipeline) reconfigures the topic.
 */
export function alertTopicStatements(topicArn: string, accountId: string, ruleArnPattern: string, excluded: readonly string[]): PolicyStatement[] {
  return [
    {
      Sid: 'EventBridgeRulesPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': ruleArnPattern } },
    },
    {
      // Identity policies of the account would otherwise let its principals publish forged alerts.
      Sid: 'OnlyServicesPublish',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    },
    { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:*', Resource: topicArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ...(excluded.length > 0 ? [{
      Sid: 'OnlyPipelineConfiguresTopic',
      Effect: 'Deny' as const,
      Principal: '*' as const,
      Action: ALERTING_ACTIONS.topic.filter((a) => a !== 'sns:Unsubscribe'),
      Resource: topicArn,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...excluded] } },
    }] : []),
  ];
}

/** Every management event, and, with `objectEvents`, the writes to the log bucket's objects that the alerts watch. */
function trailSelectors(objectArnPrefix: string, objectEvents: boolean): CloudtrailAdvancedEventSelector[] {
  const management = { name: 'Management events', fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }] };
  if (!objectEvents) return [management];
  return [management, {
    name: 'Deletions and retention changes of session logs',
    fieldSelector: [
      { field: 'eventCategory', equalTo: ['Data'] },
      { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
      { field: 'resources.ARN', startsWith: [objectArnPrefix] },
      { field: 'eventName', equalTo: eventNames(WATCHED_ACTIONS.logObjects) },
    ],
  }];
}
