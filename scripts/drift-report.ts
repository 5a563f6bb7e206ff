import * as fs from 'fs';
import { positionalArguments } from './lib/usage';
import { FLEETS_ID, GUARDRAIL_ID, LOG_ARCHIVE_ID, PORT_FORWARDING_ID, RECORDING_NETWORK_ID, RECORDING_PATH_IDS, SESSION_ALERTS_ID, SESSION_LOGGING_ID, SESSION_REVIEW_ID } from '../stacks/naming';

/**
 * `npm run -s drift-report -- <stack> <plan.json>`: what a drift check's plan (`terraform show -json
 * tfplan`) would change, one line per resource, and a GitHub error annotation when any of it is the
 * audit trail (the session logging or the guardrail). Exits 1 on any drift, 0 on none.
 */
export interface DriftedResource {
  readonly address: string;
  readonly actions: readonly string[];
  /** Session logging or guardrail: someone may have switched the audit trail off outside Terraform. */
  readonly auditTrail: boolean;
}

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
}

const AUDIT_TRAIL_IDS = [SESSION_LOGGING_ID, GUARDRAIL_ID, SESSION_ALERTS_ID, PORT_FORWARDING_ID, ...RECORDING_PATH_IDS, FLEETS_ID, RECORDING_NETWORK_ID, LOG_ARCHIVE_ID, SESSION_REVIEW_ID];

export function driftOf(plan: PlanJson): DriftedResource[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.change.actions.join() !== 'no-op' && rc.change.actions.join() !== 'read')
    .map((rc) => ({ address: rc.address, actions: rc.change.actions, auditTrail: isAuditTrail(rc.address) }));
}

/** `aws_s3_bucket.session-logging_bucket_BD98BB81`: a resource's name starts with its construct path. */
export function isAuditTrail(address: string): boolean {
  const name = address.split('.').pop() ?? '';
  return AUDIT_TRAIL_IDS.some((id) => name.startsWith(`${id}_`));
}

export function driftReport(stack: string, drift: readonly DriftedResource[]): string {
  if (drift.length === 0) return `${stack}: no drift\n`;
  const lines = drift.map((d) => `  ${d.actions.join(',')} ${d.address}${d.auditTrail ? '  (audit trail)' : ''}`);
  const audit = drift.filter((d) => d.auditTrail).length;
  const annotation = audit > 0
    ? [`::error title=Audit-trail drift::${stack}: ${audit} session logging or guardrail resource(s) changed outside Terraform`]
    : [];
  return [`${stack}: ${drift.length} resource(s) drifted`, ...lines, ...annotation].join('\n') + '\n';
}

const USAGE = `usage: npm run -s drift-report -- <stack> <plan.json>

Reports what a plan would change in a deployed stack, marking audit-trail resources; exit code 1 on any
drift. The plan as JSON: in the stack's folder (cdktf.out/stacks/<stack>), after terraform init,
  terraform plan -out=tfplan && terraform show -json tfplan > plan.json`;

if (require.main === module) {
  const args = positionalArguments(USAGE, 2);
  if (args) {
    const [stack, file] = args;
    if (!fs.existsSync(file)) {
      process.stderr.write(`${file} does not exist\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      const drift = driftOf(JSON.parse(fs.readFileSync(file, 'utf8')));
      process.stdout.write(driftReport(stack, drift));
      process.exitCode = drift.length > 0 ? 1 : 0;
    }
  }
}
