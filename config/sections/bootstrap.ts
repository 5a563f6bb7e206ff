/** `bootstrap`: the stack that creates the remote-state bucket (kept in local state). */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { DEFAULT_STATE_KEY_ALIAS } from '../../stacks/naming';
import { accountId, awsString, list, region, strict, tags } from './common';

export const bootstrapSchema = strict({
  accountId: accountId.meta({ description: 'where the state bucket lives' }),
  region: region.meta({ description: 'where the state bucket lives' }),
  stateBucket: awsString(rules.bucketName, 'name of the state bucket the bootstrap stack creates'),
  stateKeyAlias: awsString(rules.kmsAliasName, "alias of the bucket's KMS key").default(DEFAULT_STATE_KEY_ALIAS),
  administratorArns: list(awsString(rules.principalArnPattern, 'principal ARN pattern'), 'who may read and write state objects beside the state roles (by hand, in an emergency)').default([]),
  tags: tags.meta({ description: 'tags for the bootstrap resources' }),
}, 'the stack that creates the remote-state bucket (local state)');

export type BootstrapFile = f.Output<typeof bootstrapSchema>;
export type BootstrapConfig = Readonly<BootstrapFile>;
