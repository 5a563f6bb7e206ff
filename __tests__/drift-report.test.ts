import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { TRANSPILE_HOOK } from '../scripts/lib/synth';
import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { driftOf, driftReport } from '../scripts/drift-report';

/** The nightly drift report, on a real plan. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

describe('the nightly drift report, on a real plan', () => {
  // The prod plan creates everything: as a drift check after someone deleted the whole stack would see it.
  let plan: { resource_changes: { address: string; type: string; change: { actions: string[] } }[] };
  beforeAll(() => {
    plan = JSON.parse(fs.readFileSync(results.find((r) => r.stack === 'prod')!.planFile!, 'utf8'));
  });

  it('lists every changed resource and marks the session logging, the guardrail and the alerts as audit trail', () => {
    const drift = driftOf(plan);
    expect(drift).toHaveLength(plan.resource_changes.length);
    const flagged = (type: string) => drift.filter((d) => d.address.startsWith(`${type}.`)).map((d) => d.auditTrail);
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_cloudwatch_log_group', 'aws_cloudtrail', 'aws_sns_topic', 'aws_sns_topic_policy']) {
      expect({ type, flagged: flagged(type) }).toEqual({ type, flagged: [true] });
    }
    // The preferences document and the two port-forwarding documents: where a session may lead decides access.
    expect({ type: 'aws_ssm_document', flagged: flagged('aws_ssm_document') }).toEqual({ type: 'aws_ssm_document', flagged: [true, true, true] });
    // The session key and the alert topic's key.
    expect({ type: 'aws_kms_key', flagged: flagged('aws_kms_key') }).toEqual({ type: 'aws_kms_key', flagged: [true, true] });
    expect(new Set(flagged('aws_cloudwatch_event_rule'))).toEqual(new Set([true]));
    expect(drift.filter((d) => d.address.startsWith('aws_iam_policy.guardrail_')).map((d) => d.auditTrail)).toEqual([true, true, true, true]);
    // The recording path is part of the audit trail: the instance role, its profile.
    expect(new Set([...flagged('aws_iam_role_policy'), ...flagged('aws_iam_instance_profile')])).toEqual(new Set([true]));
    // The way out: every endpoint and their security group, whose policy or rules changed would block the record.
    expect(new Set(flagged('aws_vpc_endpoint'))).toEqual(new Set([true]));
    const groups = drift.filter((d) => d.address.startsWith('aws_security_group.'));
    expect(groups.filter((d) => d.auditTrail).map((d) => d.address)).toEqual([expect.stringMatching(/^aws_security_group\.ssm-endpoints_security-group_/)]);
    expect(new Set(flagged('aws_instance'))).toEqual(new Set([false]));
    const report = driftReport('prod', drift);
    expect(report).toMatch(/^prod: \d+ resource\(s\) drifted\n/);
    expect(report).toMatch(/^  create aws_s3_bucket\.session-logging_bucket_\w+  \(audit trail\)$/m);
    expect(report).toMatch(/^::error title=Audit-trail drift::prod: /m);
  });

  it('is quiet when nothing but reads and no-ops are planned, and raises no audit-trail alarm for other drift', () => {
    const quiet = { resource_changes: plan.resource_changes.map((rc) => ({ ...rc, change: { actions: ['no-op'] } })) };
    expect(driftOf(quiet)).toEqual([]);
    expect(driftReport('prod', [])).toBe('prod: no drift\n');
    const instanceOnly = { resource_changes: plan.resource_changes.map((rc) => ({ ...rc, change: { actions: rc.type === 'aws_instance' ? ['update'] : ['no-op'] } })) };
    expect(driftReport('prod', driftOf(instanceOnly))).not.toMatch(/Audit-trail drift/);
  });

  it('fails the drift job on drift, from the command the workflow runs', () => {
    const run = spawnSync(process.execPath, ['--require', TRANSPILE_HOOK, path.join(__dirname, '..', 'scripts', 'drift-report.ts'), 'prod', results.find((r) => r.stack === 'prod')!.planFile!], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Audit-trail drift/);
  });
});
