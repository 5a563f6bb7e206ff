/** The Identity Center the tests add to the shipped config, in the organization's management account. */
export const IDENTITY_CENTER_ACCOUNT = '999999999999';
export const PLATFORM_ENGINEERS_ID = '9a6b5c4d3e-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';

/**
 * `config` (a parsed environments.json) with Identity Center: dev's developers get a permission set
 * (sessions as dev's shared user), and prod a new group of engineers who each run as themselves.
 */
export function withIdentityCenter(config: any): any {
  config.identityCenter = {
    accountId: IDENTITY_CENTER_ACCOUNT, region: 'us-east-1', runAsAttribute: '${path:userName}',
    pipelineRoleArn: `arn:aws:iam::${IDENTITY_CENTER_ACCOUNT}:role/ssm-session-kit-identity-center-deploy`,
    state: { bucket: config.bootstrap.stateBucket },
  };
  const developers = config.environments.dev.accessGroups.developers;
  developers.permissionSet = { groups: ['Developers'], runAs: 'shared' };
  config.environments.prod.accessGroups.engineers = {
    instances: { accessGroup: ['operators'] },
    permissionSet: { name: 'ProdEngineers', sessionDuration: 'PT4H', groups: ['Platform Engineers', PLATFORM_ENGINEERS_ID], osUsers: ['alice', 'bob'] },
  };
  return config;
}
