/** An environment's `guardrails`: nobody, administrators included, switches the audit trail off. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { awsString, list, problem, strict } from './common';

export const guardrailsSchema = strict({
  pipelineRoleArn: awsString(rules.iamRoleArn, "the deployment pipeline's role: the only principal that may still change the audit trail"),
  planRoleArn: awsString(rules.iamRoleArn, "the pipeline's read-only role for plans and drift checks: the bootstrap stack gives it a role that reads, and only reads, the stack's state").optional(),
  attachToRoles: list(awsString(rules.iamRoleName, 'IAM role name'), 'existing roles (administrators included) that get the audit-trail deny policy').default([]),
  attachToGroups: list(awsString(rules.iamGroupName, 'IAM group name'), 'existing groups that get the audit-trail deny policy').default([]),
  permissionsBoundary: f.boolean().default(true).meta({ description: 'roles created for access groups carry the guardrail boundary' }),
  strict: f.boolean().default(false).meta({
    description: 'for accounts without the organization SCP: whoever gets the deny policy may create roles and users only with the boundary, and may not change the trust of roles that carry it',
  }),
}, 'nobody, administrators included, switches the audit trail off').check((ctx) => {
  const pipeline = ctx.value.pipelineRoleArn.split('/').pop();
  const i = ctx.value.attachToRoles.indexOf(pipeline ?? '');
  if (i >= 0) problem(ctx, ['attachToRoles', i], `is the pipeline role, the one principal that must still change the audit trail`);
});

export type GuardrailsFile = f.Output<typeof guardrailsSchema>;
export type GuardrailsConfig = Readonly<GuardrailsFile>;
