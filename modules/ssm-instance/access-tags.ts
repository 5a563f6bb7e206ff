/**
 * The tags access policies match on (`ssm:resourceTag/<key>`). One definition, so that the instances
 * and the policies that reach them cannot drift apart.
 */
export const ACCESS_TAG_KEYS = {
  environment: 'Environment',
  team: 'Team',
  accessGroup: 'AccessGroup',
  /** The manual approval policy of just-in-time access that targets the instance (AWS reads a policy's tags as alternatives, so one tag marks its nodes). */
  justInTimeApproval: 'JustInTimeApproval',
} as const;

export interface AccessTags {
  /** The environment the instance belongs to. */
  readonly environment: string;
  /** @default no Team tag */
  readonly team?: string;
  /** @default no AccessGroup tag */
  readonly accessGroup?: string;
  /** The manual approval policy that targets the instance. @default no JustInTimeApproval tag */
  readonly justInTimeApproval?: string;
}

export function accessTagsToTags(access: AccessTags): Record<string, string> {
  const tags: Record<string, string> = { [ACCESS_TAG_KEYS.environment]: access.environment };
  if (access.team) tags[ACCESS_TAG_KEYS.team] = access.team;
  if (access.accessGroup) tags[ACCESS_TAG_KEYS.accessGroup] = access.accessGroup;
  if (access.justInTimeApproval) tags[ACCESS_TAG_KEYS.justInTimeApproval] = access.justInTimeApproval;
  return tags;
}
