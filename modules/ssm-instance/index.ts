import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { IamSsmRole } from '../iam-ssm-role';
import { InstanceProfile } from '../instance-profile';
import { AccessTags, accessTagsToTags } from './access-tags';
import { architectureOf, latestAmazonLinux2023Parameter } from './machine-image';
import { CloudConfig, mergeCloudConfig, OsUsers, osUsersCloudConfig, renderCloudConfig } from './os-users';
import { hardeningCloudConfig, InstanceHardening } from './hardening';
import { regionOf } from '../shared/aws-environment';
import { SSM_AGENT_VERSION_TAG } from '../shared/ssm-agent';
import { SESSION_PREFERENCES_DOCUMENT } from '../session-logging';

export { ACCESS_TAG_KEYS, type AccessTags } from './access-tags';
export { type Architecture, architectureOf } from './machine-image';
export { MIN_SSM_AGENT_VERSION, SESSION_MANAGER_SERVICES, SsmVpcEndpoints, type SsmVpcEndpointsProps } from './vpc-endpoints';
export { type CloudConfig, mergeCloudConfig, type OsUsers, osUsersCloudConfig, renderCloudConfig, SSM_USER_SUDOERS } from './os-users';
export { hardeningCloudConfig, type InstanceHardening, METADATA_ADDRESSES, METADATA_FIREWALL, metadataFirewallRules } from './hardening';

export interface SsmInstanceProps {
  /** The instance's Name tag. */
  readonly name: string;
  readonly vpcId: string;
  /** A private subnet with a route to Systems Manager: a NAT gateway or `SsmVpcEndpoints`. */
  readonly subnetId: string;
  /** @default 't3.micro' */
  readonly instanceType?: string;
  /**
   * The image to launch. Given, it is used as is; omitted, the latest Amazon Linux 2023 image for
   * the instance type's architecture is looked up at plan time, and later releases do not replace
   * the running instance (patch it with Patch Manager, or replace it on purpose).
   * @default the latest Amazon Linux 2023 image
   */
  readonly machineImageId?: string;
  /**
   * With `machineImageId`: the SSM Agent version the image carries (tag `SsmAgentVersion`), at least
   * `MIN_SSM_AGENT_VERSION`, which the compliance check holds pinned images to.
   * @default none (the latest image carries a current agent)
   */
  readonly agentVersion?: string;
  /** The tags access policies match on. */
  readonly accessTags: AccessTags;
  /**
   * The role and instance profile to run with, e.g. one shared by every instance of an environment.
   * @default a new `IamSsmRole` and `InstanceProfile` for this instance
   */
  readonly instanceProfile?: { readonly role: IamSsmRole; readonly profile: InstanceProfile };
  /**
   * Destinations the instance may reach over HTTPS (its only egress).
   * @default ['0.0.0.0/0']
   */
  readonly httpsEgressCidrs?: readonly string[];
  /**
   * One-minute CloudWatch metrics instead of five-minute ones (charged).
   * @default false
   */
  readonly detailedMonitoring?: boolean;
  /**
   * Size of the encrypted root volume.
   * @default the image's size
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * KMS key that encrypts the root volume.
   * @default the account's default EBS key
   */
  readonly rootVolumeKmsKeyId?: string;
  /** @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The OS users sessions may run as, created at first boot without sudo, and whether `ssm-user` keeps
   * its sudo rights. `false`: no user data of this construct's (an image prepared otherwise).
   * @default no run-as users; `ssm-user` without sudo
   */
  readonly osUsers?: OsUsers | false;
  /**
   * What keeps a session's user from what records it: only root reaches the metadata service, the
   * default user has no sudo, sshd is off. Part of the user data, so not applied where `osUsers` is
   * false.
   * @default every protection on (`InstanceHardening`'s defaults)
   */
  readonly hardening?: InstanceHardening;
  /**
   * More cloud-config, merged with the users' (lists joined, maps merged; a key set twice to different
   * values is an error).
   * @default none
   */
  readonly extraCloudConfig?: CloudConfig;
  /**
   * Replace the instance when its user data changes. Otherwise the provider stops and starts it with
   * the new user data, which cloud-init does not run again on an instance it has booted before.
   * @default false
   */
  readonly replaceOnUserDataChange?: boolean;
}

