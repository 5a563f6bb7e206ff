import { reachableInstances } from '../../config/access';
import type { AccessGroupConfig, EnvironmentConfig, ProjectConfig } from '../../config/types';
import type { MfaEnforcement } from '../../modules/access-policies';
import { table } from './table';

/** Who may reach which instances, with which documents, per environment: a table for humans. */
export function accessReport(config: ProjectConfig): string {
  return config.environments.map(environmentReport).join('\n\n') + '\n';
}

function environmentReport(env: EnvironmentConfig): string {
  const header = `${env.name} (account ${env.accountId}, ${env.region})`;
  if (env.accessGroups.length === 0) return `${header}\n  no access groups: nobody may start a session`;
  const rows = env.accessGroups.map((group) => [
    group.name,
    reachableInstances(env, group).map((i) => i.name).join(', '),
    group.documents.join(', '),
    MFA_COLUMN[group.mfa],
    group.admin ? 'any session' : 'own sessions',
    recipients(group),
  ]);
  return `${header}\n${table(['group', 'instances', 'documents', 'MFA', 'may end', 'given to'], rows)}`;
}

const MFA_COLUMN: Record<MfaEnforcement, string> = { iam: 'IAM', 'identity-provider': 'identity provider', none: 'no' };

function recipients(group: AccessGroupConfig): string {
  return [
    ...group.roleNames.map((r) => `role ${r}`),
    ...group.groupNames.map((g) => `group ${g}`),
    ...(group.createRole ? [`new role ${group.createRole.name}${group.runAsUser ? ` (runs as ${group.runAsUser})` : ''}`] : []),
  ].join(', ');
}
