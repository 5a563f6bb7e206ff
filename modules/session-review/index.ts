import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { SessionLoggingTarget } from '../iam-ssm-role';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';

import { REVIEWS_PREFIX } from '../shared/resource-guards';

export { REVIEWS_PREFIX, reviewGuardStatements } from '../shared/resource-guards';

/** Where the sessions a reviewer reads are, and where sign-offs go. */
export interface ReviewedRecording {
  /** What the sessions are recorded to (`SessionLogging.grantTarget`): the transcripts, the log group, the key. */
  readonly transcripts: SessionLoggingTarget;
  /** The bucket sign-offs are written to (`<bucket>/<reviewsPrefix>/<session id>/...`): the session log bucket. */
  readonly signOffBucketArn: string;
  /** @default 'reviews' */
  readonly reviewsPrefix?: string;
  /**
   * Where in the sign-off bucket a trail writes its log files: StartSession records older than
   * CloudTrail's 90-day event history are read there.
   * @default none read
   */
  readonly trailLogsPrefix?: string;
}

export interface SessionReviewersProps {
  /** The reviewers' role. */
  readonly roleName: string;
  /**
   * IAM users (their ARNs, or their account's `root`) who may review: they assume the role named after
   * themselves, passing their user name as the source identity, with MFA. Their sign-offs name them,
   * and none may sign off a session of their own.
   */
  readonly trustedArns: readonly string[];
  readonly recording: ReviewedRecording;
  /** @default none */
  readonly permissionsBoundaryArn?: string;
  /** @default the role's name */
  readonly policyName?: string;
}

/**
 * The reviewers of an environment's sessions: a role that reads the record (the sessions, their
 * streams, transcripts and CloudTrail events) and writes sign-offs, which the bucket keeps as it keeps
 * transcripts: its policy (`reviewGuardStatements`, given to `SessionLogging`'s `reviews`) lets only
 * this role write them, never over another, never on a session of the reviewer's own.
 */
export class SessionReviewers extends Construct {
  readonly role: IamRole;
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: SessionReviewersProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Reviews Session Manager sessions and signs them off',
      assumeRolePolicy: new PolicyDocument(reviewerTrust(props.trustedArns)).toJson(),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    this.policy = new IamPolicy(this, 'policy', {
      name: props.policyName ?? props.roleName,
      description: 'Reads the session record and writes sign-offs',
      policy: new PolicyDocument(reviewerStatements(props.recording)).toJson(),
    });
    new IamRolePolicyAttachment(this, 'attachment', { role: this.role.name, policyArn: this.policy.arn });
  }
}

/**
 * Trusted users assume the role as themselves: the session named after their user name, which they
 * pass on as the source identity (`sts:SetSourceIdentity`), so that the bucket knows whose sessions are
 * theirs; with MFA ("AWS global condition context keys"). `$${` keeps IAM's variables from Terraform.
 */
function reviewerTrust(trustedArns: readonly string[]): PolicyStatement[] {
  const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  const themselves = { 'sts:SourceIdentity': '$${aws:username}' };
  return [
    {
      Sid: 'ReviewersAssumeAsThemselves', Effect: 'Allow', Principal: { AWS: [...trustedArns] }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { ...themselves, 'sts:RoleSessionName': '$${aws:username}' }, ...mfa },
    },
    { Sid: 'ReviewersNameThemselves', Effect: 'Allow', Principal: { AWS: [...trustedArns] }, Action: 'sts:SetSourceIdentity', Condition: { StringEquals: themselves, ...mfa } },
  ];
}

/** What a reviewer reads, and the sign-offs it writes (only new ones: `If-None-Match`, which the bucket requires). */
export function reviewerStatements(recording: ReviewedRecording): PolicyStatement[] {
  const prefix = recording.reviewsPrefix ?? REVIEWS_PREFIX;
  const { transcripts, signOffBucketArn } = recording;
  const transcriptObjects = `${transcripts.bucketArn}/${transcripts.keyPrefix ? `${transcripts.keyPrefix}/` : ''}*`;
  return [
    { Sid: 'ListSessions', Effect: 'Allow', Action: ['ssm:DescribeSessions', 'cloudtrail:LookupEvents'], Resource: '*' },
    { Sid: 'ReadStreams', Effect: 'Allow', Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents'], Resource: [transcripts.logGroupArn, `${transcripts.logGroupArn}:*`] },
    { Sid: 'ListTranscriptsAndSignOffs', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: [...new Set([transcripts.bucketArn, signOffBucketArn])] },
    {
      Sid: 'ReadTranscriptsAndSignOffs', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: [transcriptObjects, `${signOffBucketArn}/${prefix}/*`, ...(recording.trailLogsPrefix ? [`${signOffBucketArn}/${recording.trailLogsPrefix}/*`] : [])],
    },
    { Sid: 'SignOff', Effect: 'Allow', Action: 's3:PutObject', Resource: `${signOffBucketArn}/${prefix}/*` },
    { Sid: 'UseTheSessionKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: transcripts.kmsKeyArn },
  ];
}
