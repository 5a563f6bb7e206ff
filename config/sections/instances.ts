/** An environment's `instances`: each reached only through Session Manager. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { isAtLeastVersion, MIN_SSM_AGENT_VERSION } from '../../modules/shared/ssm-agent';
import { MAX_INSTANCE_TYPES, mixedInstancesProblems } from '../../modules/ssm-fleet/mixed-instances';
import { awsString, list, problem, type Report, strict, tags } from './common';
import type { NetworkFile } from './network';

/** What an instance and a fleet's instances are made of: type, image and agent, access tags, OS users. */
const machineFields = {
  instanceType: awsString(rules.instanceType, 'EC2 instance type, e.g. t3.micro'),
  ami: awsString(rules.amiId, 'image id; default the latest Amazon Linux 2023 for the architecture').optional(),
  ssmAgentVersion: f.string().optional().meta({ description: `required with ami: the SSM Agent version the image carries, ${MIN_SSM_AGENT_VERSION} or later` }),
  team: awsString(rules.tagValue, 'Team tag, matched by access groups').optional(),
  accessGroup: awsString(rules.tagValue, 'AccessGroup tag, matched by access groups').optional(),
  detailedMonitoring: f.boolean().default(false).meta({ description: 'one-minute CloudWatch metrics' }),
  manageOsUsers: f.boolean().default(true).meta({
    description: "create the run-as users and take ssm-user's sudo away at first boot (cloud-config); false for an image prepared otherwise",
  }),
  tags: tags.meta({ description: 'more tags (they cannot override the access tags)' }),
};

/** A pinned image says which agent it carries, one recent enough. */
function checkAgent(ctx: f.CheckContext<{ readonly ami?: string; readonly ssmAgentVersion?: string }>): void {
  const { ami, ssmAgentVersion } = ctx.value;
  if (ami !== undefined && ssmAgentVersion === undefined) {
    problem(ctx, ['ssmAgentVersion'], `is required with "ami": say which SSM Agent the image carries (${MIN_SSM_AGENT_VERSION} or later, which needs no ec2messages endpoint)`);
  }
  if (ssmAgentVersion !== undefined && !isAtLeastVersion(ssmAgentVersion, MIN_SSM_AGENT_VERSION)) {
    problem(ctx, ['ssmAgentVersion'], `must be a version of ${MIN_SSM_AGENT_VERSION} or later (got ${JSON.stringify(ssmAgentVersion)}): older agents take Run Command over ec2messages`);
  }
}

const instanceSchema = strict({
  name: awsString(rules.instanceName, "unique within the environment; the instance's Name tag"),
  subnetId: awsString(rules.subnetId, 'one of network.subnetIds; default the next in turn').optional(),
  ...machineFields,
}, 'an instance reached only through Session Manager').check(checkAgent);

const fleetSchema = strict({
  name: awsString(rules.instanceName, "unique within the environment, instances included; its instances' Name tag"),
  subnetIds: list(awsString(rules.subnetId, 'subnet id'), 'some of network.subnetIds; default all of them').optional(),
  minSize: f.number().meta({ description: 'the fewest instances', minimum: 0 }),
  maxSize: f.number().meta({ description: 'the most instances', minimum: 1 }),
  desiredCapacity: f.number().optional().meta({ description: 'instances to run now; default minSize', minimum: 0 }),
  instanceRefresh: f.boolean().default(true).meta({ description: 'replace the instances, 10% at a time, when what they launch with changes' }),
  rootDeviceName: f.string().optional().meta({ description: "with ami: the image's root device (the launch template encrypts it); default /dev/xvda, Amazon Linux 2023's" }),
  mixedInstances: strict({
    instanceTypes: list(awsString(rules.instanceType, 'EC2 instance type'), `up to ${MAX_INSTANCE_TYPES} instance types, in order of priority, of instanceType's architecture`),
    onDemandPercentage: f.number().default(100).meta({ description: 'percent of the capacity On-Demand, the rest Spot', minimum: 0, maximum: 100 }),
  }, 'launch any of several instance types, On-Demand or Spot').optional(),
  ...machineFields,
}, 'an Auto Scaling group of instances reached only through Session Manager, launched from a hardened launch template').check((ctx) => {
  checkAgent(ctx);
  const { minSize, maxSize, desiredCapacity = minSize } = ctx.value;
  for (const [field, value] of [['minSize', minSize], ['maxSize', maxSize], ['desiredCapacity', desiredCapacity]] as const) {
    if (!Number.isInteger(value) || value < 0) problem(ctx, [field], 'must be a whole number, 0 or more');
  }
  if (maxSize < minSize) problem(ctx, ['maxSize'], `is below minSize (${minSize})`);
  if (desiredCapacity < minSize || desiredCapacity > maxSize) problem(ctx, ['desiredCapacity'], `must lie from minSize to maxSize (${minSize} to ${maxSize})`);
  const { instanceType, mixedInstances } = ctx.value;
  for (const { field, message } of mixedInstances ? mixedInstancesProblems(instanceType, mixedInstances) : []) problem(ctx, ['mixedInstances', field], message);
});

/** The instances, each name once. */
export const instancesSchema = list(instanceSchema, 'the instances; an empty list is fine').check((ctx) => {
  const seen = new Set<string>();
  ctx.value.forEach(({ name }, i) => {
    if (seen.has(name)) problem(ctx, [i, 'name'], `"${name}" names another instance of this environment`);
    seen.add(name);
  });
});

/** The fleets (Auto Scaling groups). */
export const fleetsSchema = list(fleetSchema, 'Auto Scaling groups of instances; an empty list is fine').default([]);

export type InstanceFile = f.Output<typeof instanceSchema>;
export type FleetFile = f.Output<typeof fleetSchema>;

/** Every fleet has its subnets: its own, or all of the network's. */
export interface FleetConfig extends Readonly<Omit<FleetFile, 'subnetIds'>> {
  readonly subnetIds: readonly string[];
}

/** Each fleet's subnets, some of the network's; no fleet named like an instance or another fleet. */
export function fleetsOf(fleets: readonly FleetFile[], instances: readonly InstanceFile[], { subnetIds }: NetworkFile, report: Report): FleetConfig[] {
  const names = new Set(instances.map((i) => i.name));
  return fleets.map((fleet, i) => {
    if (names.has(fleet.name)) report(`fleets[${i}].name`, `"${fleet.name}" names another instance or fleet of this environment`);
    names.add(fleet.name);
    (fleet.subnetIds ?? []).forEach((subnet, j) => {
      if (!subnetIds.includes(subnet)) report(`fleets[${i}].subnetIds[${j}]`, `"${subnet}" is not one of network.subnetIds`);
    });
    return { ...fleet, subnetIds: fleet.subnetIds?.length ? fleet.subnetIds : subnetIds };
  });
}

/** Every instance has a subnet: its own, or the next of the network's in turn. */
export interface InstanceConfig extends Readonly<InstanceFile> {
  readonly subnetId: string;
}

/** Instances without a subnet of their own are spread over the network's subnets in turn. */
export function instancesOf(instances: readonly InstanceFile[], { subnetIds }: NetworkFile, report: Report): InstanceConfig[] {
  return instances.map((instance, i) => {
    if (instance.subnetId !== undefined && !subnetIds.includes(instance.subnetId)) {
      report(`instances[${i}].subnetId`, `"${instance.subnetId}" is not one of network.subnetIds`);
    }
    return { ...instance, subnetId: instance.subnetId ?? subnetIds[i % subnetIds.length] };
  });
}
