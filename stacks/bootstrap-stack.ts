import { Lazy, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws-rules';
import type { BootstrapConfig, RemoteStateConfig } from '../config/types';
import { StateAccessRole, StateBucket } from '../modules/state-bucket';
import { addAwsProvider, addIamEventsProvider } from './aws-provider';
import { AuditTrailGuardrail } from '../modules/guardrails';
import { SessionAlerts } from '../modules/session-alerts';
import { bootstrapAuditTrail, type StackAuditTrail } from './audit-trail';
import { BOOTSTRAP_STACK, environmentPrefix, GUARDRAIL_ID, SESSION_ALERTS_ID, STATE_READ_ROLE_SUFFIX, STATE_ROLE_NAME_PREFIX } from './naming';

export { BOOTSTRAP_STACK };

/** A stack whose state the bootstrap bucket keeps. */
export interface StackState {
  readonly name: string;
  readonly state: RemoteStateConfig;
}

/**
 * Creates the bucket every environment keeps its state in, and for each stack whose state it keeps a
 * role that reads and writes that state alone, trusted by the stack's pipeline only (and, with a plan
 * role, one that only reads it, trusted by the plan role only); the bucket refuses
 * state objects to everyone else. It cannot keep its own state there before the bucket exists, so its
 * state is local: a file at the project root, kept with the code.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: StateBucket;
  /** By stack name. */
  readonly stateRoles: Readonly<Record<string, StateAccessRole>>;
  /** By stack name: the roles that only read a stack's state, for its plan role. */
  readonly stateReadRoles: Readonly<Record<string, StateAccessRole>>;
  /** What the state's guardrail protects, where the config names the bootstrap stack's pipeline. */
  readonly auditTrail: StackAuditTrail;
  /** The deny policy for the bootstrap account's administrators, with `auditTrail.guarded`. */
  readonly guardrail?: AuditTrailGuardrail;
  /** Anyone but the pipeline changing the state bucket or its key, and any move on the trust chain, with `pipelineRoleArn`. */
  readonly alerts?: SessionAlerts;

  constructor(scope: Construct, config: BootstrapConfig, stacks: readonly StackState[] = []) {
    super(scope, BOOTSTRAP_STACK);
    addAwsProvider(this, config);
    // Relative to the stack's synthesized folder, cdktf.out/stacks/bootstrap.
    new LocalBackend(this, { path: `../../../terraform.${BOOTSTRAP_STACK}.tfstate` });

    this.stateBucket = new StateBucket(this, 'state', {
      bucketName: config.stateBucket,
      accountId: config.accountId,
      keyAlias: config.stateKeyAlias,
      pipelineRoleArns: config.pipelineRoleArn ? [config.pipelineRoleArn] : undefined,
    });
    const state = { bucketArn: this.stateBucket.bucket.bucketArn, kmsKeyArn: this.stateBucket.key.keyArn };
    const roles: Record<string, StateAccessRole> = {};
    const readRoles: Record<string, StateAccessRole> = {};
    for (const { name, state: { key: stateKey, bootstrapRole, bootstrapReadRole } } of stacks) {
      if (bootstrapRole) {
        roles[name] = new StateAccessRole(this, `state-role-${name}`, {
          ...state, stateKey, roleName: bootstrapRole.roleName, trustedRoleArns: [bootstrapRole.trustedRoleArn],
        });
      }
      if (bootstrapReadRole) {
        readRoles[name] = new StateAccessRole(this, `state-read-role-${name}`, {
          ...state, stateKey, roleName: bootstrapReadRole.roleName, trustedRoleArns: [bootstrapReadRole.trustedRoleArn], readOnly: true,
        });
      }
    }
    this.stateRoles = roles;
    this.stateReadRoles = readRoles;
    // Each state role by its exact ARN: a role someone else names like one gets no state. Known before
    // the roles exist, and 61 characters a role where a reference counts 128 (100 environments with a plan
    // role each: about 13 of S3's 20 KB).
    const roleArn = (name: string) => `arn:${partitionOf(config.region)}:iam::${config.accountId}:role/${name}`;
    const stateRoleArns = [...Object.values(roles), ...Object.values(readRoles)].map((r) => roleArn(r.roleName));
    this.stateBucket.restrictStateAccess([...stateRoleArns, ...config.administratorArns], [roleArn(`${STATE_ROLE_NAME_PREFIX}*${STATE_READ_ROLE_SUFFIX}`)]);
    const key = this.stateBucket.key;
    this.auditTrail = bootstrapAuditTrail(config, {
      key: { arn: key.keyArn, id: key.key.keyId, alias: key.aliasName },
      // The guardrail protects the alerts' key, created with the alerts below.
      alertKeyId: config.alerts.topicArn ? undefined : Lazy.stringValue({ produce: () => this.alerts?.key?.key.keyId }),
    });
    if (this.auditTrail.watched) this.alerts = this.addAlerts(config);
    if (this.auditTrail.guarded) {
      // The state roles carry no boundary: they delete lock files, which the trail's history denies.
      this.guardrail = new AuditTrailGuardrail(this, GUARDRAIL_ID, {
        namePrefix: environmentPrefix(BOOTSTRAP_STACK),
        trail: this.auditTrail.guarded,
        attachToRoles: config.attachToRoles,
        attachToGroups: config.attachToGroups,
      });
    }
    new TerraformOutput(this, 'state_role_arns', { value: roleArns(roles) });
    new TerraformOutput(this, 'state_read_role_arns', { value: roleArns(readRoles) });
    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket.bucket });
    new TerraformOutput(this, 'state_key_arn', { value: this.stateBucket.key.keyArn });
    new TerraformOutput(this, 'state_key_alias', { value: this.stateBucket.key.alias.name });
  }

  /**
   * As in the environments, on the state bucket's configuration and key (not its objects: the pipelines
   * write states and delete locks all day) and on the account's trust chain, read from a trail that
   * delivers into the state bucket.
   */
  private addAlerts(config: BootstrapConfig): SessionAlerts {
    const state = this.stateBucket;
    const alerts = new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: environmentPrefix(BOOTSTRAP_STACK),
      watched: this.auditTrail.watched!,
      excludedRoleArns: this.auditTrail.pipelineRoleArns,
      trustChain: this.auditTrail.watchedTrustChain,
      iamEventsProvider: addIamEventsProvider(this, config),
      topicArn: config.alerts.topicArn,
      emails: config.alerts.emails,
      trail: config.alerts.trail.source === 'stack' ? { bucketName: config.stateBucket, kmsKeyArn: state.key.keyArn } : undefined,
      objectEvents: false,
    });
    if (alerts.trail) alerts.grantTrailDelivery(state.bucket, state.key);
    return alerts;
  }
}

function roleArns(roles: Record<string, StateAccessRole>): Record<string, string> {
  return Object.fromEntries(Object.entries(roles).map(([name, r]) => [name, r.role.arn]));
}
