import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { MANAGED_BY_TAG } from '../config/access';
import type { Tags } from '../config/types';
import { forwardsIamEvents, IAM_EVENTS_REGION } from '../modules/session-alerts/names';

/** Oldest Terraform that understands the S3 backend's `use_lockfile`. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';

export interface AwsTarget {
  readonly accountId: string;
  readonly region: string;
  readonly tags: Tags;
  /** A second provider of the stack's, for another region. @default the stack's default provider */
  readonly alias?: string;
}

/**
 * The AWS provider every stack uses: pinned to the one account the stack belongs to, so that
 * credentials for another account make Terraform stop before it changes anything.
 */
export function addAwsProvider(stack: TerraformStack, target: AwsTarget): AwsProvider {
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
  return new AwsProvider(stack, target.alias ? `aws-${target.alias}` : 'aws', {
    alias: target.alias,
    region: target.region,
    allowedAccountIds: [target.accountId],
    defaultTags: [{ tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value, ...target.tags } }],
  });
}

/**
 * A second provider for us-east-1, where IAM delivers its events (and STS those of its global endpoint),
 * for a stack whose alerts are in another region; none in us-east-1.
 */
export function addIamEventsProvider(stack: TerraformStack, target: AwsTarget): AwsProvider | undefined {
  return !forwardsIamEvents(target.region) ? undefined : addAwsProvider(stack, { ...target, region: IAM_EVENTS_REGION, alias: 'iam-events' });
}
