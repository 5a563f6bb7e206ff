import * as fs from 'fs';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
type PolicyJson = { Version: string; Statement: unknown[] };

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>;
}

/** A plan made by `validateOffline`, every policy in it resolved. */
export class ResolvedPlan {
  private readonly planned: PlannedResource[];

  constructor(file: string) {
    const plan = JSON.parse(fs.readFileSync(file, 'utf8'));
    this.planned = plan.resource_changes
      .filter((rc: any) => rc.mode === 'managed')
      .map((rc: any) => ({ address: rc.address, type: rc.type, values: rc.change.after }));
  }

  all(type: string): PlannedResource[] {
    return this.planned.filter((r) => r.type === type);
  }

  one(type: string, match: (values: Record<string, any>) => boolean = () => true): PlannedResource {
    const found = this.all(type).filter((r) => match(r.values));
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  }

  /** A policy attribute, parsed; it must have been known at plan time. */
  policy(resource: PlannedResource, attribute = 'policy'): PolicyJson {
    const text = resource.values[attribute];
    if (typeof text !== 'string') throw new Error(`${resource.address}.${attribute} is not resolved in the plan`);
    return JSON.parse(text);
  }

  /** Inline policies of a role, plus the AWS managed policies attached to it (from fixtures). */
  rolePolicies(roleName: string): { name: string; policy: PolicyJson }[] {
    const inline = this.all('aws_iam_role_policy')
      .filter((p) => p.values.role === roleName)
      .map((p) => ({ name: p.values.name, policy: this.policy(p) }));
    const managed = this.all('aws_iam_role_policy_attachment')
      .filter((a) => a.values.role === roleName)
      .map((a) => ({ name: a.values.policy_arn, policy: awsManagedPolicy(a.values.policy_arn) }));
    return [...inline, ...managed];
  }
}

function awsManagedPolicy(arn: string): PolicyJson {
  const name = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1];
  const file = name && path.join(__dirname, 'fixtures', `${name}.json`);
  if (!file || !fs.existsSync(file)) throw new Error(`no fixture for managed policy ${arn}`);
  const { Version, Statement } = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { Version, Statement };
}

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
  readonly context?: Record<string, string | string[]>;
}

/** Allow * on *, as AWS's AdministratorAccess and FullAWSAccess grant. */
export const ALLOW_EVERYTHING: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** IAM's decision on one request, by a real policy evaluation engine. */
export async function decide(request: Request): Promise<Decision> {
  const response: any = await runSimulation({
    identityPolicies: request.identityPolicies,
    serviceControlPolicies: request.scps
      ? [{ orgIdentifier: 'ou-ab12-workloads1', policies: [{ name: 'FullAWSAccess', policy: ALLOW_EVERYTHING }, ...request.scps.map((policy, i) => ({ name: `scp-${i}`, policy }))] }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    permissionBoundaryPolicies: request.permissionBoundary ? [{ name: 'boundary', policy: request.permissionBoundary }] : undefined,
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
    },
  } as any, {});
  if (response.resultType === 'error') {
    throw new Error(`simulation of ${request.action} on ${request.resource} failed: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}
