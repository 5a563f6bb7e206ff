import { runSimulation } from '@cloud-copilot/iam-simulate';

// IAM's decisions, by a real policy evaluation engine (@cloud-copilot/iam-simulate, a dev dependency:
// the tests and the reports use it, the synthesized stacks do not).

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
export type PolicyJson = { Version: string; Statement: unknown[] };

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  readonly identityPolicies: { name: string; policy: PolicyJson }[];
  readonly resourcePolicy?: PolicyJson;
  readonly permissionBoundary?: PolicyJson;
  /** Service control policies of the account's organization; FullAWSAccess is added beside them. */
  readonly scps?: PolicyJson[];
  /** The policy of the VPC endpoint the request goes through. @default not through an endpoint */
  readonly endpointPolicy?: PolicyJson;
  readonly context?: Record<string, string | string[]>;
}

/** Allow * on *, as AWS's AdministratorAccess and FullAWSAccess grant. */
export const ALLOW_EVERYTHING: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** IAM's decision on one request. */
export async function decide(request: Request): Promise<Decision> {
  const policy = withEncryptionContextKeys;
  const response = await runSimulation({
    identityPolicies: request.identityPolicies.map((p) => ({ ...p, policy: policy(p.policy) })),
    serviceControlPolicies: request.scps
      ? [{ orgIdentifier: 'ou-ab12-workloads1', policies: [{ name: 'FullAWSAccess', policy: ALLOW_EVERYTHING }, ...request.scps.map((p, i) => ({ name: `scp-${i}`, policy: policy(p) }))] }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy && policy(request.resourcePolicy),
    permissionBoundaryPolicies: request.permissionBoundary ? [{ name: 'boundary', policy: policy(request.permissionBoundary) }] : undefined,
    vpcEndpointPolicies: request.endpointPolicy ? [{ name: 'endpoint', policy: policy(request.endpointPolicy) }] : undefined,
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: policy({ 'aws:SecureTransport': 'true', ...requestedRegion(request.resource), ...alwaysPresent(request), ...request.context }),
    },
  } as Parameters<typeof runSimulation>[0], {});
  if (response.resultType === 'error') {
    throw new Error(`simulation of ${request.action} on ${request.resource} failed: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}

/**
 * The engine resolves a condition key's variable part only after a slash (`aws:RequestTag/<key>`), so
 * KMS's `kms:EncryptionContext:<key>` ("AWS KMS condition keys": a string key, one per pair of the
 * request's encryption context) never matches there. In policies and context alike it is evaluated as
 * a string key of the slash form, which the engine resolves; `kms:EncryptionContextKeys` is left as it is.
 */
export function withEncryptionContextKeys<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/"kms:EncryptionContext:/g, '"aws:RequestTag/kms:EncryptionContext:'));
}

/**
 * ("AWS global condition context keys", aws:RequestedRegion) Every request carries the region it was
 * sent to: a call on a regional resource goes to that region's endpoint. A request with no regional
 * resource names its region in `context`.
 */
function requestedRegion(resource: string): Record<string, string> {
  const region = resource.split(':')[3];
  return region && region !== '*' ? { 'aws:RequestedRegion': region } : {};
}

/**
 * ("AWS global condition context keys") Keys every signed request carries: `aws:PrincipalArn` and
 * `aws:PrincipalAccount` ("always included in the request context for all signed requests"), and
 * `aws:ResourceAccount`, the account that owns the resource. For a role session `aws:PrincipalArn` is
 * the role's ARN (a role with a path names it in `context`, as the session's ARN does not carry it).
 */
function alwaysPresent({ principal, resourceAccount }: Request): Record<string, string> {
  const [, partition, account, session] = /^arn:([\w-]+):(?:iam|sts)::(\d{12}):(assumed-role\/[^/]+)?/.exec(principal) ?? [];
  const principalArn = session ? `arn:${partition}:iam::${account}:role/${session.split('/')[1]}` : principal;
  return {
    ...(account ? { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': account } : {}),
    ...(/^\d{12}$/.test(resourceAccount) ? { 'aws:ResourceAccount': resourceAccount } : {}),
  };
}

/**
 * A policy as AWS receives it from Terraform: the policies the modules write escape IAM's policy
 * variables from Terraform's interpolation (`$${aws:userid}`), which Terraform turns back into `${`.
 */
export function asTerraformWrites<T>(policy: T): T {
  return JSON.parse(JSON.stringify(policy).replace(/\$\$\{/g, '${'));
}
