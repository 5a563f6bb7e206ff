import { accessTagsToTags } from '../modules/ssm-instance/access-tags';
import type { AccessGroupConfig, EnvironmentConfig, FleetConfig, InstanceConfig } from './types';

/** The tag every resource of the project carries; the organization SCP protects the instances that carry it. */
export const MANAGED_BY_TAG = { key: 'ManagedBy', value: 'ssm-session-kit' } as const;

/** What carries an instance's tags: an instance, or a fleet (its instances' tags). */
export type Machine = Pick<InstanceConfig, 'name' | 'team' | 'accessGroup' | 'tags'>;

/** The tags an instance of the environment carries, as `SsmInstance` and `SsmLaunchTemplate` set them. */
export function instanceTags(env: EnvironmentConfig, instance: Machine): Record<string, string> {
  const access = accessTagsToTags({ environment: env.name, team: instance.team, accessGroup: instance.accessGroup });
  return { ...instance.tags, ...access, Name: instance.name };
}

/** Whether a group's tag conditions let it reach an instance: every key, with one of its values. */
export function reaches(group: Pick<AccessGroupConfig, 'instanceTags'>, tags: Readonly<Record<string, string>>): boolean {
  return Object.entries(group.instanceTags).every(([key, values]) => values.includes(tags[key]));
}

/** Whether the machine is a fleet, whose instances an Auto Scaling group launches. */
export function isFleet(machine: InstanceConfig | FleetConfig): machine is FleetConfig {
  return 'minSize' in machine;
}

/** The instances a group reaches, and the fleets whose instances it reaches. */
export function reachableInstances(env: EnvironmentConfig, group: AccessGroupConfig): (InstanceConfig | FleetConfig)[] {
  return [...env.instances, ...env.fleets].filter((machine) => reaches(group, instanceTags(env, machine)));
}
