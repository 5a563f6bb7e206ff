import * as fs from 'fs';
import * as path from 'path';
import type { PolicyJson } from '../scripts/lib/iam-decide';

export { ALLOW_EVERYTHING, decide, type Decision, type Request } from '../scripts/lib/iam-decide';

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

  /** The key that encrypts sessions and their logs (the alert topic has a key of its own). */
  sessionKey(): PlannedResource {
    return this.one('aws_kms_key', (v) => v.description === 'Encrypts Session Manager sessions and their logs');
  }

  /** The bootstrap stack's state key (beside it, the alerts' own). */
  stateKey(): PlannedResource {
    return this.one('aws_kms_key', (v) => String(v.description).startsWith('Encrypts Terraform state'));
  }

  /** A policy attribute, parsed; it must have been known at plan time. */
  policy(resource: PlannedResource, attribute = 'policy'): PolicyJson {
    const text = resource.values[attribute];
    if (typeof text !== 'string') throw new Error(`${resource.address}.${attribute} is not resolved in the plan`);
    return JSON.parse(text);
  }

  /** A managed policy of the plan, by its name. */
  managedPolicy(name: string): PolicyJson {
    return this.policy(this.one('aws_iam_policy', (v) => v.name === name));
  }

  /** The service control policies of an organization stack's plan. */
  scps(): PolicyJson[] {
    return this.all('aws_organizations_policy').map((p) => this.policy(p, 'content'));
  }

  /** Inline policies of a role. */
  inlinePolicies(roleName: string): { name: string; policy: PolicyJson }[] {
    return this.all('aws_iam_role_policy')
      .filter((p) => p.values.role === roleName)
      .map((p) => ({ name: p.values.name, policy: this.policy(p) }));
  }

  /** Inline policies of a role, plus the AWS managed policies attached to it (from fixtures). */
  rolePolicies(roleName: string): { name: string; policy: PolicyJson }[] {
    const inline = this.inlinePolicies(roleName);
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

