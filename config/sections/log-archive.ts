/** `logArchive`: a central archive of every environment's transcripts, in an account of its own. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { checkSessionLoggingProps } from '../../modules/session-logging/limits';
import { accountAlertsSchema, topicRegionProblem } from './alerts';
import { accountId, awsString, type ConfigProblem, list, problem, region, strict, tags } from './common';
import type { EnvironmentConfig } from './environment';
import { destinationOf, retentionFields } from './session-logging';
import { type RemoteStateConfig, stateSchema } from './state';

export const logArchiveSchema = strict({
  accountId: accountId.meta({ description: 'the log-archive account, where no workload administrator has a role' }),
  region: region.meta({ description: "the archive bucket's region; environments of every region write to it" }),
  bucketName: awsString(rules.bucketName, 'the archive bucket: versioned, SSE-KMS, all public access blocked, TLS only'),
  organizationId: awsString(rules.organizationId, 'writers and readers must belong to this organization (aws:PrincipalOrgID)').optional(),
  pipelineRoleArn: awsString(rules.iamRoleArn, 'the role that deploys the log-archive stack: the only principal that may change the archive; its state role trusts it'),
  planRoleArn: awsString(rules.iamRoleArn, 'the read-only role that plans the log-archive stack').optional(),
  readerArns: list(awsString(rules.accountRoleArnPattern, 'reader role ARN'), 'who may read and decrypt the transcripts (security teams): role ARNs of named accounts, * allowed in the name', { nonEmpty: true }),
  ...retentionFields('transcripts', 'archive bucket'),
  alerts: accountAlertsSchema(
    'with "stack", the trail delivers into the archive bucket, under cloudtrail/, and records its object-level writes',
    "alerts when anyone but the archive's pipeline touches the archive or its account's trust chain (its pipeline and plan roles, OrganizationAccountAccessRole)",
  ),
  tags,
  state: stateSchema,
}, "a central log archive: every environment's transcripts in one account its own administrators cannot reach").check((ctx) => {
  // The retention rules are the environments' own.
  for (const p of checkSessionLoggingProps(ctx.value)) problem(ctx, p.field.split('.'), p.message);
  const topicProblem = topicRegionProblem(ctx.value.alerts.topicArn, ctx.value.region);
  if (topicProblem) problem(ctx, ['alerts', 'topicArn'], topicProblem);
});

export type LogArchiveFile = f.Output<typeof logArchiveSchema>;

export interface LogArchiveConfig extends Readonly<Omit<LogArchiveFile, 'state'>> {
  readonly state: RemoteStateConfig;
}

/** Environments sending their transcripts to an archive that exists (its bucket is its own: unique-names.ts). */
export function checkLogArchive(problems: ConfigProblem[], environments: readonly EnvironmentConfig[], archive: LogArchiveFile | undefined): void {
  for (const env of environments) {
    if (destinationOf(env) === 'archive' && !archive) {
      problems.push({ scope: `environment "${env.name}"`, field: 'sessionLogging.destination', message: 'is "archive", but the config has no logArchive to send the transcripts to' });
    }
  }
}
