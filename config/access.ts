import { accessTagsToTags } from '../modules/ssm-instance/access-tags';
import type { AccessGroupConfig, EnvironmentConfig, InstanceConfig } from './types';

/** The tag every resource of the project carries; the organization SCP protects the instances that carry it. */
export const MANAGED_BY_TAG = { key: 'ManagedBy', value: 'ssm-session-kit' } as const;

/** The tags an instance of the environment carries, as `SsmInstance` sets them. */
export function instanceTags(env: EnvironmentConfig, instance: InstanceConfig): Record<string, string> {
  const access = accessTagsToTags({ environment: env.name, team: instance.team, accessGroup: instance.accessGroup });
  return { ...instance.tags, ...access, Name: instance.name };
}

/** Whether a group's tag conditions let it reach an instance: every key, with one of its values. */
export function reaches(group: Pick<AccessGroupConfig, 'instanceTags'>, tags: Readonly<Record<string, string>>): boolean {
  return Object.entries(group.instanceTags).every(([key, values]) => values.includes(tags[key]));
}

export function reachableInstances(env: EnvironmentConfig, group: AccessGroupConfig): InstanceConfig[] {
  return env.instances.filter((instance) => reaches(group, instanceTags(env, instance)));
}
