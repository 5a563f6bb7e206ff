import { TerraformOutput } from 'cdktf';
import { IamSsmRole } from '../modules/iam-ssm-role';
import { InstanceProfile } from '../modules/instance-profile';
import { architectureOf, mergeCloudConfig, METADATA_FIREWALL, metadataFirewallRules, SsmInstance, SsmInstanceProps, SsmVpcEndpoints } from '../modules/ssm-instance';
import { dataSources, Json, only, resources, synthStack } from './helpers';

describe('SsmInstance', () => {
  const base: SsmInstanceProps = {
    name: 'tools',
    vpcId: 'vpc-0a1b2c3d',
    subnetId: 'subnet-0a1b2c3d',
    accessTags: { environment: 'dev' },
  };
  const synthInstance = (props: Partial<SsmInstanceProps> = {}): Json =>
    synthStack((s) => new SsmInstance(s, 'tools', { ...base, ...props }));

  describe('by default', () => {
    const stack = synthInstance();
    const instance = only(stack, 'aws_instance');

    it('runs the latest Amazon Linux 2023 for its architecture, without replacing on new releases', () => {
      expect(dataSources(stack, 'aws_ssm_parameter')[0].name).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
      expect(instance.ami).toMatch(/^\$\{data\.aws_ssm_parameter\.\S+\.insecure_value\}$/);
      expect(instance.lifecycle).toEqual({ ignore_changes: ['ami'] });
      expect(instance.instance_type).toBe('t3.micro');
    });

    it('requires IMDSv2, has no public IP, no key pair, and an encrypted root volume', () => {
      expect(instance.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(instance.associate_public_ip_address).toBe(false);
      expect(instance.key_name).toBeUndefined();
      expect(instance.root_block_device).toEqual({ encrypted: true, volume_type: 'gp3' });
      expect(instance.monitoring).toBe(false);
      expect(instance.subnet_id).toBe('subnet-0a1b2c3d');
    });

    it('gets a security group with no ingress at all and HTTPS as its only egress', () => {
      const group = only(stack, 'aws_security_group');
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
      expect(group.vpc_id).toBe('vpc-0a1b2c3d');
      expect(resources(stack, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
      expect(only(stack, 'aws_vpc_security_group_egress_rule')).toMatchObject({
        ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0',
      });
      expect(instance.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.\S+\.id\}$/)]);
    });

    it('gets its own SSM role and instance profile', () => {
      expect(resources(stack, 'aws_iam_role')).toHaveLength(1);
      expect(instance.iam_instance_profile).toMatch(/^\$\{aws_iam_instance_profile\.\S+\.name\}$/);
    });

    it('is tagged with its name and the environment access tag', () => {
      expect(instance.tags).toEqual({ Name: 'tools', Environment: 'dev' });
    });
  });

  it('runs arm64 Amazon Linux on Graviton instance types', () => {
    const stack = synthInstance({ instanceType: 't4g.small' });
    expect(dataSources(stack, 'aws_ssm_parameter')[0].name).toMatch(/al2023-ami-kernel-default-arm64$/);
  });

  it('uses a given image as is, and replaces the instance when it changes', () => {
    const stack = synthInstance({ machineImageId: 'ami-0123456789abcdef0' });
    const instance = only(stack, 'aws_instance');
    expect(instance.ami).toBe('ami-0123456789abcdef0');
    expect(instance.lifecycle).toBeUndefined();
    expect(stack.data?.aws_ssm_parameter).toBeUndefined();
  });

  it('takes every option', () => {
    let shared!: { role: IamSsmRole; profile: InstanceProfile };
    const stack = synthStack((s) => {
      const role = new IamSsmRole(s, 'shared-role', { roleName: 'shared' });
      shared = { role, profile: new InstanceProfile(s, 'shared-profile', { roleName: role.roleName }) };
      new SsmInstance(s, 'tools', {
        ...base,
        instanceType: 'm7i.large',
        accessTags: { environment: 'prod', team: 'data', accessGroup: 'operators' },
        instanceProfile: shared,
        httpsEgressCidrs: ['10.0.0.0/16', '10.1.0.0/16'],
        detailedMonitoring: true,
        rootVolumeSizeGiB: 30,
        rootVolumeKmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
        tags: { CostCenter: 'data', Environment: 'overridden?' },
      });
    });
    const instance = only(stack, 'aws_instance');
    expect(instance).toMatchObject({ instance_type: 'm7i.large', monitoring: true });
    expect(instance.root_block_device).toEqual({
      encrypted: true,
      volume_type: 'gp3',
      volume_size: 30,
      kms_key_id: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
    });
    // Free-form tags cannot override the access tags policies rely on.
    expect(instance.tags).toEqual({ Name: 'tools', Environment: 'prod', Team: 'data', AccessGroup: 'operators', CostCenter: 'data' });
    expect(resources(stack, 'aws_iam_role')).toHaveLength(1);
    expect(resources(stack, 'aws_iam_instance_profile')).toHaveLength(1);
    expect(resources(stack, 'aws_vpc_security_group_egress_rule').map((r) => r.cidr_ipv4).sort()).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
  });

  it('exposes the start-session command', () => {
    const stack = synthStack((s) => {
      const tools = new SsmInstance(s, 'tools', base);
      new TerraformOutput(s, 'command', { value: tools.startSessionCommand });
    });
    expect(stack.output.command.value).toMatch(
      /^aws ssm start-session --target \$\{aws_instance\.\S+\.id\} --document-name SSM-SessionManagerRunShell --region \$\{data\.aws_region\.\S+\.id\}$/,
    );
  });

  describe('OS users (cloud-config user data)', () => {
    const cloudConfigOf = (stack: Json) => {
      const userData: string = only(stack, 'aws_instance').user_data;
      expect(userData.startsWith('#cloud-config\n')).toBe(true);
      return JSON.parse(userData.slice('#cloud-config\n'.length));
    };

    it("by default creates no user, takes ssm-user's and the default user's sudo away, lets only root reach the metadata service and stops sshd", () => {
      const stack = synthInstance();
      const config = cloudConfigOf(stack);
      expect(config.users).toEqual(['default']);
      expect(config.write_files).toEqual([
        { path: '/etc/sudoers.d/ssm-agent-users', owner: 'root:root', permissions: '0440', content: '#User rules for ssm-user\n' },
        { path: METADATA_FIREWALL.rules, owner: 'root:root', permissions: '0600', content: metadataFirewallRules() },
        expect.objectContaining({ path: `/etc/systemd/system/${METADATA_FIREWALL.unit}`, content: expect.stringMatching(/Before=amazon-ssm-agent\.service[\s\S]*ExecStart=\/usr\/sbin\/nft -f \/etc\/nftables\/ssm-session-kit-metadata\.nft/) }),
      ]);
      expect(config.packages).toEqual(['nftables']);
      expect(config.system_info).toEqual({ default_user: { sudo: false } });
      expect(config.runcmd).toEqual([
        ['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', METADATA_FIREWALL.unit], ['systemctl', 'disable', '--now', 'sshd.service'],
      ]);
      expect(only(stack, 'aws_instance').user_data_replace_on_change).toBe(false);
    });

    it('refuses every user but root the metadata service, over IPv4 and IPv6, as the EC2 User Guide\'s owner-match rule does', () => {
      const rules = metadataFirewallRules();
      // "Limit access to the Instance Metadata Service": the addresses, and rejecting by the packet's owner.
      expect(rules).toMatch(/hook output/);
      expect(rules).toMatch(/ip daddr 169\.254\.169\.254 meta l4proto tcp meta skuid != 0 reject/);
      expect(rules).toMatch(/ip6 daddr fd00:ec2::254 meta l4proto tcp meta skuid != 0 reject/);
    });

    it('keeps sshd and the protections it is told to', () => {
      const config = cloudConfigOf(synthInstance({ hardening: { sshd: true, metadataRootOnly: false, defaultUserSudo: true } }));
      expect(config.runcmd).toBeUndefined();
      expect(config.system_info).toBeUndefined();
      expect(config.packages).toBeUndefined();
    });

    it('creates the run-as users once each, without sudo, and can leave ssm-user its sudo', () => {
      const config = cloudConfigOf(synthInstance({ osUsers: { users: ['ssm-operator', 'dba', 'ssm-operator'], ssmUserSudo: true }, hardening: { defaultUserSudo: true } }));
      expect(config.users).toEqual(['default', { name: 'dba', shell: '/bin/bash', lock_passwd: true }, { name: 'ssm-operator', shell: '/bin/bash', lock_passwd: true }]);
      expect(JSON.stringify(config)).not.toMatch(/sudo/);
    });

    it("merges the caller's cloud-config, joining lists, and refuses to overwrite a value", () => {
      const config = cloudConfigOf(synthInstance({
        osUsers: { users: ['dba'] },
        extraCloudConfig: { packages: ['postgresql16'], users: [{ name: 'app', shell: '/sbin/nologin' }] },
      }));
      expect(config.packages).toEqual(['nftables', 'postgresql16']);
      expect(config.users.map((u: any) => u.name ?? u)).toEqual(['default', 'dba', 'app']);
      expect(() => mergeCloudConfig({ timezone: 'UTC' }, { timezone: 'Europe/Berlin' })).toThrow(/cloud-config "timezone" is set twice/);
    });

    it('writes no user data for an image prepared otherwise, and can replace the instance on change', () => {
      expect(only(synthInstance({ osUsers: false }), 'aws_instance').user_data).toBeUndefined();
      expect(only(synthInstance({ replaceOnUserDataChange: true }), 'aws_instance').user_data_replace_on_change).toBe(true);
    });
  });
});

