import { TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';

// The partition, region and account of the stack a construct is in, read by one data source each per
// stack however many constructs ask, as `Stack.of(this).region` does in the AWS CDK.

function once<T extends IConstruct>(scope: Construct, id: string, create: (stack: TerraformStack, id: string) => T): T {
  const stack = TerraformStack.of(scope);
  return (stack.node.tryFindChild(id) as T | undefined) ?? create(stack, id);
}

export function partitionOf(scope: Construct): string {
  return once(scope, 'aws-partition', (stack, id) => new DataAwsPartition(stack, id)).partition;
}

/**
 * The region's name. Read as the data source's `id`, which hashicorp/aws 5 and 6 both set to it: 6
 * deprecates `name` for `region`, which 5 does not have.
 */
export function regionOf(scope: Construct): string {
  return once(scope, 'aws-region', (stack, id) => new DataAwsRegion(stack, id)).id;
}

export function accountIdOf(scope: Construct): string {
  return once(scope, 'aws-caller-identity', (stack, id) => new DataAwsCallerIdentity(stack, id)).accountId;
}
