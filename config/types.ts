/**
 * The validated project configuration. Everything past `loadConfig` receives these types and may
 * trust them: every value has been checked against the rules AWS and Terraform apply.
 */
export interface ProjectConfig {
  /** The stack that creates the remote-state bucket itself (kept in local state). */
  readonly bootstrap: BootstrapConfig;
  /** One entry per environment, in the order the config file declares them. */
  readonly environments: readonly EnvironmentConfig[];
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