describe('architectureOf', () => {
  it.each([
    ['t3.micro', 'x86_64'], ['m6i.large', 'x86_64'], ['g4dn.xlarge', 'x86_64'], ['m7i-flex.large', 'x86_64'], ['inf2.xlarge', 'x86_64'],
    ['t4g.nano', 'arm64'], ['m7g.large', 'arm64'], ['c6gn.xlarge', 'arm64'], ['x2gd.medium', 'arm64'],
    ['im4gn.large', 'arm64'], ['is4gen.large', 'arm64'], ['g5g.xlarge', 'arm64'], ['a1.medium', 'arm64'],
  ])('%s is %s', (type, arch) => expect(architectureOf(type)).toBe(arch));
});

describe('SsmVpcEndpoints', () => {
  const props = { vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-1a1b2c3d', 'subnet-2a1b2c3d'], vpcCidrs: ['10.0.0.0/16'] };

  it('creates private-DNS interface endpoints for Session Manager, KMS and Logs', () => {
    const stack = synthStack((s) => new SsmVpcEndpoints(s, 'endpoints', props));
    const endpoints = resources(stack, 'aws_vpc_endpoint');
    // ("Reference: ec2messages, ssmmessages, and other API operations") agents from 3.3.40.0 need no ec2messages.
    expect(endpoints.map((e) => e.service_name.split('.').pop()).sort()).toEqual(['kms', 'logs', 'ssm', 'ssmmessages']);
    const legacy = resources(synthStack((s) => new SsmVpcEndpoints(s, 'endpoints', { ...props, legacyMessageEndpoint: true })), 'aws_vpc_endpoint');
    expect(legacy.map((e) => e.service_name.split('.').pop()).sort()).toEqual(['ec2messages', 'kms', 'logs', 'ssm', 'ssmmessages']);
    for (const e of endpoints) {
      expect(e).toMatchObject({ vpc_id: 'vpc-0a1b2c3d', vpc_endpoint_type: 'Interface', private_dns_enabled: true, subnet_ids: props.subnetIds });
      expect(e.service_name).toMatch(/^com\.amazonaws\.\$\{data\.aws_region\.\S+\.id\}\.\w+$/);
    }
  });

  it('admits HTTPS from the VPC only', () => {
    const stack = synthStack((s) => new SsmVpcEndpoints(s, 'endpoints', { ...props, vpcCidrs: ['10.0.0.0/16', '100.64.0.0/16'] }));
    expect(only(stack, 'aws_security_group').ingress).toBeUndefined();
    expect(resources(stack, 'aws_vpc_security_group_ingress_rule').map((r) => [r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4]).sort()).toEqual([
      ['tcp', 443, 443, '10.0.0.0/16'],
      ['tcp', 443, 443, '100.64.0.0/16'],
    ]);
    expect(resources(stack, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  it('adds an S3 gateway endpoint on the given route tables, and can leave out the extra services', () => {
    const stack = synthStack((s) => new SsmVpcEndpoints(s, 'endpoints', { ...props, routeTableIds: ['rtb-0a1b2c3d'], extraServices: [] }));
    const endpoints = resources(stack, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => e.service_name.split('.').pop()).sort()).toEqual(['s3', 'ssm', 'ssmmessages']);
    expect(endpoints.find((e) => e.service_name.endsWith('.s3'))).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-0a1b2c3d'] });
  });
});
