import { App, Aspects, TerraformStack } from 'cdktf';
import { ComplianceChecker } from '../modules/guardrails/compliance';
import type { ProjectConfig } from '../config/types';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';
import { OrganizationStack } from './organization-stack';

export { BootstrapStack, BOOTSTRAP_STACK } from './bootstrap-stack';
export { EnvironmentStack } from './environment-stack';
export { OrganizationStack, ORGANIZATION_STACK } from './organization-stack';

export interface ProjectStacks {
  readonly bootstrap: BootstrapStack;
  readonly environments: readonly EnvironmentStack[];
  /** Only when the config names the organization's management account. */
  readonly organization?: OrganizationStack;
  readonly all: readonly TerraformStack[];
}

/** Every stack of the project, from a config already validated, each held to the compliance rules at synth. */
export function createStacks(app: App, config: ProjectConfig): ProjectStacks {
  const bootstrap = new BootstrapStack(app, config.bootstrap, [...config.environments, ...(config.organization ? [{ name: 'organization', ...config.organization }] : [])]);
  const environments = config.environments.map((env) => new EnvironmentStack(app, env));
  const organization = config.organization && new OrganizationStack(app, config.organization, config.environments);
  const all = [bootstrap, ...environments, ...(organization ? [organization] : [])];
  for (const stack of all) Aspects.of(stack).add(new ComplianceChecker());
  return { bootstrap, environments, organization, all };
}
