import type { MfaEnforcement } from '../modules/access-policies';
import type { SessionLoggingProps } from '../modules/session-logging';

/**
 * The validated project configuration. Everything past `loadConfig` receives these types and may
 * trust them: every value has been checked against the rules AWS and Terraform apply.
 */
export interface ProjectConfig {
  /** The stack that creates the remote-state bucket itself (kept in local state). */
  readonly bootstrap: BootstrapConfig;
  /** One entry per environment, in the order the config file declares them. */
  readonly environments: readonly EnvironmentConfig[];
  /** The organization's management account, where the guardrail SCP lives; absent, no SCP. */
  readonly organization?: OrganizationConfig;
}

export interface OrganizationConfig {
  readonly accountId: string;
  readonly region: string;
  /** Root, OU or account ids the guardrail SCP is attached to. */
  readonly targetIds: readonly string[];
  readonly tags: Tags;
  readonly state: RemoteStateConfig;
}

export interface GuardrailsConfig {
  /** The deployment pipeline's role: the only principal that may still change the audit trail. */
  readonly pipelineRoleArn: string;
  /** Existing roles and groups (administrators included) that get the deny policy. */
  readonly attachToRoles: readonly string[];
  readonly attachToGroups: readonly string[];
  /** Give the roles the project creates for engineers the guardrail as permissions boundary. */
  readonly permissionsBoundary: boolean;
}

export type Tags = Readonly<Record<string, string>>;

export interface BootstrapConfig {
  /** Account that owns the state bucket. */
  readonly accountId: string;
  readonly region: string;
  /** Name of the S3 bucket that holds every environment's state. */
  readonly stateBucket: string;
  /** Alias (without `alias/`) of the KMS key that encrypts the state bucket. */
  readonly stateKeyAlias: string;
  readonly tags: Tags;
}

export interface EnvironmentConfig {
  /** Lower-case name; also the stack name and part of the state key. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** Applied to every resource through the provider's `default_tags`. */
  readonly tags: Tags;
  readonly state: RemoteStateConfig;
  readonly network: NetworkConfig;
  /** The instances engineers reach through Session Manager; may be empty. */
  readonly instances: readonly InstanceConfig[];
  /**
   * Turn on Systems Manager's Default Host Management Configuration in the environment's region, so
   * that instances without an instance profile become managed too.
   */
  readonly defaultHostManagement: boolean;
  /** Where and how long sessions are recorded, and the session preferences. */
  readonly sessionLogging: SessionLoggingConfig;
  /** Who may open sessions on which instances, by group name. */
  readonly accessGroups: readonly AccessGroupConfig[];
  readonly guardrails: GuardrailsConfig;
}

export interface AccessGroupConfig {
  readonly name: string;
  /**
   * Tag values the group's instances carry, beyond the environment's own `Environment` tag. Keys are
   * ANDed, values within a key ORed.
   */
  readonly instanceTags: Readonly<Record<string, readonly string[]>>;
  readonly documents: readonly string[];
  /** Who enforces MFA before a session starts. */
  readonly mfa: MfaEnforcement;
  /** With `mfa: 'iam'`: the most seconds since the MFA code was given. */
  readonly mfaMaxAgeSeconds?: number;
  readonly runAsUser?: string;
  /** May also terminate anyone's session. */
  readonly admin: boolean;
  readonly roleNames: readonly string[];
  readonly groupNames: readonly string[];
  readonly createRole?: {
    readonly name: string;
    readonly trustedArns: readonly string[];
    readonly trustedServices: readonly string[];
    /** Trusted IAM principals must give an MFA code to assume the role (default with `mfa: 'iam'`). */
    readonly requireMfaToAssume: boolean;
  };
}

/** The environment's say over `SessionLoggingProps`; the stack names the log group and key alias. */
export type SessionLoggingConfig = Omit<SessionLoggingProps, 'logGroupName' | 'keyAlias'>;

export interface NetworkConfig {
  readonly vpcId: string;
  /** Subnets instances are placed in (round robin unless an instance names one) and endpoints span. */
  readonly subnetIds: readonly string[];
  /** Create interface endpoints so that instances reach Systems Manager without internet access. */
  readonly vpcEndpoints: boolean;
  /** The VPC's CIDR blocks: the only sources the endpoints admit. Required with `vpcEndpoints`. */
  readonly vpcCidrs: readonly string[];
  /** Route tables that get the S3 gateway endpoint (with `vpcEndpoints`). */
  readonly routeTableIds: readonly string[];
}

export interface InstanceConfig {
  /** Unique within the environment; the instance's Name tag. */
  readonly name: string;
  readonly instanceType: string;
  /** @default the latest Amazon Linux 2023 image for the instance type's architecture */
  readonly ami?: string;
  readonly subnetId: string;
  /** Access tags the access policies match on. */
  readonly team?: string;
  readonly accessGroup?: string;
  readonly detailedMonitoring: boolean;
  readonly tags: Tags;
}

export interface RemoteStateConfig {
  readonly bucket: string;
  /** Object key of the state file; distinct for every environment sharing a bucket. */
  readonly key: string;
  /** Region of the state bucket. */
  readonly region: string;
  /** Legacy DynamoDB lock table, for teams migrating to S3-native locking. */
  readonly dynamodbTable?: string;
  /**
   * ARN of the KMS key (or alias) the state is encrypted with. Defaults to the bootstrap stack's key
   * when the state lives in the bootstrap bucket.
   */
  readonly kmsKeyId?: string;
  /** Role to assume for reading and writing the state, e.g. in a central state account. */
  readonly roleArn?: string;
}
