import { App, Aspects } from 'cdktf';
import { ComplianceChecker } from '../modules/guardrails/compliance';
import type { ProjectConfig } from '../config/types';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';

export { BootstrapStack, BOOTSTRAP_STACK } from './bootstrap-stack';
export { EnvironmentStack } from './environment-stack';

export interface ProjectStacks {
  readonly bootstrap: BootstrapStack;
  readonly environments: readonly EnvironmentStack[];
}

/** Every stack of the project, from a config already validated, each held to the compliance rules at synth. */
export function createStacks(app: App, config: ProjectConfig): ProjectStacks {
  const stacks = {
    bootstrap: new BootstrapStack(app, config.bootstrap),
    environments: config.environments.map((env) => new EnvironmentStack(app, env)),
  };
  for (const stack of [stacks.bootstrap, ...stacks.environments]) Aspects.of(stack).add(new ComplianceChecker());
  return stacks;
}
