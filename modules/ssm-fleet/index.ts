import { Construct } from 'constructs';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { IamSsmRole } from '../iam-ssm-role';
import type { InstanceProfile } from '../instance-profile';
import { type AccessTags, accessTagsToTags } from '../ssm-instance/access-tags';
import { httpsOnlySecurityGroup, latestAmazonLinuxImage, sessionOnlyUserData, type SsmInstanceProps } from '../ssm-instance';
import { SSM_AGENT_VERSION_TAG } from '../shared/ssm-agent';
import { type MixedInstances, mixedInstancesProblems } from './mixed-instances';

export * from './mixed-instances';

export interface SsmLaunchTemplateProps extends Pick<SsmInstanceProps,
  'vpcId' | 'machineImageId' | 'agentVersion' | 'httpsEgressCidrs' | 'detailedMonitoring' | 'rootVolumeSizeGiB' | 'rootVolumeKmsKeyId' | 'osUsers' | 'hardening' | 'extraCloudConfig'> {
  /** The fleet's name: its instances' Name tag. */
  readonly name: string;
  /**
   * The launch template's name, unique in the account and Region.
   * @default `name`
   */
  readonly templateName?: string;
  /** @default 't3.micro' */
  readonly instanceType?: string;
  /**
   * The image's root device, which the encrypted root volume replaces (a mapping of another name adds a
   * second volume, which AWS refuses without a size).
   * @default '/dev/xvda', Amazon Linux 2023's
   */
  readonly rootDeviceName?: string;
  /** The role and profile the instances record with: the environment's recording path. */
  readonly instanceProfile: { readonly role: IamSsmRole; readonly profile: InstanceProfile };
  /** The tags access policies match on, on every instance and volume it launches. */
  readonly accessTags: AccessTags;
  /** More tags on what it launches (the provider's default tags reach the template, not what it launches). @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * What a fleet's instances launch with, hardened as `SsmInstance` is: the same user data (the metadata
 * firewall, no sudo for the default user, sshd off), the recording path's instance profile, IMDSv2
 * with a hop limit of 1, no key pair, no public IP, an encrypted root volume, egress on HTTPS only, and
 * the access tags on the instances and volumes it launches ("Tags are not propagated to Amazon EBS
 * volumes": the template tags them). Give it to an Auto Scaling group of your own, or use `SsmFleet`.
 */
export class SsmLaunchTemplate extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly securityGroup: SecurityGroup;
  /** The cloud-config the instances boot with, as `SsmInstance` renders it. */
  readonly userData?: string;
  /** The tags every instance and volume it launches carries. */
  readonly launchTags: Readonly<Record<string, string>>;
  /** The instance type it launches, whose architecture its image is for. */
  readonly instanceType: string;

  constructor(scope: Construct, id: string, props: SsmLaunchTemplateProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 't3.micro';
    this.instanceType = instanceType;
    this.securityGroup = httpsOnlySecurityGroup(this, props);
    this.userData = sessionOnlyUserData(props);
    this.launchTags = {
      ...props.tags, ...accessTagsToTags(props.accessTags), Name: props.name,
      ...(props.agentVersion ? { [SSM_AGENT_VERSION_TAG]: props.agentVersion } : {}),
    };
    this.launchTemplate = new LaunchTemplate(this, 'template', {
      name: props.templateName ?? props.name,
      description: `${props.name}: Session Manager only`,
      imageId: props.machineImageId ?? latestAmazonLinuxImage(this, instanceType),
      instanceType,
      iamInstanceProfile: { arn: props.instanceProfile.profile.instanceProfile.arn },
      // No key pair: the template names none.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      monitoring: { enabled: props.detailedMonitoring ?? false },
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: 'false', deleteOnTermination: 'true', securityGroups: [this.securityGroup.id] }],
      blockDeviceMappings: [{
        deviceName: props.rootDeviceName ?? '/dev/xvda',
        ebs: { encrypted: 'true', volumeType: 'gp3', volumeSize: props.rootVolumeSizeGiB, kmsKeyId: props.rootVolumeKmsKeyId, deleteOnTermination: 'true' },
      }],
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: { ...this.launchTags } })),
      // Launch templates take user data base64-encoded; known at synthesis, so encoded here.
      userData: this.userData ? Buffer.from(this.userData, 'utf8').toString('base64') : undefined,
      // Each change is a new version, the default for whoever launches from it.
      updateDefaultVersion: true,
      tags: { ...props.tags, ...accessTagsToTags(props.accessTags) },
    });
  }
}

export interface SsmFleetProps {
  /** The group's name. */
  readonly name: string;
  /** What it launches. */
  readonly launchTemplate: SsmLaunchTemplate;
  /** The subnets it launches in (no public IP in any). */
  readonly subnetIds: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  /** @default minSize */
  readonly desiredCapacity?: number;
  /**
   * Replace the instances, a share at a time, when the template changes (a new version).
   * @default true, keeping 90% healthy
   */
  readonly instanceRefresh?: boolean;
  /**
   * Launch any of several instance types, On-Demand or Spot, from the same template: each type
   * overrides the template's (the image stays the template's, so every type needs its architecture).
   * @default the template's instance type alone, On-Demand
   */
  readonly mixedInstances?: MixedInstances;
}


/**
 * An Auto Scaling group of `SsmLaunchTemplate`'s instances: the template's latest version, its tags on
 * the group too (so that the group itself is known as the environment's), and a rolling instance
 * refresh whenever the template changes.
 */
export class SsmFleet extends Construct {
  readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: SsmFleetProps) {
    super(scope, id);
    const template = props.launchTemplate.launchTemplate;
    const problems = props.mixedInstances ? mixedInstancesProblems(props.launchTemplate.instanceType, props.mixedInstances) : [];
    if (problems.length > 0) throw new Error(`${this.node.path}: mixedInstances: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    this.group = new AutoscalingGroup(this, 'group', {
      name: props.name,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity ?? props.minSize,
      vpcZoneIdentifier: [...props.subnetIds],
      ...launchSpecification({ launchTemplateId: template.id, version: template.latestVersion.toString() }, props.mixedInstances),
      // The instances get the template's tags at launch; the group's own tags mark the group, not
      // copied to instances (the template's already are, volumes included).
      tag: Object.entries(props.launchTemplate.launchTags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
      ...(props.instanceRefresh ?? true ? { instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 90 } } } : {}),
    });
  }
}

/** The group's template, alone or with the instance types that override it. */
function launchSpecification(template: { launchTemplateId: string; version: string }, mixed: MixedInstances | undefined) {
  if (!mixed) return { launchTemplate: { id: template.launchTemplateId, version: template.version } };
  return {
    mixedInstancesPolicy: {
      launchTemplate: {
        launchTemplateSpecification: template,
        override: mixed.instanceTypes.map((instanceType) => ({ instanceType })),
      },
      instancesDistribution: {
        onDemandBaseCapacity: 0,
        onDemandPercentageAboveBaseCapacity: mixed.onDemandPercentage ?? 100,
        spotAllocationStrategy: 'price-capacity-optimized',
      },
    },
  };
}
