/** Names AWS keeps unique, across the whole config: a collision would fail an apply after others deployed. */
import type { BootstrapFile } from './bootstrap';
import type { ConfigProblem } from './common';
import type { EnvironmentConfig } from './environment';
import type { LogArchiveFile } from './log-archive';
import { accessPolicyName, LOG_ARCHIVE } from '../../stacks/naming';

interface Named {
  readonly scope: string;
  readonly field: string;
  readonly name: string;
}

/**
 * Bucket names are global: every environment's log bucket, the archive's and the state bucket differ.
 * IAM names are the account's: two access groups of one account never create roles, nor policies, of one
 * name (environment "prod"'s group "eu-operators" and environment "prod-eu"'s "operators" would).
 */
export function checkUniqueNames(problems: ConfigProblem[], environments: readonly EnvironmentConfig[], archive?: LogArchiveFile, bootstrap?: BootstrapFile): void {
  const buckets: Named[] = [
    ...(bootstrap ? [{ scope: 'bootstrap', field: 'stateBucket', name: bootstrap.stateBucket }] : []),
    ...environments.map((env) => ({ scope: `environment "${env.name}"`, field: 'sessionLogging.bucketName', name: env.sessionLogging.bucketName })),
    ...(archive ? [{ scope: LOG_ARCHIVE, field: 'bucketName', name: archive.bucketName }] : []),
  ];
  reportCollisions(problems, buckets, 'bucket names are global');
  const accounts = [...new Set(environments.map((e) => e.accountId))];
  for (const account of accounts) {
    const roles = environments.filter((e) => e.accountId === account).flatMap((env) => env.accessGroups.flatMap((g) => (g.createRole
      ? [{ scope: `environment "${env.name}"`, field: `accessGroups.${g.name}.createRole.name`, name: g.createRole.name }] : [])));
    reportCollisions(problems, roles, `role names are account ${account}'s`);
    const policies = environments.filter((e) => e.accountId === account).flatMap((env) => env.accessGroups.map((g) => ({
      scope: `environment "${env.name}"`, field: `accessGroups.${g.name}`, name: accessPolicyName(env.name, g.name),
    })));
    reportCollisions(problems, policies, `its policy's name, account ${account}'s`);
  }
}

/** Each name given before, at the later place, naming the first. */
function reportCollisions(problems: ConfigProblem[], named: readonly Named[], why: string): void {
  const first = new Map<string, Named>();
  for (const n of named) {
    const earlier = first.get(n.name.toLowerCase());
    if (earlier) problems.push({ scope: n.scope, field: n.field, message: `"${n.name}" is also ${earlier.scope === n.scope ? '' : `${earlier.scope}'s `}${earlier.field}: ${why}` });
    else first.set(n.name.toLowerCase(), n);
  }
}
