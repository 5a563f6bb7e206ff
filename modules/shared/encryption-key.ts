import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { PolicyDocument, PolicyStatement } from './policy-document';

export interface EncryptionKeyProps {
  readonly description: string;
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  /** ARN partition of the account, e.g. from `DataAwsPartition`. */
  readonly partition: string;
  /** The account that administers the key through IAM. */
  readonly accountId: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Tags of the key itself (the provider's default tags still apply on top).
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The key policy statement that lets the account administer the key through IAM, as KMS's default does. */
export function accountAdministersKey(partition: string, accountId: string): PolicyStatement {
  return { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' };
}

/**
 * A customer managed KMS key with yearly rotation, protected from `terraform destroy`, whose policy
 * lets the account administer it through IAM. Others add statements with `addToKeyPolicy`.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** `alias/<alias>`: known at plan time, unlike `alias.name`. */
  readonly aliasName: string;
  readonly keyPolicy: PolicyDocument;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.keyPolicy = new PolicyDocument([accountAdministersKey(props.partition, props.accountId)]);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: this.keyPolicy.toJson(),
      lifecycle: { preventDestroy: true },
      tags: props.tags && { ...props.tags },
    });
    this.aliasName = `alias/${props.alias}`;
    this.alias = new KmsAlias(this, 'alias', { name: this.aliasName, targetKeyId: this.key.keyId });
  }

  get keyArn(): string {
    return this.key.arn;
  }

  addToKeyPolicy(...statements: PolicyStatement[]): void {
    this.keyPolicy.addStatements(...statements);
  }
}
