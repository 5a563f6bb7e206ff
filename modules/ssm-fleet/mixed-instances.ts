/** A fleet of several instance types, as data: what `SsmFleet` takes and what the config checks. No cdktf. */
import { architectureOf } from '../ssm-instance/machine-image';

/** Several instance types, and the share of On-Demand capacity. */
export interface MixedInstances {
  /** The instance types, in order of priority (up to `MAX_INSTANCE_TYPES`). */
  readonly instanceTypes: readonly string[];
  /**
   * Percent of the capacity On-Demand; the rest Spot, by the price-capacity-optimized strategy.
   * @default 100
   */
  readonly onDemandPercentage?: number;
}

/** ("Auto Scaling groups with multiple instance types and purchase options") At most 40 instance types a group. */
export const MAX_INSTANCE_TYPES = 40;

/**
 * What is wrong with a mixed instances policy beside a template of `instanceType`: the types must be
 * 1 to 40, each once, of the template's architecture (its image is theirs too), and the On-Demand share
 * a whole percent.
 */
export function mixedInstancesProblems(instanceType: string, mixed: MixedInstances): { field: keyof MixedInstances; message: string }[] {
  const problems: { field: keyof MixedInstances; message: string }[] = [];
  const types = mixed.instanceTypes;
  if (types.length === 0 || types.length > MAX_INSTANCE_TYPES) problems.push({ field: 'instanceTypes', message: `must name 1 to ${MAX_INSTANCE_TYPES} instance types (got ${types.length})` });
  const repeated = types.filter((t, i) => types.indexOf(t) !== i);
  if (repeated.length > 0) problems.push({ field: 'instanceTypes', message: `names ${[...new Set(repeated)].join(', ')} more than once` });
  const architecture = architectureOf(instanceType);
  const other = types.filter((t) => architectureOf(t) !== architecture);
  if (other.length > 0) problems.push({ field: 'instanceTypes', message: `${other.join(', ')} cannot boot the ${architecture} image of ${instanceType}: every type needs the template's architecture` });
  const share = mixed.onDemandPercentage ?? 100;
  if (!Number.isInteger(share) || share < 0 || share > 100) problems.push({ field: 'onDemandPercentage', message: `must be a whole number from 0 to 100 (got ${share})` });
  return problems;
}
