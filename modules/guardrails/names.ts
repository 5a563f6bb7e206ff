/** What `AuditTrailGuardrail` names, as data: no cdktf, so that names are read without loading it. */

/** The names of `AuditTrailGuardrail`'s policies. */
export function guardrailPolicyNames(namePrefix: string): { deny: string; recordingPath: string; instances: string; boundary: string } {
  return {
    deny: `${namePrefix}-audit-trail-guardrail`,
    recordingPath: `${namePrefix}-recording-path-guardrail`,
    instances: `${namePrefix}-instances-guardrail`,
    boundary: `${namePrefix}-permissions-boundary`,
  };
}
