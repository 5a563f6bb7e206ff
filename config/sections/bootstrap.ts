/** `bootstrap`: the stack that creates the remote-state bucket (kept in local state). */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { DEFAULT_STATE_KEY_ALIAS } from '../../stacks/naming';
import { accountAlertsSchema, topicRegionProblem } from './alerts';
import { accountId, awsString, list, problem, region, strict, tags } from './common';

export const bootstrapSchema = strict({
  accountId: accountId.meta({ description: 'where the state bucket lives' }),
  region: region.meta({ description: 'where the state bucket lives' }),
  stateBucket: awsString(rules.bucketName, 'name of the state bucket the bootstrap stack creates'),
  stateKeyAlias: awsString(rules.kmsAliasName, "alias of the bucket's KMS key").default(DEFAULT_STATE_KEY_ALIAS),
  administratorArns: list(awsString(rules.principalArnPattern, 'principal ARN pattern'), 'who may read and write state objects beside the state roles (by hand, in an emergency)').default([]),
  pipelineRoleArn: awsString(rules.iamRoleArn, "the role that deploys the bootstrap stack, in its account: the one principal that may change the state bucket's configuration, its key and the state roles; without it the state has no guardrail").optional(),
  attachToRoles: list(awsString(rules.iamRoleName, 'IAM role name'), "the bootstrap account's administrators' roles, which get the state's deny policy (with pipelineRoleArn)").default([]),
  attachToGroups: list(awsString(rules.iamGroupName, 'IAM group name'), "the bootstrap account's administrators' groups, which get the state's deny policy (with pipelineRoleArn)").default([]),
  alerts: accountAlertsSchema(
    'with "stack", the trail delivers into the state bucket, under cloudtrail/',
    "with pipelineRoleArn: alerts when anyone but that pipeline changes the state bucket's configuration or its key, or anyone moves on the account's trust chain (the pipeline and state roles, OrganizationAccountAccessRole)",
  ),
  tags: tags.meta({ description: 'tags for the bootstrap resources' }),
}, 'the stack that creates the remote-state bucket (local state)').check((ctx) => {
  const { pipelineRoleArn, accountId: account, attachToRoles, attachToGroups, alerts } = ctx.value;
  const topicProblem = topicRegionProblem(alerts.topicArn, ctx.value.region);
  if (topicProblem) problem(ctx, ['alerts', 'topicArn'], topicProblem);
  if (pipelineRoleArn && pipelineRoleArn.split(':')[4] !== account) {
    problem(ctx, ['pipelineRoleArn'], `is a role of account ${pipelineRoleArn.split(':')[4]}: the bootstrap stack is deployed in ${account}`);
  }
  const i = attachToRoles.indexOf(pipelineRoleArn?.split('/').pop() ?? '');
  if (i >= 0) problem(ctx, ['attachToRoles', i], 'is the pipeline role, the one principal that must still change the state\'s guardrails');
  if (!pipelineRoleArn && (alerts.emails.length > 0 || alerts.topicArn)) {
    problem(ctx, ['alerts'], 'alert only with pipelineRoleArn: the alerts tell changes by anyone but the role that deploys the bootstrap stack');
  }
  if (!pipelineRoleArn && attachToRoles.length + attachToGroups.length > 0) {
    problem(ctx, ['pipelineRoleArn'], 'is required with attachToRoles or attachToGroups: the deny policy keeps the state for the role that deploys the bootstrap stack');
  }
});

export type BootstrapFile = f.Output<typeof bootstrapSchema>;
export type BootstrapConfig = Readonly<BootstrapFile>;
