import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentConfig } from '../config/types';
import { addAwsProvider } from './aws-provider';
import { LockingS3Backend } from './locking-s3-backend';

/**
 * One environment: its provider, its remote state, and the modules composed for it. The stack turns
 * the environment's config into module props; the modules own every resource detail.
 */
export class EnvironmentStack extends TerraformStack {
  readonly provider: AwsProvider;

  constructor(scope: Construct, readonly environment: EnvironmentConfig) {
    super(scope, environment.name);
    this.provider = addAwsProvider(this, {
      accountId: environment.accountId,
      region: environment.region,
      tags: { Environment: environment.name, ...environment.tags },
    });
    const { state } = environment;
    new LockingS3Backend(this, {
      bucket: state.bucket,
      key: state.key,
      region: state.region,
      encrypt: true,
      kmsKeyId: state.kmsKeyId,
      dynamodbTable: state.dynamodbTable,
      assumeRole: state.roleArn ? { roleArn: state.roleArn } : undefined,
    });
  }
}
