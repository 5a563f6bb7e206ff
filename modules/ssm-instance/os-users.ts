/**
 * The OS users of an instance reached through Session Manager, as cloud-init cloud-config (Amazon Linux
 * 2023 runs cloud-init at first boot).
 *
 * Session Manager starts a run-as session only as an OS user that already exists on the node ("Turn on
 * run as support for Linux and macOS managed nodes"), so every user a session may run as is created
 * here: a normal account, no sudo, no password, no SSH key. Without run-as, sessions run as `ssm-user`,
 * whom SSM Agent puts in sudoers through `/etc/sudoers.d/ssm-agent-users`; writing that file with the
 * rule commented out is how AWS removes the rights ("Turn on or turn off ssm-user account
 * administrative permissions"), and the agent leaves an existing file alone.
 */

export interface OsUsers {
  /** Users sessions may run as (run-as), each created without sudo. @default none */
  readonly users?: readonly string[];
  /**
   * Whether `ssm-user`, the default session user when run-as is off, keeps the sudo rights SSM Agent
   * gives it. Root on the instance can stop or alter what the agent records.
   * @default false
   */
  readonly ssmUserSudo?: boolean;
}

/** The sudoers file SSM Agent writes for `ssm-user`, and the content AWS documents to remove the rights. */
export const SSM_USER_SUDOERS = { path: '/etc/sudoers.d/ssm-agent-users', withoutSudo: '#User rules for ssm-user\n' } as const;

export type CloudConfig = Readonly<Record<string, unknown>>;

/** The cloud-config that creates the users and, unless `ssmUserSudo`, takes `ssm-user`'s sudo away. */
export function osUsersCloudConfig({ users = [], ssmUserSudo = false }: OsUsers): CloudConfig {
  return {
    // `default` keeps the image's own user (ec2-user), as cloud-init does when `users` is not set.
    users: ['default', ...[...new Set(users)].sort().map((name) => ({ name, shell: '/bin/bash', lock_passwd: true }))],
    ...(ssmUserSudo ? {} : {
      write_files: [{ path: SSM_USER_SUDOERS.path, owner: 'root:root', permissions: '0440', content: SSM_USER_SUDOERS.withoutSudo }],
    }),
  };
}

/**
 * Two cloud-configs as one: lists are joined, maps merged key by key. A key both set to different
 * plain values is an error, never one silently replacing the other.
 */
export function mergeCloudConfig(base: CloudConfig, extra: CloudConfig, path = ''): CloudConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const mine = merged[key];
    const at = path ? `${path}.${key}` : key;
    if (mine === undefined) merged[key] = value;
    else if (Array.isArray(mine) && Array.isArray(value)) merged[key] = [...mine, ...value];
    else if (isMap(mine) && isMap(value)) merged[key] = mergeCloudConfig(mine, value, at);
    else if (JSON.stringify(mine) !== JSON.stringify(value)) {
      throw new Error(`cloud-config "${at}" is set twice, to ${JSON.stringify(mine)} and ${JSON.stringify(value)}`);
    }
  }
  return merged;
}

/**
 * User data as cloud-init reads it: the `#cloud-config` header, then the document. JSON is YAML, so
 * the document is written as JSON.
 */
export function renderCloudConfig(config: CloudConfig): string {
  return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
