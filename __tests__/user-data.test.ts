import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { validateConfig } from '../config/validate';
import { createStacks } from '../stacks';
import { rawConfig, resources, tempDir } from './helpers';

// Every instance's user data, validated by cloud-init's own schema validator (Debian's cloud-init
// package: `cloud-init schema --config-file`), which is what reads it at first boot.
const dir = tempDir('user-data');

function cloudInitSchema(name: string, userData: string): { status: number | null; output: string } {
  const file = path.join(dir, `${name}.txt`);
  fs.writeFileSync(file, userData);
  const run = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
  if (run.error) throw new Error(`cloud-init is needed to validate user data (Debian: apt-get install cloud-init): ${run.error.message}`);
  return { status: run.status, output: run.stdout + run.stderr };
}

const raw = rawConfig();
// A group with a run-as user of its own, beside prod's default run-as user.
raw.environments.prod.accessGroups.dba = {
  instances: { team: ['data'] }, runAsUser: 'dba', mfa: 'iam', createRole: { trustedArns: ['arn:aws:iam::000000000000:root'] },
};
const stacks = createStacks(Testing.app(), validateConfig(raw));
const instances = stacks.environments.flatMap((stack) =>
  resources(JSON.parse(Testing.synth(stack, true)), 'aws_instance').map((i) => [`${stack.node.id}/${i.tags.Name}`, i.user_data as string] as const));

describe('instance user data', () => {
  it.each(instances)('of %s is valid cloud-config', (name, userData) => {
    const result = cloudInitSchema(name.replace('/', '-'), userData);
    expect(result.output).toMatch(/^Valid cloud-config/);
    expect(result.status).toBe(0);
  });

  it('is checked for real: cloud-init refuses a user entry of the wrong shape', () => {
    const prod = instances.find(([name]) => name === 'prod/prod-db-admin')![1];
    const broken = prod.replace('"lock_passwd": true', '"lock_passwd": "maybe"');
    expect(broken).not.toBe(prod);
    expect(cloudInitSchema('broken', broken)).toEqual({ status: 1, output: expect.stringMatching(/schema errors: users\.1/) });
  });

  it("creates prod's run-as users without sudo and takes ssm-user's away", () => {
    const config = JSON.parse(instances.find(([name]) => name === 'prod/prod-db-admin')![1].replace(/^#cloud-config\n/, ''));
    expect(config.users).toEqual(['default', { name: 'dba', shell: '/bin/bash', lock_passwd: true }, { name: 'ssm-operator', shell: '/bin/bash', lock_passwd: true }]);
    expect(config.users.some((u: any) => u.sudo !== undefined || u.groups !== undefined)).toBe(false);
    expect(config.write_files).toEqual([expect.objectContaining({ path: '/etc/sudoers.d/ssm-agent-users', content: '#User rules for ssm-user\n' })]);
  });
});
