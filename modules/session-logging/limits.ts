import type { SessionLoggingProps } from './index';

/** The only retention periods CloudWatch Logs accepts. */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The whole-number ranges AWS accepts, as [min, max]: Session Manager, KMS and S3 limits. */
export const SESSION_LOGGING_RANGES = {
  idleSessionTimeoutMinutes: [1, 60],
  maxSessionDurationMinutes: [1, 1440],
  keyDeletionWindowInDays: [7, 30],
  archiveAfterDays: [1, 36500],
  expireAfterDays: [1, 36500],
  objectLockDays: [1, 36500],
} as const satisfies Record<string, readonly [number, number]>;

export interface PropProblem {
  /** The prop, as named in `SessionLoggingProps`. */
  readonly field: string;
  readonly message: string;
}

/**
 * What AWS would refuse in these props, found before anything is synthesized: Session Manager's
 * timeout ranges, CloudWatch's retention values, KMS's deletion window, S3's lifecycle and lock limits.
 */
export function checkSessionLoggingProps(props: SessionLoggingProps): PropProblem[] {
  const problems: PropProblem[] = [];
  const range = (field: string, value: number | undefined, [min, max]: readonly [number, number]) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      problems.push({ field, message: `must be a whole number from ${min} to ${max} (got ${value})` });
    }
  };
  const { objectLockDays, ...ranges } = SESSION_LOGGING_RANGES;
  for (const [field, limits] of Object.entries(ranges)) range(field, props[field as keyof typeof ranges], limits);
  range('objectLock.days', props.objectLock?.days, objectLockDays);
  if (props.logRetentionDays !== undefined && !CLOUDWATCH_RETENTION_DAYS.includes(props.logRetentionDays)) {
    problems.push({
      field: 'logRetentionDays',
      message: `must be one of the periods CloudWatch accepts: ${CLOUDWATCH_RETENTION_DAYS.join(', ')} (got ${props.logRetentionDays})`,
    });
  }
  if ((props.archiveAfterDays ?? 90) >= (props.expireAfterDays ?? 365)) {
    problems.push({ field: 'expireAfterDays', message: `must be later than archiveAfterDays (${props.archiveAfterDays ?? 90})` });
  }
  if (props.objectLock && !['GOVERNANCE', 'COMPLIANCE'].includes(props.objectLock.mode)) {
    problems.push({ field: 'objectLock.mode', message: `must be GOVERNANCE or COMPLIANCE (got ${props.objectLock.mode})` });
  }
  if (props.keyPrefix !== undefined && !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(props.keyPrefix)) {
    problems.push({ field: 'keyPrefix', message: `must be S3-safe path segments without a leading or trailing slash (got ${JSON.stringify(props.keyPrefix)})` });
  }
  if (props.runAsDefaultUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(props.runAsDefaultUser)) {
    problems.push({ field: 'runAsDefaultUser', message: `must be a Linux user name (got ${JSON.stringify(props.runAsDefaultUser)})` });
  }
  return problems;
}
