import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PolicyDocument, PolicyStatement } from '../shared/policy-document';
import { EncryptedBucket } from '../shared/encrypted-bucket';
import { EncryptionKey } from '../shared/encryption-key';
import { partitionOf } from '../shared/aws-environment';
import { STATE_BUCKET_ACTIONS, STATE_HISTORY_ACTIONS } from '../shared/protected-actions';
import { AUDIT_TRAIL_TAG, keyGuardStatement } from '../shared/resource-guards';

export interface StateBucketProps {
  /** Name of the bucket that holds Terraform state. */
  readonly bucketName: string;
  /** Account that owns the bucket and administers its key. */
  readonly accountId: string;
  /**
   * Alias of the KMS key that encrypts the state, without the `alias/` prefix.
   * @default 'ssm-session-kit-tfstate'
   */
  readonly keyAlias?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
  /**
   * The roles (the bootstrap stack's pipeline) that alone may change the bucket's configuration, delete
   * its objects' history and manage the key: the bucket and key policies deny it to everyone else, and
   * the key carries `AUDIT_TRAIL_TAG`, by which a service control policy protects keys it cannot name.
   * @default the bucket and key not guarded
   */
  readonly pipelineRoleArns?: readonly string[];
}

/**
 * An S3 bucket for Terraform remote state: versioned, encrypted with its own customer managed KMS
 * key, closed to the public, reachable only over TLS, and protected from `terraform destroy`.
 */
export class StateBucket extends Construct {
  readonly key: EncryptionKey;
  readonly bucket: EncryptedBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const partition = partitionOf(this);
    this.key = new EncryptionKey(this, 'key', {
      description: `Encrypts Terraform state in s3://${props.bucketName}`,
      alias: props.keyAlias ?? 'ssm-session-kit-tfstate',
      partition,
      accountId: props.accountId,
      deletionWindowInDays: props.keyDeletionWindowInDays,
      tags: props.pipelineRoleArns && { [AUDIT_TRAIL_TAG.key]: AUDIT_TRAIL_TAG.value },
    });
    this.bucket = new EncryptedBucket(this, 'bucket', { bucketName: props.bucketName, partition, kmsKeyArn: this.key.keyArn });
    if (props.pipelineRoleArns) this.guardFor(props.pipelineRoleArns);
    this.bucket.addToResourcePolicy({
      // A write that asks for S3-managed keys would bypass the bucket's KMS key.
      Sid: 'DenyNonKmsEncryption',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `${this.bucket.bucketArn}/*`,
      Condition: {
        Null: { 's3:x-amz-server-side-encryption': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      },
    });
  }

  /** The bucket's configuration, its objects' history and the key, kept for the pipeline. */
  private guardFor(pipelineRoleArns: readonly string[]): void {
    const everyoneButPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...pipelineRoleArns] } };
    this.bucket.addToResourcePolicy(
      { Sid: 'OnlyPipelineConfiguresBucket', Effect: 'Deny', Principal: '*', Action: [...STATE_BUCKET_ACTIONS], Resource: this.bucket.bucketArn, Condition: everyoneButPipeline },
      { Sid: 'OnlyPipelineDeletesStateHistory', Effect: 'Deny', Principal: '*', Action: [...STATE_HISTORY_ACTIONS], Resource: `${this.bucket.bucketArn}/*`, Condition: everyoneButPipeline },
    );
    this.key.addToKeyPolicy(keyGuardStatement(pipelineRoleArns));
  }

  /**
   * Only these principals (the state-access roles, by their exact ARNs, and whoever administers state by
   * hand) may read, write or delete state objects, whatever their own policies say; those of
   * `readOnlyArns` (ARN patterns) only read, and take or break no lock.
   */
  restrictStateAccess(principalArns: readonly string[], readOnlyArns: readonly string[] = []): void {
    this.bucket.addToResourcePolicy({
      Sid: 'OnlyStateRolesTouchState',
      Effect: 'Deny',
      Principal: '*',
      // Every object action, not only the backend's: a version is read with s3:GetObjectVersion, and a
      // replication role writes and deletes with s3:ReplicateObject and s3:ReplicateDelete.
      Action: 's3:*',
      Resource: `${this.bucket.bucketArn}/*`,
      // Services have no identity policy here: the policy's own Allows (a trail's delivery) decide them.
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...principalArns] }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    });
    if (readOnlyArns.length === 0) return;
    // Whatever their own policies say: a reader writes no state and takes or breaks no lock.
    this.bucket.addToResourcePolicy({
      Sid: 'ReadersWriteNoStateNorLock',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: `${this.bucket.bucketArn}/*`,
      Condition: { ArnLike: { 'aws:PrincipalArn': [...readOnlyArns] } },
    });
  }
}

/**
 * ("Backend Type: s3", S3 Bucket Permissions and State Locking) What Terraform's S3 backend needs for
 * one state: list the bucket, read and write the state object, read, write and delete its lock file
 * (`<key>.tflock`, with `use_lockfile`), and use the key that encrypts them.
 */
export function stateAccessStatements(bucketArn: string, stateKey: string, kmsKeyArn: string): PolicyStatement[] {
  return [
    listStateBucket(bucketArn),
    { Sid: 'ReadWriteState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucketArn}/${stateKey}` },
    { Sid: 'LockState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${bucketArn}/${stateKey}.tflock` },
    { Sid: 'UseStateKey', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], Resource: kmsKeyArn },
  ];
}

/**
 * What `terraform plan -lock=false` needs to read one state: list the bucket, read the state object,
 * decrypt it. Nothing that writes, and not the lock file.
 */
export function stateReadStatements(bucketArn: string, stateKey: string, kmsKeyArn: string): PolicyStatement[] {
  return [
    listStateBucket(bucketArn),
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${stateKey}` },
    { Sid: 'DecryptState', Effect: 'Allow', Action: 'kms:Decrypt', Resource: kmsKeyArn },
  ];
}

function listStateBucket(bucketArn: string): PolicyStatement {
  return { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn };
}

export interface StateAccessRoleProps {
  readonly roleName: string;
  /** The roles that may assume it: an environment's deployment pipeline (or, read-only, its plan role). */
  readonly trustedRoleArns: readonly string[];
  /**
   * Read the state without locking it or writing it, for plans and drift checks.
   * @default false
   */
  readonly readOnly?: boolean;
  readonly bucketArn: string;
  /** The one state object it reaches. */
  readonly stateKey: string;
  readonly kmsKeyArn: string;
}

/** A role that reads and writes (or only reads) one state object and its lock, and nothing else, for the roles it trusts. */
export class StateAccessRole extends Construct {
  readonly role: IamRole;
  /** Known at plan time, unlike `role.name`. */
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: StateAccessRoleProps) {
    super(scope, id);
    this.roleName = props.roleName;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.readOnly ? `Reads the Terraform state ${props.stateKey}` : `Reads and writes the Terraform state ${props.stateKey} and its lock`,
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'PipelineAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: [...props.trustedRoleArns] },
        Action: 'sts:AssumeRole',
      }]).toJson(),
    });
    new IamRolePolicy(this, 'state', {
      name: 'terraform-state',
      role: this.role.name,
      policy: new PolicyDocument((props.readOnly ? stateReadStatements : stateAccessStatements)(props.bucketArn, props.stateKey, props.kmsKeyArn)).toJson(),
    });
  }
}
