import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { BootstrapConfig } from '../config/types';
import { StateBucket } from '../modules/state-bucket';
import { addAwsProvider } from './aws-provider';

export const BOOTSTRAP_STACK = 'bootstrap';

/**
 * Creates the bucket every environment keeps its state in. It cannot keep its own state there before
 * the bucket exists, so its state is local: a file at the project root, kept with the code.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: StateBucket;

  constructor(scope: Construct, config: BootstrapConfig) {
    super(scope, BOOTSTRAP_STACK);
    addAwsProvider(this, config);
    // Relative to the stack's synthesized folder, cdktf.out/stacks/bootstrap.
    new LocalBackend(this, { path: `../../../terraform.${BOOTSTRAP_STACK}.tfstate` });

    this.stateBucket = new StateBucket(this, 'state', {
      bucketName: config.stateBucket,
      accountId: config.accountId,
      keyAlias: config.stateKeyAlias,
    });
    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket.bucket });
    new TerraformOutput(this, 'state_key_arn', { value: this.stateBucket.key.keyArn });
    new TerraformOutput(this, 'state_key_alias', { value: this.stateBucket.key.alias.name });
  }
}
