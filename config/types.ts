import type { SessionLoggingProps } from '../modules/session-logging';
import type { MfaEnforcement, SessionNaming } from '../modules/access-policies';
import type {
  AccessGroupFile, AlertsFile, BootstrapFile, EnvironmentFile, GuardrailsFile, IdentityCenterFile, InstanceFile, LogArchiveFile, NetworkFile, OrganizationFile, StateFile,
} from './schema';

/**
 * The validated project configuration. Everything past `loadConfig` receives these types and may
 * trust them: every value has been checked against the rules AWS and Terraform apply. They are the
 * file's own types (`schema.ts`, where every field is described) with the defaults that depend on
 * other fields filled in.
 */
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
export type BootstrapConfig = Readonly<BootstrapFile>;
export type NetworkConfig = Readonly<NetworkFile>;
export type GuardrailsConfig = Readonly<GuardrailsFile>;

export interface OrganizationConfig extends Readonly<Omit<OrganizationFile, 'state'>> {
  readonly state: RemoteStateConfig;
}

export interface LogArchiveConfig extends Readonly<Omit<LogArchiveFile, 'state'>> {
  readonly state: RemoteStateConfig;
}

/** Where an environment's S3 transcripts go when it sends them to the log archive. */
export interface ArchiveDestination {
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  /** The environment's part of the bucket, without slashes: its name. */
  readonly prefix: string;
}

/** State key and region always known: by default the environment's own key and region. */
export interface RemoteStateConfig extends Readonly<StateFile> {
  readonly key: string;
  readonly region: string;
  /** Set when `roleArn` is the state role the bootstrap stack creates (by this name), trusted by the stack's pipeline. */
  readonly bootstrapRole?: { readonly roleName: string; readonly trustedRoleArn: string };
  /** Set when the stack has a plan role: the bootstrap stack's role that only reads this state, and who may assume it. */
  readonly bootstrapReadRole?: { readonly roleName: string; readonly roleArn: string; readonly trustedRoleArn: string };
}

export interface EnvironmentConfig extends Readonly<Omit<EnvironmentFile, 'state' | 'instances' | 'sessionLogging' | 'accessGroups' | 'alerts'>> {
  /** The key in `environments`: also the stack's name. */
  readonly name: string;
  readonly state: RemoteStateConfig;
  readonly instances: readonly InstanceConfig[];
  readonly sessionLogging: SessionLoggingConfig;
  /** Who may open sessions on which instances, in the order the file declares the groups. */
  readonly accessGroups: readonly AccessGroupConfig[];
  readonly alerts: AlertsConfig;
  /**
   * Regions where the environment's account records sessions: those of every environment in the
   * account, each of which creates the preferences document there. Sessions elsewhere are refused.
   */
  readonly sessionRegions: readonly string[];
  /** Where the S3 transcripts go instead of the environment's own bucket (`sessionLogging.destination`). */
  readonly archive?: ArchiveDestination;
}

/** Whether object-level deletions alert is settled: on with a trail the stack creates, unless turned off. */
export interface AlertsConfig extends Readonly<Omit<AlertsFile, 'trail'>> {
  readonly trail: Readonly<AlertsFile['trail']> & { readonly objectEvents: boolean };
}

/** Every instance has a subnet: its own, or the next of the network's in turn. */
export interface InstanceConfig extends Readonly<InstanceFile> {
  readonly subnetId: string;
}

export interface AccessGroupConfig extends Readonly<Omit<AccessGroupFile, 'instances' | 'documents' | 'requireMfa' | 'createRole' | 'alertOnSessions' | 'mfa' | 'permissionSet'>> {
  readonly name: string;
  /** Who enforces MFA: by default the identity provider for a permission set's users, else IAM. */
  readonly mfa: MfaEnforcement;
  /** The group's Identity Center permission set, its name and run-as settled. */
  readonly permissionSet?: PermissionSetConfig;
  /** Every session of the group's roles alerts (by default, the admin groups'). */
  readonly alertOnSessions: boolean;
  /**
   * Tag values the group's instances carry, the environment's own `Environment` tag included. Keys are
   * ANDed, values within a key ORed.
   */
  readonly instanceTags: Readonly<Record<string, readonly string[]>>;
  readonly documents: readonly string[];
  readonly createRole?: {
    readonly name: string;
    readonly trustedArns: readonly string[];
    readonly trustedServices: readonly string[];
    /** Trusted IAM principals must give an MFA code to assume the role (default with `mfa: 'iam'`). */
    readonly requireMfaToAssume: boolean;
    /** What the trusted principals' sessions of the role are named after. */
    readonly sessionName: SessionNaming;
  };
}

export interface PermissionSetConfig {
  readonly name: string;
  readonly sessionDuration?: string;
  readonly groups: readonly string[];
  /** Sessions run as the engineer (the Identity Center attribute as SSMSessionRunAs) or as the shared default user. */
  readonly runAs: 'engineer' | 'shared';
  readonly osUsers: readonly string[];
}

export interface IdentityCenterConfig extends Readonly<Omit<IdentityCenterFile, 'state'>> {
  readonly state: RemoteStateConfig;
}

/** The environment's say over `SessionLoggingProps`; the stack names the log group and key alias. */
export type SessionLoggingConfig = Omit<SessionLoggingProps, 'logGroupName' | 'keyAlias'>;
