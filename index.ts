/**
 * ssm-session-kit: cdktf constructs that replace SSH bastions with Session Manager. Every construct
 * and its props are exported here; `ssm-session-kit/modules/<name>` loads one module alone.
 */
export * from './modules/iam-ssm-role';
export * from './modules/instance-profile';
export * from './modules/ssm-instance';
export * from './modules/ssm-fleet';
export * from './modules/session-logging';
export * from './modules/session-review';
export * from './modules/log-archive';
export * from './modules/identity-center';
export * from './modules/access-policies';
export * from './modules/just-in-time';
export * from './modules/guardrails';
export * from './modules/compliance';
export * from './modules/session-alerts';
export * from './modules/state-bucket';
export { EncryptedBucket, type EncryptedBucketProps } from './modules/shared/encrypted-bucket';
export { EncryptionKey, type EncryptionKeyProps } from './modules/shared/encryption-key';
export type { LogRetention } from './modules/shared/log-retention';
export { type OneOrMany, PolicyDocument, type PolicyStatement } from './modules/shared/policy-document';