/**
 * An EC2 instance reached only through Session Manager: no key pair, no public IP, no inbound rule,
 * IMDSv2 required, root volume encrypted, and egress limited to HTTPS, which is all the SSM agent
 * needs to connect out to Systems Manager.
 */
export class SsmInstance extends Construct {
  readonly instance: Instance;
  readonly securityGroup: SecurityGroup;
  readonly role: IamSsmRole;
  readonly instanceProfile: InstanceProfile;
  /** `aws ssm start-session` for a shell on this instance, naming the document, ready to paste. */
  readonly startSessionCommand: string;
  /** The instance's user data (cloud-config); undefined where `osUsers` is false and no extra config is given. */
  readonly userData?: string;

  constructor(scope: Construct, id: string, props: SsmInstanceProps) {
    super(scope, id);
    this.role = props.instanceProfile?.role ?? new IamSsmRole(this, 'role');
    this.instanceProfile = props.instanceProfile?.profile ??
      new InstanceProfile(this, 'profile', { roleName: this.role.roleName });
    this.securityGroup = httpsOnlySecurityGroup(this, props);

    const instanceType = props.instanceType ?? 't3.micro';
    this.userData = sessionOnlyUserData(props);
    this.instance = new Instance(this, 'instance', {
      ami: props.machineImageId ?? latestAmazonLinuxImage(this, instanceType),
      instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: this.instanceProfile.profileName,
      associatePublicIpAddress: false,
      monitoring: props.detailedMonitoring ?? false,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: {
        encrypted: true,
        volumeType: 'gp3',
        volumeSize: props.rootVolumeSizeGiB,
        kmsKeyId: props.rootVolumeKmsKeyId,
      },
      tags: {
        ...props.tags, ...accessTagsToTags(props.accessTags), Name: props.name,
        ...(props.agentVersion ? { [SSM_AGENT_VERSION_TAG]: props.agentVersion } : {}),
      },
      userData: this.userData,
      userDataReplaceOnChange: this.userData !== undefined ? props.replaceOnUserDataChange ?? false : undefined,
      lifecycle: props.machineImageId ? undefined : { ignoreChanges: ['ami'] },
    });

    const region = regionOf(this);
    // With the document access check on, a session names its document ("Start a session with a document
    // by specifying the session documents in IAM policies").
    this.startSessionCommand = `aws ssm start-session --target ${this.instance.id} --document-name ${SESSION_PREFERENCES_DOCUMENT} --region ${region}`;
  }


}

/** The latest Amazon Linux 2023 image for the instance type's architecture, by its public SSM parameter. */
export function latestAmazonLinuxImage(scope: Construct, instanceType: string): string {
  return new DataAwsSsmParameter(scope, 'amazon-linux-2023', {
    name: latestAmazonLinux2023Parameter(architectureOf(instanceType)),
  }).insecureValue;
}

/** No ingress rule at all; egress on 443 only: an instance's, or a fleet's launch template's. */
export function httpsOnlySecurityGroup(scope: Construct, props: Pick<SsmInstanceProps, 'name' | 'vpcId' | 'httpsEgressCidrs'>): SecurityGroup {
  const group = new SecurityGroup(scope, 'security-group', {
    vpcId: props.vpcId,
    namePrefix: `${props.name}-`,
    description: `${props.name}: Session Manager only, no inbound access`,
    lifecycle: { createBeforeDestroy: true },
  });
  (props.httpsEgressCidrs ?? ['0.0.0.0/0']).forEach((cidr, i) => new VpcSecurityGroupEgressRule(scope, `https-out-${i}`, {
    securityGroupId: group.id,
    description: 'HTTPS to Systems Manager and package repositories',
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: cidr,
  }));
  return group;
}

/** The hardened cloud-config an instance or a fleet's instances boot with (undefined with neither OS users nor extra config). */
export function sessionOnlyUserData(props: Pick<SsmInstanceProps, 'osUsers' | 'hardening' | 'extraCloudConfig'>): string | undefined {
  const users = props.osUsers === false ? undefined : mergeCloudConfig(osUsersCloudConfig(props.osUsers ?? {}), hardeningCloudConfig(props.hardening));
  const config = users && props.extraCloudConfig ? mergeCloudConfig(users, props.extraCloudConfig) : users ?? props.extraCloudConfig;
  return config ? renderCloudConfig(config) : undefined;
}
