import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, LogArchiveConfig } from '../config/types';
import { SessionLogArchive } from '../modules/log-archive';
import { SessionAlerts } from '../modules/session-alerts';
import { LOG_ARCHIVE_PREFIX, logArchiveAuditTrail, recordingRoleArns, type StackAuditTrail } from './audit-trail';
import { addAwsProvider, addIamEventsProvider } from './aws-provider';
import { addRemoteState } from './locking-s3-backend';
import { LOG_ARCHIVE, LOG_ARCHIVE_ID, SESSION_ALERTS_ID } from './naming';

export { LOG_ARCHIVE };

/**
 * The central log archive, in its own account: every environment that sends its transcripts there
 * writes under its name, with the roles its stack creates to record sessions.
 */
export class LogArchiveStack extends TerraformStack {
  readonly archive: SessionLogArchive;
  readonly auditTrail: StackAuditTrail;
  readonly alerts: SessionAlerts;

  constructor(scope: Construct, config: LogArchiveConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, LOG_ARCHIVE);
    addAwsProvider(this, config);
    addRemoteState(this, config.state);
    this.archive = new SessionLogArchive(this, LOG_ARCHIVE_ID, {
      ...config,
      writers: environments.flatMap((env) => (env.archive ? [{ prefix: env.archive.prefix, roleArns: recordingRoleArns(env) }] : [])),
      pipelineRoleArns: [config.pipelineRoleArn],
    });
    const { bucket, key } = this.archive;
    this.auditTrail = logArchiveAuditTrail(config, { arn: key.keyArn, id: key.key.keyId, alias: key.aliasName });
    this.alerts = this.addAlerts(config);
    if (this.alerts.trail) this.alerts.grantTrailDelivery(bucket, key);
  }

  /**
   * As in the environments: anyone but the pipeline touching the bucket, its objects or its key alerts,
   * and so does any move on the account's trust chain.
   */
  private addAlerts(config: LogArchiveConfig): SessionAlerts {
    return new SessionAlerts(this, SESSION_ALERTS_ID, {
      namePrefix: LOG_ARCHIVE_PREFIX,
      watched: this.auditTrail.watched!,
      trustChain: this.auditTrail.watchedTrustChain,
      iamEventsProvider: addIamEventsProvider(this, config),
      excludedRoleArns: this.auditTrail.pipelineRoleArns,
      topicArn: config.alerts.topicArn,
      emails: config.alerts.emails,
      trail: config.alerts.trail.source === 'stack' ? { bucketName: config.bucketName, kmsKeyArn: this.archive.key.keyArn } : undefined,
      keyDeletionWindowInDays: config.keyDeletionWindowInDays,
    });
  }
}
