/** An environment's `instances`: each reached only through Session Manager. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { isAtLeastVersion, MIN_SSM_AGENT_VERSION } from '../../modules/shared/ssm-agent';
import { awsString, list, problem, type Report, strict, tags } from './common';
import type { NetworkFile } from './network';

const instanceSchema = strict({
  name: awsString(rules.instanceName, "unique within the environment; the instance's Name tag"),
  instanceType: awsString(rules.instanceType, 'EC2 instance type, e.g. t3.micro'),
  ami: awsString(rules.amiId, 'image id; default the latest Amazon Linux 2023 for the architecture').optional(),
  ssmAgentVersion: f.string().optional().meta({ description: `required with ami: the SSM Agent version the image carries, ${MIN_SSM_AGENT_VERSION} or later` }),
  subnetId: awsString(rules.subnetId, 'one of network.subnetIds; default the next in turn').optional(),
  team: awsString(rules.tagValue, 'Team tag, matched by access groups').optional(),
  accessGroup: awsString(rules.tagValue, 'AccessGroup tag, matched by access groups').optional(),
  detailedMonitoring: f.boolean().default(false).meta({ description: 'one-minute CloudWatch metrics' }),
  manageOsUsers: f.boolean().default(true).meta({
    description: "create the run-as users and take ssm-user's sudo away at first boot (cloud-config); false for an image prepared otherwise",
  }),
  tags: tags.meta({ description: 'more tags (they cannot override the access tags)' }),
}, 'an instance reached only through Session Manager').check((ctx) => {
  const { ami, ssmAgentVersion } = ctx.value;
  if (ami !== undefined && ssmAgentVersion === undefined) {
    problem(ctx, ['ssmAgentVersion'], `is required with "ami": say which SSM Agent the image carries (${MIN_SSM_AGENT_VERSION} or later, which needs no ec2messages endpoint)`);
  }
  if (ssmAgentVersion !== undefined && !isAtLeastVersion(ssmAgentVersion, MIN_SSM_AGENT_VERSION)) {
    problem(ctx, ['ssmAgentVersion'], `must be a version of ${MIN_SSM_AGENT_VERSION} or later (got ${JSON.stringify(ssmAgentVersion)}): older agents take Run Command over ec2messages`);
  }
});

/** The instances, each name once. */
export const instancesSchema = list(instanceSchema, 'the instances; an empty list is fine').check((ctx) => {
  const seen = new Set<string>();
  ctx.value.forEach(({ name }, i) => {
    if (seen.has(name)) problem(ctx, [i, 'name'], `"${name}" names another instance of this environment`);
    seen.add(name);
  });
});

export type InstanceFile = f.Output<typeof instanceSchema>;

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
