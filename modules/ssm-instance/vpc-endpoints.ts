import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { regionOf } from '../shared/aws-environment';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';
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
  /**
   * Each endpoint's policy. Written out, never left to AWS, so that a plan sees any change to it: an
   * endpoint policy that refuses only uploads blocks the record while sessions go on.
   * @default AWS's default, full access (every workload of the VPC shares the endpoints)
   */
  readonly policyStatements?: readonly PolicyStatement[];
}

/**
 * AWS's default endpoint policy, full access ("Control access to VPC endpoints using endpoint policies",
 * AWS PrivateLink Guide): the endpoints serve every workload of the VPC through their private DNS names,
 * so a narrower one would break what else runs there.
 */
export const FULL_ACCESS_ENDPOINT_POLICY: readonly PolicyStatement[] = [
  { Sid: 'FullAccessAsAwsDefault', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
];

/**
 * VPC endpoints that let instances without internet access reach Systems Manager: interface
 * endpoints with private DNS, behind a security group that admits HTTPS from the VPC only.
 */
export class SsmVpcEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /** Interface endpoints by service name (`ssm`, `ssmmessages`, ...). */
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;
  readonly s3GatewayEndpoint?: VpcEndpoint;
  /** The policy every endpoint carries. */
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: SsmVpcEndpointsProps) {
    super(scope, id);
    const region = regionOf(this);
    this.policy = new PolicyDocument([...(props.policyStatements ?? FULL_ACCESS_ENDPOINT_POLICY)]);
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
      policy: this.policy.toJson(),
    })]));

    if (props.routeTableIds && props.routeTableIds.length > 0) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, 's3', {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...props.routeTableIds],
        policy: this.policy.toJson(),
      });
    }
  }
}
