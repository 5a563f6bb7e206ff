/** An environment's `network`: where its instances run. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { awsString, list, problem, strict } from './common';

export const networkSchema = strict({
  vpcId: awsString(rules.vpcId, 'VPC the instances run in'),
  subnetIds: list(awsString(rules.subnetId, 'subnet id'), 'private subnets; instances without a subnetId take them in turn', { nonEmpty: true }),
  vpcEndpoints: f.boolean().default(false).meta({ description: 'create the Systems Manager VPC endpoints (else instances reach it through a NAT gateway)' }),
  vpcCidrs: list(awsString(rules.ipv4Cidr, 'CIDR block'), "the VPC's CIDR blocks, the only sources the endpoints admit; required with vpcEndpoints").default([]),
  routeTableIds: list(awsString(rules.routeTableId, 'route table id'), 'route tables for the S3 gateway endpoint').default([]),
}, 'where instances run').check((ctx) => {
  if (ctx.value.vpcEndpoints && ctx.value.vpcCidrs.length === 0) {
    problem(ctx, ['vpcCidrs'], 'must be a non-empty list with "vpcEndpoints": true: the endpoints admit the VPC\'s CIDR blocks only');
  }
});

export type NetworkFile = f.Output<typeof networkSchema>;
export type NetworkConfig = Readonly<NetworkFile>;
