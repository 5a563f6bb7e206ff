import { S3Backend, S3BackendConfig } from 'cdktf';
import type { Construct } from 'constructs';
import type { RemoteStateConfig } from '../config/types';

export interface LockingS3BackendConfig extends S3BackendConfig {
  /**
   * Lock the state with a lock object next to it in the bucket (Terraform 1.10+), which makes a
   * DynamoDB lock table unnecessary.
   * @default true
   */
  readonly useLockfile?: boolean;
}

/**
 * The S3 backend with S3-native state locking: cdktf 0.21's S3BackendConfig predates the
 * `use_lockfile` argument, so this adds it to the synthesized backend block.
 */
export class LockingS3Backend extends S3Backend {
  private readonly useLockfile: boolean;

  constructor(scope: Construct, { useLockfile = true, ...config }: LockingS3BackendConfig) {
    super(scope, config);
    this.useLockfile = useLockfile;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { ...super.synthesizeAttributes(), use_lockfile: this.useLockfile };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return { ...super.synthesizeHclAttributes(), use_lockfile: this.useLockfile };
  }
}

/** A stack's remote state as the config declares it: always encrypted, always locked. */
export function addRemoteState(stack: Construct, state: RemoteStateConfig): LockingS3Backend {
  return new LockingS3Backend(stack, {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyId,
    dynamodbTable: state.dynamodbTable,
    assumeRole: state.roleArn ? { roleArn: state.roleArn } : undefined,
  });
}
