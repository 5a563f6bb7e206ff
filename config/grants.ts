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

/** A grant as the config file writes it. */
export interface GrantFile {
  readonly principalArn: string;
  readonly until: string;
  readonly reason: string;
}

/** What of a config file (parsed, not yet validated) the grants read and write. */
export interface RawGrantsConfig {
  environments?: Record<string, { accessGroups?: Record<string, { createRole?: { temporaryGrants?: GrantFile[] } }> }>;
}

/** The raw config (a parsed environments.json) with a grant added to a group's created role. */
export function withGrant<T extends RawGrantsConfig>(raw: T, environment: string, group: string, grant: GrantFile): T {
  const env = raw.environments?.[environment];
  if (!env) throw new Error(`no environment "${environment}" in the config`);
  const role = env.accessGroups?.[group]?.createRole;
  if (!env.accessGroups?.[group]) throw new Error(`environment "${environment}" has no access group "${group}"`);
  if (!role) throw new Error(`environment "${environment}", access group "${group}" creates no role (createRole): a grant trusts a principal in a role the project creates`);
  role.temporaryGrants = [...(role.temporaryGrants ?? []).filter((g) => g.principalArn !== grant.principalArn), grant];
  return raw;
}

/** The raw config without the grants that ended before `now`; and how many it removed. */
export function withoutEndedGrants<T extends RawGrantsConfig>(raw: T, now: Date): { raw: T; removed: number } {
  let removed = 0;
  for (const env of Object.values(raw.environments ?? {})) {
    for (const group of Object.values(env.accessGroups ?? {})) {
      const role = group.createRole;
      if (!role || !Array.isArray(role.temporaryGrants)) continue;
      const kept = role.temporaryGrants.filter((g) => !(Date.parse(g.until) <= now.getTime()));
      removed += role.temporaryGrants.length - kept.length;
      role.temporaryGrants = kept;
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
