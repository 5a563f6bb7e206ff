import * as fs from 'fs';
import { DEFAULT_CONFIG_FILE } from '../../config/load';

/**
 * The project's own config with its `dev` environment copied `count` times (`env1`, `env2`, ...), each
 * in an account of its own with its own bucket, state key and 5 instances: an organisation's scale,
 * for the benchmark and the tests.
 */
export function generatedConfig(count: number): Record<string, any> {
  const config = JSON.parse(fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
  const template = config.environments.dev;
  const environments: Record<string, unknown> = {};
  for (let i = 1; i <= count; i++) {
    const name = `env${i}`;
    const accountId = String(100000000000 + i);
    environments[name] = {
      ...template,
      accountId,
      state: { ...template.state, key: `ssm-session-kit/${name}/terraform.tfstate` },
      instances: [1, 2, 3, 4, 5].map((n) => ({ name: `${name}-tools-${n}`, instanceType: 't3.micro', team: 'platform', accessGroup: 'developers' })),
      sessionLogging: { ...template.sessionLogging, bucketName: `acme-ssm-sessions-${name}-${accountId}` },
      accessGroups: Object.fromEntries(Object.entries(template.accessGroups).map(([g, group]: [string, any]) => [g, {
        ...group,
        ...(group.roleNames ? { roleNames: [`AWSReservedSSO_Developers_${name}`] } : {}),
      }])),
      guardrails: { ...template.guardrails, pipelineRoleArn: `arn:aws:iam::${accountId}:role/ssm-session-kit-deploy` },
    };
  }
  return { ...config, environments };
}
