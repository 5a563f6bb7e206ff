/**
 * The validated project configuration. Everything past `loadConfig` receives these types and may
 * trust them: every value has been checked against the rules AWS and Terraform apply. They are the
 * file's own types (each section's, in `sections/`, where every field is described) with the defaults
 * that depend on other fields filled in.
 */
import type { BootstrapConfig } from './sections/bootstrap';
import type { EnvironmentConfig } from './sections/environment';
import type { IdentityCenterConfig } from './sections/identity-center';
import type { LogArchiveConfig } from './sections/log-archive';
import type { OrganizationConfig } from './sections/organization';

export interface ProjectConfig {
  /** The stack that creates the remote-state bucket itself (kept in local state). */
  readonly bootstrap: BootstrapConfig;
  /** One entry per environment, in the order the config file declares them. */
  readonly environments: readonly EnvironmentConfig[];
  /** The organization's management account, where the guardrail SCP lives; absent, no SCP. */
  readonly organization?: OrganizationConfig;
  /** The central log archive the environments send their transcripts to; absent, each keeps its own. */
  readonly logArchive?: LogArchiveConfig;
  /** IAM Identity Center, where access groups with a permission set get one; absent, none. */
  readonly identityCenter?: IdentityCenterConfig;
}

export type Tags = Readonly<Record<string, string>>;
export type { AccessGroupConfig, PermissionSetConfig } from './sections/access-groups';
export type { AlertsConfig } from './sections/alerts';
export type { BootstrapConfig, EnvironmentConfig, IdentityCenterConfig, LogArchiveConfig, OrganizationConfig };
export type { GuardrailsConfig } from './sections/guardrails';
export type { FleetConfig, InstanceConfig } from './sections/instances';
export type { NetworkConfig } from './sections/network';
export type { ArchiveDestination, SessionLoggingConfig } from './sections/session-logging';
export type { RemoteStateConfig } from './sections/state';
