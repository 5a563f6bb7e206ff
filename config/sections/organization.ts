/** `organization`: the management account's stack, which holds the guardrail SCP. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { accountId, awsString, list, problem, region, strict, tags } from './common';
import { type RemoteStateConfig, stateSchema } from './state';
import { justInTimeEnablementSchema } from './just-in-time';

export const organizationSchema = strict({
  accountId: accountId.meta({ description: "the organization's management account" }),
  region: region,
  targetIds: list(awsString(rules.organizationTarget, 'root, OU or account id'), 'where the guardrail SCP is attached', { nonEmpty: true }),
  pipelineRoleArn: awsString(rules.iamRoleArn, "the role that deploys the organization stack: its state role trusts it").optional(),
  planRoleArn: awsString(rules.iamRoleArn, "the read-only role that plans the organization stack: its read-only state role trusts it").optional(),
  tags,
  state: stateSchema,
  justInTime: justInTimeEnablementSchema.optional(),
}, "the management account's organization stack, which holds the guardrail SCP").check((ctx) => {
  const roles = ctx.value.justInTime?.attachToRoles ?? [];
  if (ctx.value.justInTime && !ctx.value.pipelineRoleArn) problem(ctx, ['pipelineRoleArn'], "is required with justInTime: the deny policy keeps just-in-time access's enablement to the role that deploys the organization stack");
  const pipeline = roles.indexOf(ctx.value.pipelineRoleArn?.split('/').pop() ?? '');
  if (pipeline >= 0) problem(ctx, ['justInTime', 'attachToRoles', pipeline], 'is the pipeline role, the one principal that must still change the enablement');
});

export type OrganizationFile = f.Output<typeof organizationSchema>;

export interface OrganizationConfig extends Readonly<Omit<OrganizationFile, 'state'>> {
  readonly state: RemoteStateConfig;
}
