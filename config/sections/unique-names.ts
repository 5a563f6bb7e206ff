/** Names AWS keeps unique, across the whole config: a collision would fail an apply after others deployed. */
import type { BootstrapFile } from './bootstrap';
import type { ConfigProblem } from './common';
import type { EnvironmentConfig } from './environment';
import type { LogArchiveFile } from './log-archive';
import { accessPolicyName, environmentPrefix, LOG_ARCHIVE, reviewersRoleName } from '../../stacks/naming';
import { AUTO_APPROVAL_DOCUMENT, MANUAL_APPROVAL_LIMITS } from '../../modules/just-in-time/choices';

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
    // The reviewers' role and its policy share one name.
    const reviewers = environments.filter((e) => e.accountId === account && e.sessionReview)
      .map((env) => ({ scope: `environment "${env.name}"`, field: 'sessionReview', name: reviewersRoleName(environmentPrefix(env.name)) }));
    const roles = [...reviewers, ...environments.filter((e) => e.accountId === account).flatMap((env) => env.accessGroups.flatMap((g) => (g.createRole
      ? [{ scope: `environment "${env.name}"`, field: `accessGroups.${g.name}.createRole.name`, name: g.createRole.name }] : [])))];
    reportCollisions(problems, roles, `role names are account ${account}'s`);
    const policies = [...reviewers, ...environments.filter((e) => e.accountId === account).flatMap((env) => env.accessGroups.map((g) => ({
      scope: `environment "${env.name}"`, field: `accessGroups.${g.name}`, name: accessPolicyName(env.name, g.name),
    })))];
    reportCollisions(problems, policies, `its policy's name, account ${account}'s`);
    // ("Create an auto-approval policy for just-in-time node access") One per account and Region, of a fixed name.
    for (const region of [...new Set(environments.filter((e) => e.accountId === account).map((e) => e.region))]) {
      const autoApprovals = environments.filter((e) => e.accountId === account && e.region === region).flatMap((env) => env.accessGroups
        .filter((g) => g.justInTime?.autoApprove.length)
        .map((g) => ({ scope: `environment "${env.name}"`, field: `accessGroups.${g.name}.justInTime.autoApprove`, name: AUTO_APPROVAL_DOCUMENT })));
      reportCollisions(problems, distinctScopes(autoApprovals), `an account and Region have one auto-approval policy (account ${account}, ${region})`);
      const manual = environments.filter((e) => e.accountId === account && e.region === region)
        .flatMap((env) => env.accessGroups.filter((g) => g.justInTime?.manualApproval).map((g) => ({ env, g })));
      if (manual.length > MANUAL_APPROVAL_LIMITS.maxPolicies) {
        const { env, g } = manual[MANUAL_APPROVAL_LIMITS.maxPolicies];
        problems.push({ scope: `environment "${env.name}"`, field: `accessGroups.${g.name}.justInTime.manualApproval`, message: `is manual approval policy ${MANUAL_APPROVAL_LIMITS.maxPolicies + 1} of account ${account} in ${region}: Systems Manager takes up to ${MANUAL_APPROVAL_LIMITS.maxPolicies}` });
      }
    }
  }
}

/** The first of each scope: one environment's groups share its one policy. */
function distinctScopes(named: readonly Named[]): Named[] {
  return named.filter((n, i) => named.findIndex((m) => m.scope === n.scope) === i);
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
