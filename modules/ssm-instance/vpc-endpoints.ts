import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { regionOf } from '../shared/aws-environment';
import { MIN_SSM_AGENT_VERSION } from '../shared/ssm-agent';

export { MIN_SSM_AGENT_VERSION };

/**
 * What the SSM agent talks to: the API and the session channel, over which agents from
 * `MIN_SSM_AGENT_VERSION` also receive Run Command ("Reference: ec2messages, ssmmessages, and other API
 * operations"). Older agents also need `ec2messages` (`legacyMessageEndpoint`).
 */
export const SESSION_MANAGER_SERVICES = ['ssm', 'ssmmessages'] as const;

export interface SsmVpcEndpointsProps {
  readonly vpcId: string;
  /** Subnets the interface endpoints get a network interface in (one per Availability Zone). */
  readonly subnetIds: readonly string[];
  /** The VPC's CIDR blocks: the only sources admitted to the endpoints, on 443. */
  readonly vpcCidrs: readonly string[];
  /**
   * Interface endpoints beyond the Session Manager ones: `kms` for encrypted sessions, `logs` for
   * session logs streamed to CloudWatch.
   * @default ['kms', 'logs']
   */
  readonly extraServices?: readonly string[];
  /**
   * Route tables that get an S3 gateway endpoint, for session logs written to S3 and for the agent's
   * own updates. None, none is created.
   * @default none
   */
  readonly routeTableIds?: readonly string[];
  /**
   * Also the `ec2messages` endpoint, for agents older than `MIN_SSM_AGENT_VERSION`.
   * @default false
   */
  readonly legacyMessageEndpoint?: boolean;
}

/**
 * VPC endpoints that let instances without internet access reach Systems Manager: interface
 * endpoints with private DNS, behind a security group that admits HTTPS from the VPC only.
 */
export class SsmVpcEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /** Interface endpoints by service name (`ssm`, `ssmmessages`, ...). */
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;
  readonly s3GatewayEndpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: SsmVpcEndpointsProps) {
    super(scope, id);
    const region = regionOf(this);
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      vpcId: props.vpcId,
      namePrefix: 'ssm-endpoints-',
      description: 'Systems Manager VPC endpoints: HTTPS from the VPC only',
      lifecycle: { createBeforeDestroy: true },
    });
    props.vpcCidrs.forEach((cidr, i) => new VpcSecurityGroupIngressRule(this, `https-from-vpc-${i}`, {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: cidr,
    }));

    const services = [...SESSION_MANAGER_SERVICES, ...(props.legacyMessageEndpoint ? ['ec2messages'] : []), ...(props.extraServices ?? ['kms', 'logs'])];
    this.interfaceEndpoints = Object.fromEntries(services.map((service) => [service, new VpcEndpoint(this, service, {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${region}.${service}`,
      vpcEndpointType: 'Interface',
      subnetIds: [...props.subnetIds],
      securityGroupIds: [this.securityGroup.id],
      privateDnsEnabled: true,
    })]));

    if (props.routeTableIds && props.routeTableIds.length > 0) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, 's3', {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...props.routeTableIds],
      });
    }
  }
}
