import type { App } from 'cdktf';
import type { ProjectConfig } from '../config/types';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';

export { BootstrapStack, BOOTSTRAP_STACK } from './bootstrap-stack';
export { EnvironmentStack } from './environment-stack';

export interface ProjectStacks {
  readonly bootstrap: BootstrapStack;
  readonly environments: readonly EnvironmentStack[];
}

/** Every stack of the project, from a config already validated. */
export function createStacks(app: App, config: ProjectConfig): ProjectStacks {
  return {
    bootstrap: new BootstrapStack(app, config.bootstrap),
    environments: config.environments.map((env) => new EnvironmentStack(app, env)),
  };
}
