/** The log archive the tests add to the shipped config: its own account, a security account that reads. */
export const ARCHIVE_ACCOUNT = '444444444444';
export const READER_ACCOUNT = '555555555555';
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const ARCHIVE_BUCKET = `acme-ssm-session-archive-${ARCHIVE_ACCOUNT}`;
export const ARCHIVE_PIPELINE = `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/ssm-session-kit-log-archive-deploy`;
export const ARCHIVE_READER = `arn:aws:iam::${READER_ACCOUNT}:role/security-auditors`;

/** `config` (a parsed environments.json) with a log archive; dev keeps its transcripts (destination "local"). */
export function withLogArchive(config: any): any {
  config.logArchive = {
    accountId: ARCHIVE_ACCOUNT, region: 'eu-west-1', bucketName: ARCHIVE_BUCKET, organizationId: ORGANIZATION_ID,
    pipelineRoleArn: ARCHIVE_PIPELINE, readerArns: [ARCHIVE_READER], objectLock: { mode: 'COMPLIANCE', days: 365 },
    archiveAfterDays: 90, expireAfterDays: 2555, tags: { Owner: 'security' }, state: { bucket: config.bootstrap.stateBucket },
  };
  config.environments.dev.sessionLogging.destination = 'local';
  return config;
}
