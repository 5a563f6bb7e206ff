/**
 * Who a session runs as, modelled on AWS's documents:
 * - "Attributes for access control" (IAM Identity Center User Guide): Identity Center passes the
 *   configured attributes of the signed-in user into the role session as session tags, each key taking
 *   the value of its source path (`${path:userName}`: the user's user name).
 * - "Passing session tags in AWS STS" (IAM User Guide): a session tag overrides a role tag of the same key.
 * - "Turn on Run As support for Linux and macOS managed nodes" (Systems Manager User Guide), How it works:
 *   with run-as on, the principal's `SSMSessionRunAs` names the OS user; without it, the preferences'
 *   user; either must exist on the node or no session starts. With run-as off, sessions run as ssm-user.
 */
export function identityCenterSessionTags(attributes: readonly { key: string; value: readonly { source: readonly string[] }[] }[], user: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(attributes.flatMap((a) => {
    const path = /^\$\{path:(.+)\}$/.exec(a.value[0].source[0])?.[1];
    return path !== undefined && user[path] !== undefined ? [[a.key, user[path]]] : [];
  }));
}

export function sessionOsUser(
  preferences: { runAsEnabled: boolean; runAsDefaultUser: string },
  principal: { roleTags?: Readonly<Record<string, string>>; sessionTags?: Readonly<Record<string, string>> },
  nodeUsers: readonly string[],
): string | 'no session' {
  if (!preferences.runAsEnabled) return 'ssm-user';
  const tagged = principal.sessionTags?.SSMSessionRunAs ?? principal.roleTags?.SSMSessionRunAs;
  const user = tagged ?? preferences.runAsDefaultUser;
  return user && nodeUsers.includes(user) ? user : 'no session';
}
