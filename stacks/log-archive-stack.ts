import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws-rules';
import type { EnvironmentConfig, LogArchiveConfig } from '../config/types';
import { LOG_ARCHIVE } from '../config/validate';
import { SessionLogArchive } from '../modules/log-archive';
import { DEFAULT_HOST_MANAGEMENT_PATH } from '../modules/instance-profile';
import { SessionAlerts } from '../modules/session-alerts';
import { addAwsProvider } from './aws-provider';
import { ENVIRONMENT_NAME_PREFIX, recordingPathNames } from './environment-stack';
import { addRemoteState } from './locking-s3-backend';
import { LOG_ARCHIVE_ID, SESSION_ALERTS_ID } from './audit-trail-ids';

export { LOG_ARCHIVE };

/**
 * The central log archive, in its own account: every environment that sends its transcripts there
 * writes under its name, with the roles its stack creates to record sessions.
 */
export class LogArchiveStack extends TerraformStack {
  readonly archive: SessionLogArchive;
  readonly alerts: SessionAlerts;

  constructor(scope: Construct, config: LogArchiveConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, LOG_ARCHIVE);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    const pipelineRoleArns = [config.pipelineRoleArn];
    this.archive = new SessionLogArchive(this, LOG_ARCHIVE_ID, {
      ...config,
      writers: environments.flatMap((env) => (env.archive ? [{ prefix: env.archive.prefix, roleArns: recordingRoleArns(env) }] : [])),
      pipelineRoleArns,
    });
    this.alerts = this.addAlerts(config, pipelineRoleArns);
  }

  /** As in the environments: anyone but the pipeline touching the bucket, its objects or its key alerts. */
  private addAlerts(config: LogArchiveConfig, pipelineRoleArns: string[]): SessionAlerts {
    const { bucket, key } = this.archive;
    const alerts = new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: `${ENVIRONMENT_NAME_PREFIX}${LOG_ARCHIVE}`,
      watched: { bucketName: config.bucketName, key: { arn: key.keyArn, id: key.key.keyId, alias: key.aliasName } },
      excludedRoleArns: pipelineRoleArns,
      topicArn: config.alerts.topicArn,
      emails: config.alerts.emails,
      trail: config.alerts.trail.source === 'stack' ? { bucketName: config.bucketName, kmsKeyArn: key.keyArn } : undefined,
      keyDeletionWindowInDays: config.keyDeletionWindowInDays,
    });
    if (alerts.trail) alerts.grantTrailDelivery(bucket, key);
    return alerts;
  }
}

/** The ARNs of the roles an environment's stack creates to record sessions, as the archive's policies name them. */
export function recordingRoleArns(env: EnvironmentConfig): string[] {
  const names = recordingPathNames(`${ENVIRONMENT_NAME_PREFIX}${env.name}`);
  const role = (path: string) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:role${path}`;
  return [role(`/${names.instanceRole}`), ...(env.defaultHostManagement ? [role(`${DEFAULT_HOST_MANAGEMENT_PATH}${names.defaultHostManagementRole}`)] : [])];
}
