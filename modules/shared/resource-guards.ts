import type { PolicyStatement } from './policy-document';
import { PROTECTED_ACTIONS } from './protected-actions';

/**
 * The resource-policy delivery of the guardrails: statements the modules that hold the audit trail
 * write into their own bucket and key policies, so that every module may use them without depending on
 * the guardrails.
 */

/** The tag that marks a key as part of the audit trail, for policies that cannot name it. */
export const AUDIT_TRAIL_TAG = { key: 'ssm-session-kit:audit-trail', value: 'true' } as const;

/**
 * The statements that keep a session log bucket and its key (`SessionLogging`'s `managedBy`): resource
 * policies that stand alone, whatever the caller's own policies say. The bucket denies every change to
 * its objects' retention and to its own configuration, and the key being disabled, deleted,
 * re-policied, untagged or re-aliased, to everyone but the pipeline; the writers (the instances,
 * CloudWatch Logs) keep every permission they use. The key's keeps the pipeline able to change the key
 * policy again, as KMS's policy lockout safety check requires of whoever puts it.
 */
export function sessionLoggingGuardStatements(bucketArn: string, pipelineRoleArns: readonly string[]): { bucket: PolicyStatement[]; key: PolicyStatement[] } {
  const everyoneButPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } };
  return {
    bucket: [
      {
        Sid: 'OnlyPipelineDeletesSessionLogs',
        Effect: 'Deny',
        Principal: '*',
        Action: [...PROTECTED_ACTIONS.logObjects],
        Resource: `${bucketArn}/*`,
        Condition: everyoneButPipeline,
      },
      {
        Sid: 'OnlyPipelineConfiguresBucket',
        Effect: 'Deny',
        Principal: '*',
        Action: [...PROTECTED_ACTIONS.logBucket],
        Resource: bucketArn,
        Condition: everyoneButPipeline,
      },
    ],
    key: [keyGuardStatement(pipelineRoleArns)],
  };
}

/**
 * The key policy statement that keeps a key of the audit trail: nobody but the pipeline disables,
 * deletes, re-policies, untags or re-aliases it.
 */
export function keyGuardStatement(pipelineRoleArns: readonly string[]): PolicyStatement {
  return {
    Sid: 'OnlyPipelineManagesKey',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: [...PROTECTED_ACTIONS.key],
    Resource: '*',
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } },
  };
}

/** Where sign-offs go in the session log bucket: `reviews/<session id>/<reviewer>/<time>.json`. */
export const REVIEWS_PREFIX = 'reviews';

/**
 * The session log bucket's statements for sign-offs, standing whatever the caller's own policies say:
 * only the reviewers write them; each write is a new object, never over another ("Enforce conditional
 * writes on Amazon S3 buckets": `s3:if-none-match`); a reviewer's session carries their source identity,
 * every sign-off of theirs is under their name, and none is of a session of theirs (session ids start
 * with the session's caller's name). Deleting and re-retaining them is the pipeline's alone, as for every
 * object of the bucket. `$${` keeps IAM's policy variables from Terraform's interpolation.
 */
export function reviewGuardStatements(bucketArn: string, reviewerRoleArns: readonly string[], prefix = REVIEWS_PREFIX): PolicyStatement[] {
  const signOffs = `${bucketArn}/${prefix}/*`;
  const write = { Effect: 'Deny' as const, Principal: '*' as const, Action: 's3:PutObject' };
  const reviewers = { ArnLike: { 'aws:PrincipalArn': [...reviewerRoleArns] } };
  return [
    { Sid: 'OnlyReviewersSignOff', ...write, Resource: signOffs, Condition: { ArnNotLike: { 'aws:PrincipalArn': [...reviewerRoleArns] } } },
    { Sid: 'SignOffsAreNeverOverwritten', ...write, Resource: signOffs, Condition: { Null: { 's3:if-none-match': 'true' } } },
    { Sid: 'SignOffsNameTheirReviewer', ...write, Resource: signOffs, Condition: { Null: { 'aws:SourceIdentity': 'true' } } },
    // Exactly <session>/<reviewer>/<file>: a `*` of IAM's spans slashes, so a deeper key could name two reviewers.
    { Sid: 'SignOffsAreThreeDeep', ...write, Resource: `${bucketArn}/${prefix}/*/*/*/*` },
    // The reviewers write nothing but sign-offs under their own name.
    { Sid: 'ReviewersSignAsThemselves', ...write, NotResource: `${bucketArn}/${prefix}/*/$\${aws:SourceIdentity}/*`, Condition: reviewers },
    // A session id is its caller's name, a hyphen and 17 hexadecimal digits ("Additional sample IAM
    // policies for Session Manager", Example 3): theirs exactly, not another name theirs begins.
    { Sid: 'NoSignOffOfOwnSessions', ...write, Resource: `${bucketArn}/${prefix}/$\${aws:SourceIdentity}-${'?'.repeat(17)}/*` },
  ];
}
