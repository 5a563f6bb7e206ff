/** `state` of every stack: where it keeps its Terraform state, and the bootstrap bucket's defaults. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { defaultStateKey, stateReadRoleName, stateRoleName } from '../../stacks/naming';
import type { BootstrapConfig } from './bootstrap';
import { awsString, type ConfigProblem, region, strict } from './common';

export const stateSchema = strict({
  bucket: awsString(rules.bucketName, 'state bucket'),
  key: awsString(rules.stateKey, 'state object key; default ssm-session-kit/<name>/terraform.tfstate, distinct per environment').optional(),
  region: region.optional().meta({ description: "bucket region; default the environment's region" }),
  dynamodbTable: awsString(rules.dynamodbTableName, 'legacy DynamoDB lock table, only while migrating to S3-native locking').optional(),
  kmsKeyId: awsString(rules.kmsKeyArn, 'KMS key or alias ARN for the state; default the bootstrap key when bucket is the bootstrap bucket').optional(),
  roleArn: awsString(rules.iamRoleArn, 'role to assume for state access; default, in the bootstrap bucket, the state role the bootstrap stack creates for the stack').optional(),
}, 'where the stack keeps its Terraform state (S3 backend, encrypted, S3-native locking)');

export type StateFile = f.Output<typeof stateSchema>;

/** State key and region always known: by default the environment's own key and region. */
export interface RemoteStateConfig extends Readonly<StateFile> {
  readonly key: string;
  readonly region: string;
  /** Set when `roleArn` is the state role the bootstrap stack creates (by this name), trusted by the stack's pipeline. */
  readonly bootstrapRole?: { readonly roleName: string; readonly trustedRoleArn: string };
  /** Set when the stack has a plan role: the bootstrap stack's role that only reads this state, and who may assume it. */
  readonly bootstrapReadRole?: { readonly roleName: string; readonly roleArn: string; readonly trustedRoleArn: string };
}

export function stateWithDefaults(state: StateFile, name: string, region: string): RemoteStateConfig {
  return { ...state, key: state.key ?? defaultStateKey(name), region: state.region ?? region };
}

/** Two environments writing one state object would overwrite each other's state. */
export function checkSharedState(problems: ConfigProblem[], environments: readonly { readonly name: string; readonly state: RemoteStateConfig }[], bootstrap: BootstrapConfig | undefined): void {
  const owners = new Map<string, string>();
  for (const env of environments) {
    const scope = `environment "${env.name}"`;
    const object = `s3://${env.state.bucket}/${env.state.key}`;
    const owner = owners.get(object);
    if (owner) problems.push({ scope, field: 'state.key', message: `${object} is already the state of environment "${owner}"` });
    owners.set(object, env.name);
    if (bootstrap && env.state.bucket === bootstrap.stateBucket && env.state.region !== bootstrap.region) {
      problems.push({
        scope,
        field: 'state.region',
        message: `the bootstrap stack creates bucket "${bootstrap.stateBucket}" in ${bootstrap.region}, not ${env.state.region}`,
      });
    }
  }
}

/**
 * State kept in the bootstrap bucket is encrypted with the bootstrap key, and reached through the
 * state role the bootstrap stack creates for the stack (trusted by its pipeline), unless told otherwise;
 * with a plan role, also through a second role that only reads it.
 */
export function withBootstrapState<T extends { readonly state: RemoteStateConfig }>(
  stack: T, name: string, roles: { readonly pipelineRoleArn?: string; readonly planRoleArn?: string }, bootstrap: BootstrapConfig,
): T {
  if (stack.state.bucket !== bootstrap.stateBucket) return stack;
  const { accountId, region, stateKeyAlias } = bootstrap;
  const { pipelineRoleArn, planRoleArn } = roles;
  const partition = rules.partitionOf(region);
  const kmsKeyId = stack.state.kmsKeyId ?? `arn:${partition}:kms:${region}:${accountId}:alias/${stateKeyAlias}`;
  const roleArnOf = (roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`;
  const bootstrapRoleName = stateRoleName(name);
  const bootstrapRoleArn = roleArnOf(bootstrapRoleName);
  const roleArn = stack.state.roleArn ?? (pipelineRoleArn ? bootstrapRoleArn : undefined);
  const bootstrapRole = pipelineRoleArn !== undefined && roleArn === bootstrapRoleArn;
  return {
    ...stack,
    state: {
      ...stack.state,
      kmsKeyId,
      roleArn,
      ...(bootstrapRole ? { bootstrapRole: { roleName: bootstrapRoleName, trustedRoleArn: pipelineRoleArn } } : {}),
      ...(planRoleArn ? { bootstrapReadRole: { roleName: stateReadRoleName(name), roleArn: roleArnOf(stateReadRoleName(name)), trustedRoleArn: planRoleArn } } : {}),
    },
  };
}
