/**
 * Temporary grants (`accessGroups.<group>.createRole.temporaryGrants`): the ended ones, and the config
 * file's edits that add or prune them. Plain JSON in, plain JSON out: the pipeline's review approves the
 * change like any other.
 */
import type { ProjectConfig } from './types';

/** A grant as the report and the warnings name it. */
export interface GrantAt {
  readonly environment: string;
  readonly group: string;
  readonly index: number;
  readonly principalArn: string;
  readonly until: string;
  readonly reason: string;
}

/** Every grant of the config, in file order. */
export function grantsOf(config: ProjectConfig): GrantAt[] {
  return config.environments.flatMap((env) => env.accessGroups.flatMap((g) => (g.createRole?.temporaryGrants ?? [])
    .map((grant, index) => ({ environment: env.name, group: g.name, index, ...grant }))));
}

/** The grants that ended before `now`: their trust no longer lets anyone in, and they clutter the config. */
export function endedGrants(config: ProjectConfig, now: Date): GrantAt[] {
  return grantsOf(config).filter((g) => Date.parse(g.until) <= now.getTime());
}

/** The raw config (a parsed environments.json) with a grant added to a group's created role. */
export function withGrant(raw: any, environment: string, group: string, grant: { principalArn: string; until: string; reason: string }): any {
  const role = raw?.environments?.[environment]?.accessGroups?.[group]?.createRole;
  if (!raw?.environments?.[environment]) throw new Error(`no environment "${environment}" in the config`);
  if (!raw.environments[environment].accessGroups?.[group]) throw new Error(`environment "${environment}" has no access group "${group}"`);
  if (!role) throw new Error(`environment "${environment}", access group "${group}" creates no role (createRole): a grant trusts a principal in a role the project creates`);
  role.temporaryGrants = [...(role.temporaryGrants ?? []).filter((g: { principalArn: string }) => g.principalArn !== grant.principalArn), grant];
  return raw;
}

/** The raw config without the grants that ended before `now`; and how many it removed. */
export function withoutEndedGrants(raw: any, now: Date): { raw: any; removed: number } {
  let removed = 0;
  for (const env of Object.values<any>(raw?.environments ?? {})) {
    for (const group of Object.values<any>(env?.accessGroups ?? {})) {
      const grants = group?.createRole?.temporaryGrants;
      if (!Array.isArray(grants)) continue;
      const kept = grants.filter((g: { until: string }) => !(Date.parse(g.until) <= now.getTime()));
      removed += grants.length - kept.length;
      group.createRole.temporaryGrants = kept;
    }
  }
  return { raw, removed };
}

/** `4h`, `2d`, `30m` as milliseconds; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+)(m|h|d)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}
