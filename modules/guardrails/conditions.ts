import type { PolicyStatement } from '../shared/policy-document';

// Conditions the deliveries share; internal to the guardrails, not exported from the module.

export type Condition = NonNullable<PolicyStatement['Condition']>;

/** The condition that leaves the excepted principals (the pipeline) alone; none without them. */
export function exceptCondition(principalArns: readonly string[] | undefined): Condition | undefined {
  return principalArns?.length ? { ArnNotLike: { 'aws:PrincipalArn': [...principalArns] } } : undefined;
}

/** Statements with `extra` merged into their conditions. */
export function withCondition(extra: Condition | undefined, statements: PolicyStatement[]): PolicyStatement[] {
  return statements.map((st) => (extra ? { ...st, Condition: { ...st.Condition, ...extra } } : st));
}
