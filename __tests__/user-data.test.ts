import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { validateConfig } from '../config/validate';
import { createStacks } from '../stacks';
import { rawConfig, resources, tempDir } from './helpers';
import { reachableInstances } from '../config/access';

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

  const configOf = (name: string) => JSON.parse(instances.find(([n]) => n === name)![1].replace(/^#cloud-config\n/, ''));

  it("creates prod's run-as users without sudo and takes ssm-user's away", () => {
    const config = configOf('prod/prod-db-admin');
    expect(config.users).toEqual(['default', { name: 'dba', shell: '/bin/bash', lock_passwd: true }, { name: 'ssm-operator', shell: '/bin/bash', lock_passwd: true }]);
    expect(config.users.some((u: any) => u.sudo !== undefined || u.groups !== undefined)).toBe(false);
    expect(config.write_files).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/etc/sudoers.d/ssm-agent-users', content: '#User rules for ssm-user\n' })]));
  });

  it('stops sshd unless a group that reaches the instance opens SSH sessions, and keeps the metadata service to root everywhere', () => {
    const withSsh = structuredClone(raw);
    withSsh.environments.staging.accessGroups.operators.documents = ['SSM-SessionManagerRunShell', 'AWS-StartSSHSession'];
    withSsh.environments.staging.accessGroups.operators.unrecordedSsh = 'git over SSH to the build hosts';
    const staging = JSON.parse(Testing.synth(createStacks(Testing.app(), validateConfig(withSsh)).environments.find((s) => s.node.id === 'staging')!, true));
    const stopsSshd = (userData: string) => JSON.stringify(JSON.parse(userData.replace(/^#cloud-config\n/, '')).runcmd ?? []).includes('"disable","--now","sshd.service"');
    const byName: Record<string, string> = Object.fromEntries(resources(staging, 'aws_instance').map((i) => [i.tags.Name, i.user_data as string]));
    const reached = validateConfig(withSsh).environments.find((e) => e.name === 'staging')!;
    const sshInstances = reachableInstances(reached, reached.accessGroups.find((g) => g.name === 'operators')!).map((i) => i.name);
    expect(sshInstances.length).toBeGreaterThan(0);
    for (const [name, userData] of Object.entries(byName)) expect({ name, stopsSshd: stopsSshd(userData) }).toEqual({ name, stopsSshd: !sshInstances.includes(name) });
    for (const [name, userData] of instances) expect({ name, rootOnly: userData.includes('meta skuid != 0 reject') }).toEqual({ name, rootOnly: true });
  });
});
