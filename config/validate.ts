import * as rules from './aws-rules';
import { IDENTITY_CENTER, LOG_ARCHIVE, ORGANIZATION_STACK, RESERVED_NAMES, STATE_READ_ROLE_SUFFIX } from '../stacks/naming';
import { configFileSchema } from './schema';
import { checkPermissionSetNames } from './sections/access-groups';
import { bootstrapSchema } from './sections/bootstrap';
import type { ConfigProblem } from './sections/common';
import { checkEnvironment, type EnvironmentConfig, environmentSchema, withSessionRegions } from './sections/environment';
import { identityCenterSchema } from './sections/identity-center';
import { checkLogArchive, logArchiveSchema } from './sections/log-archive';
import { checkUniqueNames } from './sections/unique-names';
import { withArchive } from './sections/session-logging';
import { checkSharedState, stateWithDefaults, withBootstrapState } from './sections/state';
import type { ProjectConfig } from './types';

export type { ConfigProblem };

/** Every problem found in a config, reported together so one run shows all there is to fix. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.scope}, field "${p.field}": ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Checks a parsed config file and returns it typed, or throws a ConfigError listing every problem:
 * the file's shape and the AWS rules (`schema.ts`), then what spans an environment's sections or
 * several environments. Unknown fields are problems too: a misspelt optional field must not be
 * silently ignored.
 */
export function validateConfig(raw: unknown, source = 'config'): ProjectConfig {
  const parsed = configFileSchema.safeParse(raw);
  const problems: ConfigProblem[] = parsed.issues.map((issue) => problemAt(issue.path, issue.message));
  const report = (scope: string) => (field: string, message: string) => problems.push({ scope, field, message });

  // Each environment on its own, so that one broken environment does not hide another's problems.
  const rawEnvironments = objectAt(raw, 'environments') ?? {};
  if (objectAt(raw, 'environments') && Object.keys(rawEnvironments).length === 0) {
    report('config')('environments', 'must declare at least one environment');
  }
  const environments: EnvironmentConfig[] = [];
  const identityCenter = identityCenterSchema.safeParse(objectAt(raw, 'identityCenter')).data;
  for (const [name, value] of Object.entries(rawEnvironments)) {
    const scope = `environment "${name}"`;
    const nameProblem = rules.environmentName(name) ?? (RESERVED_NAMES.includes(name) ? `"${name}" is reserved for the project's own stack` : undefined)
      ?? (name.endsWith(STATE_READ_ROLE_SUFFIX) ? `ends in "${STATE_READ_ROLE_SUFFIX}", which names the read-only state roles: its own state role would be taken for one` : undefined);
    if (nameProblem) report(scope)('name', nameProblem);
    const env = environmentSchema.safeParse(value);
    const checked = env.success ? checkEnvironment(name, env.data, report(scope), identityCenter) : undefined;
    if (checked && !nameProblem) environments.push(checked);
  }
  const bootstrap = bootstrapSchema.safeParse(objectAt({ raw }, 'raw')?.bootstrap).data;
  checkSharedState(problems, environments, bootstrap);

  const logArchive = logArchiveSchema.safeParse(objectAt(raw, 'logArchive')).data;
  checkLogArchive(problems, environments, logArchive);
  checkUniqueNames(problems, environments, logArchive, bootstrap);
  checkPermissionSetNames(problems, environments);

  if (problems.length > 0 || !parsed.success) throw new ConfigError(source, sortByScope(problems, Object.keys(rawEnvironments)));
  const { organization } = parsed.data;
  return {
    bootstrap: parsed.data.bootstrap,
    environments: environments.map((env) => withBootstrapState(withArchive(withSessionRegions(env, environments), logArchive), env.name, env.guardrails, parsed.data.bootstrap)),
    organization: organization && withBootstrapState(
      { ...organization, state: stateWithDefaults(organization.state, ORGANIZATION_STACK, organization.region) },
      ORGANIZATION_STACK,
      organization,
      parsed.data.bootstrap,
    ),
    identityCenter: identityCenter && withBootstrapState(
      { ...identityCenter, state: stateWithDefaults(identityCenter.state, IDENTITY_CENTER, identityCenter.region) },
      IDENTITY_CENTER,
      identityCenter,
      parsed.data.bootstrap,
    ),
    logArchive: logArchive && withBootstrapState(
      { ...logArchive, state: stateWithDefaults(logArchive.state, LOG_ARCHIVE, logArchive.region) },
      LOG_ARCHIVE,
      logArchive,
      parsed.data.bootstrap,
    ),
  };
}

/** The log-archive and identity-center stacks' names are their scopes in problems too. */
export { IDENTITY_CENTER, LOG_ARCHIVE };

/** A problem in the file, scoped by its path's head (an environment, bootstrap, organization), its field the rest. */
function problemAt(path: readonly PropertyKey[], message: string): ConfigProblem {
  const [head, second, ...rest] = path;
  if (head === 'environments' && second !== undefined) return { scope: `environment "${String(second)}"`, field: fieldPath(rest), message };
  if ((head === 'bootstrap' || head === 'organization') && second !== undefined) return { scope: head, field: fieldPath([second, ...rest]), message };
  if (head === 'logArchive' && second !== undefined) return { scope: LOG_ARCHIVE, field: fieldPath([second, ...rest]), message };
  if (head === 'identityCenter' && second !== undefined) return { scope: IDENTITY_CENTER, field: fieldPath([second, ...rest]), message };
  return { scope: 'config', field: fieldPath(path), message };
}

/** `['instances', 0, 'name']` as `instances[0].name`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '') || '(root)';
}

/** The file's order: the whole file, bootstrap, each environment as declared, organization. */
function sortByScope(problems: ConfigProblem[], environments: string[]): ConfigProblem[] {
  const order = ['config', 'bootstrap', ...environments.map((e) => `environment "${e}"`), 'organization', LOG_ARCHIVE, IDENTITY_CENTER];
  return problems.map((p, i) => ({ p, i })).sort((a, b) => order.indexOf(a.p.scope) - order.indexOf(b.p.scope) || a.i - b.i).map(({ p }) => p);
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}
