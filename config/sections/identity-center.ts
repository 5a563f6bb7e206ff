/** `identityCenter`: IAM Identity Center, where access groups with a permission set get one. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { alertEmails, alertTopicArn } from './alerts';
import { accountId, awsString, region, strict, tags } from './common';
import { type RemoteStateConfig, stateSchema } from './state';

export const identityCenterSchema = strict({
  accountId: accountId.meta({ description: 'the account that manages IAM Identity Center: the management account or a delegated administrator' }),
  region: region.meta({ description: "Identity Center's region" }),
  instanceArn: awsString(rules.identityCenterInstanceArn, 'the Identity Center instance; default looked up (the account has one)').optional(),
  identityStoreId: awsString(rules.identityStoreId, 'its identity store; default looked up').optional(),
  runAsAttribute: f.oneOf(rules.IDENTITY_CENTER_ATTRIBUTE_PATHS as [string, ...string[]], `is not an Identity Center attribute path (known: ${rules.IDENTITY_CENTER_ATTRIBUTE_PATHS.join(', ')})`)
    .optional()
    .meta({ description: 'the user attribute passed as the SSMSessionRunAs session tag ("Attributes for access control"), so that each engineer runs as their own OS user; for every permission set of the instance' }),
  pipelineRoleArn: awsString(rules.iamRoleArn, 'the role that deploys the identity-center stack; its state role trusts it'),
  planRoleArn: awsString(rules.iamRoleArn, 'the read-only role that plans the identity-center stack').optional(),
  alerts: strict({
    emails: alertEmails,
    topicArn: alertTopicArn,
  }, "alerts when anyone but the pipeline adds a member to a group that has session access (and, with runAsAttribute, changes a user); the account's trail (an organisation trail) records the calls").prefault({}),
  tags,
  state: stateSchema,
}, 'IAM Identity Center: permission sets from the access groups that name one');

export type IdentityCenterFile = f.Output<typeof identityCenterSchema>;

export interface IdentityCenterConfig extends Readonly<Omit<IdentityCenterFile, 'state'>> {
  readonly state: RemoteStateConfig;
}
