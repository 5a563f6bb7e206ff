import { App, Aspects, TerraformStack } from 'cdktf';
import { ComplianceChecker } from '../modules/compliance';
import type { ProjectConfig } from '../config/types';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';
import { IDENTITY_CENTER, IdentityCenterStack } from './identity-center-stack';
import { LOG_ARCHIVE, LogArchiveStack } from './log-archive-stack';
import { ORGANIZATION_STACK, OrganizationStack } from './organization-stack';

export { BootstrapStack, BOOTSTRAP_STACK } from './bootstrap-stack';
export { EnvironmentStack } from './environment-stack';
export { OrganizationStack, ORGANIZATION_STACK } from './organization-stack';
export { LogArchiveStack, LOG_ARCHIVE } from './log-archive-stack';
export { IdentityCenterStack, IDENTITY_CENTER } from './identity-center-stack';

export interface ProjectStacks {
  readonly bootstrap: BootstrapStack;
  readonly environments: readonly EnvironmentStack[];
  /** Only when the config names the organization's management account. */
  readonly organization?: OrganizationStack;
  /** Only when the config has a central log archive. */
  readonly logArchive?: LogArchiveStack;
  /** Only when the config names the account that manages IAM Identity Center. */
  readonly identityCenter?: IdentityCenterStack;
  readonly all: readonly TerraformStack[];
}

/** Every stack of the project, from a config already validated, each held to the compliance rules at synth. */
export function createStacks(app: App, config: ProjectConfig): ProjectStacks {
  const { organization: org, logArchive: archive, identityCenter: center } = config;
  const bootstrap = new BootstrapStack(app, config.bootstrap, [
    ...config.environments, ...(org ? [{ name: ORGANIZATION_STACK, ...org }] : []), ...(archive ? [{ name: LOG_ARCHIVE, ...archive }] : []),
    ...(center ? [{ name: IDENTITY_CENTER, ...center }] : []),
  ]);
  const environments = config.environments.map((env) => new EnvironmentStack(app, env));
  const organization = org && new OrganizationStack(app, org, config);
  const logArchive = archive && new LogArchiveStack(app, archive, config.environments);
  const identityCenter = center && new IdentityCenterStack(app, center, config.environments);
  const all = [bootstrap, ...environments, ...[organization, logArchive, identityCenter].filter((s): s is NonNullable<typeof s> => s !== undefined)];
  for (const stack of all) Aspects.of(stack).add(new ComplianceChecker());
  return { bootstrap, environments, organization, logArchive, identityCenter, all };
}
