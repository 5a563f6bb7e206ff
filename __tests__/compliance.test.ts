import { Aspects, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Instance, InstanceConfig } from '@cdktf/provider-aws/lib/instance';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { validateConfig } from '../config/validate';
import { ComplianceChecker, complianceSuppressions, policySize, suppressCompliance } from '../modules/compliance';
import { SessionAccessPolicy } from '../modules/access-policies';
import { DefaultHostManagement } from '../modules/instance-profile';
import { SessionLogging } from '../modules/session-logging';
import { SsmInstance } from '../modules/ssm-instance';
import { createStacks } from '../stacks';
import { rawConfig } from './helpers';

/** A stack with the compliance check, a provider, and session logging unless told otherwise. */
function stackWith(build: (stack: TerraformStack) => void, { logging = true } = {}): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  if (logging) new SessionLogging(stack, 'logging', { bucketName: 'session-logs' });
  Aspects.of(stack).add(new ComplianceChecker());
  build(stack);
  return stack;
}

const synth = (stack: TerraformStack) => () => Testing.synth(stack, true);

const goodInstance: InstanceConfig = {
  ami: 'ami-0123456789abcdef0',
  instanceType: 't3.micro',
  iamInstanceProfile: 'profile',
  associatePublicIpAddress: false,
  metadataOptions: { httpTokens: 'required' },
  tags: { SsmAgentVersion: '3.3.40.0' },
};

describe('the compliance check', () => {
  it('holds every stack of the project to the rules, and passes them', () => {
    const stacks = createStacks(Testing.app(), validateConfig(rawConfig()));
    for (const stack of [stacks.bootstrap, ...stacks.environments]) {
      expect(Aspects.of(stack).all.some((a) => a instanceof ComplianceChecker)).toBe(true);
      expect(synth(stack)).not.toThrow();
    }
  });

  it('passes a compliant instance', () => {
    expect(synth(stackWith((s) => new Instance(s, 'web', goodInstance)))).not.toThrow();
  });

  it.each<[string, InstanceConfig, RegExp]>([
    ['IMDSv1 allowed', { ...goodInstance, metadataOptions: { httpTokens: 'optional' } }, /\[test\/web\] compliance rule EC2_IMDSV2 \(every EC2 instance requires IMDSv2\)/],
    ['a public IP', { ...goodInstance, associatePublicIpAddress: true }, /\[test\/web\] compliance rule EC2_NO_PUBLIC_IP/],
    ['a key pair', { ...goodInstance, keyName: 'ops' }, /\[test\/web\] compliance rule EC2_NO_KEY_PAIR .*key_name is set \(ops\)/],
    ['no instance profile', { ...goodInstance, iamInstanceProfile: undefined }, /\[test\/web\] compliance rule EC2_INSTANCE_PROFILE/],
    ['a pinned image declaring no agent', { ...goodInstance, tags: {} }, /\[test\/web\] compliance rule SSM_AGENT_VERSION .*declares no SSM Agent version/],
    ['a pinned image with an agent that needs ec2messages', { ...goodInstance, tags: { SsmAgentVersion: '3.3.39.9' } },
      /\[test\/web\] compliance rule SSM_AGENT_VERSION .*3\.3\.39\.9 is older than 3\.3\.40\.0/],
  ])('fails an instance with %s, naming path and rule', (_what, config, message) => {
    expect(synth(stackWith((s) => new Instance(s, 'web', config)))).toThrow(message);
  });

  it.each<[string, (s: TerraformStack) => void, RegExp]>([
    ['an inline SSH rule', (s) => new SecurityGroup(s, 'sg', {
      ingress: [{ fromPort: 22, toPort: 22, protocol: 'tcp', cidrBlocks: ['10.0.0.0/8'] }],
    }), /\[test\/sg\] compliance rule NO_SSH_RDP_INGRESS .*admits port 22/],
    ['an RDP ingress rule', (s) => new VpcSecurityGroupIngressRule(s, 'rdp', {
      securityGroupId: 'sg-0123', ipProtocol: 'tcp', fromPort: 3000, toPort: 4000, cidrIpv4: '10.0.0.0/8',
    }), /\[test\/rdp\] compliance rule NO_SSH_RDP_INGRESS .*admits port 3389/],
    ['an all-traffic rule', (s) => new SecurityGroupRule(s, 'all', {
      type: 'ingress', securityGroupId: 'sg-0123', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'],
    }), /\[test\/all\] compliance rule NO_SSH_RDP_INGRESS .*admits port 22/],
    ["the VPC's default group with an SSH rule", (s) => new DefaultSecurityGroup(s, 'default', {
      vpcId: 'vpc-0123', ingress: [{ fromPort: 0, toPort: 65535, protocol: 'tcp', cidrBlocks: ['10.0.0.0/8'] }],
    }), /\[test\/default\] compliance rule NO_SSH_RDP_INGRESS .*admits port 22/],
  ])('fails %s', (_what, build, message) => {
    expect(synth(stackWith(build))).toThrow(message);
  });

  it('lets HTTPS ingress and egress on 22 through', () => {
    expect(synth(stackWith((s) => new VpcSecurityGroupIngressRule(s, 'https', {
      securityGroupId: 'sg-0123', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/8',
    })))).not.toThrow();
  });

  it('fails session preferences that do not encrypt', () => {
    const stack = stackWith((s) => new SsmDocument(s, 'prefs', {
      name: 'SSM-SessionManagerRunShell',
      documentType: 'Session',
      content: JSON.stringify({ inputs: { s3BucketName: 'b', s3EncryptionEnabled: false, cloudWatchLogGroupName: 'g', cloudWatchEncryptionEnabled: true } }),
    }), { logging: false });
    expect(synth(stack)).toThrow(/\[test\/prefs\] compliance rule SESSION_LOGGING_ENCRYPTED .*lack s3EncryptionEnabled, kmsKeyId/);
  });

  it('fails a second preferences document in one region', () => {
    const stack = stackWith((s) => new SessionLogging(s, 'again', { bucketName: 'other-session-logs' }));
    expect(synth(stack)).toThrow(/\[test\] compliance rule SESSION_PREFERENCES_ONCE .*2 SSM-SessionManagerRunShell documents/);
  });

  it('fails instances whose sessions nobody records', () => {
    const stack = stackWith((s) => new Instance(s, 'web', goodInstance), { logging: false });
    expect(synth(stack)).toThrow(/\[test\] compliance rule SESSION_LOGGING_PRESENT/);
  });

  it('fails a managed policy that allows a wildcard action', () => {
    const stack = stackWith((s) => new IamPolicy(s, 'humans', {
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ssm:StartSession', 's3:*'], Resource: '*' }] }),
    }));
    expect(synth(stack)).toThrow(/\[test\/humans\] compliance rule HUMAN_POLICY_NO_WILDCARD_ACTION .*allows s3:\*/);
  });

  const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const trust = policy({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

  it.each<[string, (s: TerraformStack, statement: object) => void, string]>([
    ["a role's inline policy", (s, st) => new IamRolePolicy(s, 'inline', { role: 'ops', policy: policy(st) }), 'test/inline'],
    ["a role's inline policy block", (s, st) => new IamRole(s, 'role', { assumeRolePolicy: trust, inlinePolicy: [{ name: 'ops', policy: policy(st) }] }), 'test/role'],
    ["a permission set's inline policy", (s, st) => new SsoadminPermissionSetInlinePolicy(s, 'set', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef',
      inlinePolicy: policy(st),
    }), 'test/set'],
  ])('fails %s that allows a wildcard action, an action matched by ?, or everything but some actions', (_what, build, path) => {
    const rule = new RegExp(`\\[${path}\\] compliance rule HUMAN_POLICY_NO_WILDCARD_ACTION`);
    const fails = (statement: object) => synth(stackWith((s) => build(s, statement)));
    expect(fails({ Effect: 'Allow', Action: ['ec2:Describe*'], Resource: '*' })).toThrow(new RegExp(`${rule.source} .*allows ec2:Describe\\*`));
    expect(fails({ Effect: 'Allow', Action: 's3:GetObjec?', Resource: '*' })).toThrow(new RegExp(`${rule.source} .*allows s3:GetObjec\\?`));
    expect(fails({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toThrow(new RegExp(`${rule.source} .*allows every action but iam:\\*`));
    // Named actions, and a Deny of everything but some, grant no wildcard.
    expect(fails({ Effect: 'Allow', Action: ['ssm:StartSession'], Resource: '*' })).not.toThrow();
    expect(fails({ Effect: 'Deny', NotAction: ['ssm:StartSession'], Resource: '*' })).not.toThrow();
  });

  it('lets a rule be suppressed per construct with a written reason, and lists the suppression', () => {
    let web!: Instance;
    const stack = stackWith((s) => {
      web = new Instance(s, 'web', { ...goodInstance, keyName: 'legacy' });
      suppressCompliance(web, 'EC2_NO_KEY_PAIR', 'vendor appliance needs its key until migration ticket OPS-123');
    });
    expect(synth(stack)).not.toThrow();
    expect(complianceSuppressions(stack)).toEqual([
      { rule: 'EC2_NO_KEY_PAIR', reason: 'vendor appliance needs its key until migration ticket OPS-123', path: 'test/web' },
    ]);
  });

  it('suppresses one rule only, and refuses suppressions without a reason or rule', () => {
    const stack = stackWith((s) => {
      const web = new Instance(s, 'web', { ...goodInstance, keyName: 'legacy', associatePublicIpAddress: true });
      suppressCompliance(web, 'EC2_NO_KEY_PAIR', 'vendor appliance');
      expect(() => suppressCompliance(web, 'EC2_NO_PUBLIC_IP', '  ')).toThrow(/needs a written reason/);
      expect(() => suppressCompliance(web, 'NO_SUCH_RULE', 'why')).toThrow(/unknown compliance rule/);
    });
    expect(synth(stack)).toThrow(/EC2_NO_PUBLIC_IP/);
  });
});

describe('rules and the resource types they inspect', () => {
  it("gives a rule only the types it names, and every resource to a rule that names none", () => {
    const seen: Record<string, string[]> = { instances: [], all: [] };
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    Aspects.of(stack).add(new ComplianceChecker([
      { id: 'instances', description: 'instances only', resourceTypes: ['aws_instance'], check: ({ type }) => void seen.instances.push(type) },
      { id: 'all', description: 'every resource', check: ({ type }) => void seen.all.push(type) },
    ]));
    new Instance(stack, 'web', goodInstance);
    new SecurityGroup(stack, 'sg', {});
    Testing.synth(stack); // the stack rules would fail it: no session logging here
    expect(seen).toEqual({ instances: ['aws_instance'], all: ['aws_instance', 'aws_security_group'] });
  });
});

describe('Default Host Management and session logging', () => {
  const withDefaultHostManagement = (grant: boolean) => stackWith((s) => {
    const dhm = new DefaultHostManagement(s, 'dhm', { roleName: 'dhm' });
    if (grant) dhm.grantSessionLogging((s.node.findChild('logging') as SessionLogging).grantTarget);
  });

  it('fails a stack whose Default Host Management role cannot record the sessions the preferences ask for', () => {
    expect(synth(withDefaultHostManagement(false))).toThrow(
      /\[test\/dhm\/setting\] compliance rule DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING .*lacks s3:PutObject, logs:PutLogEvents, kms:GenerateDataKey, kms:Decrypt/,
    );
  });

  it('passes it once the role is granted session logging, or with a reason', () => {
    expect(synth(withDefaultHostManagement(true))).not.toThrow();
    const suppressed = stackWith((s) => {
      const dhm = new DefaultHostManagement(s, 'dhm', { roleName: 'dhm' });
      suppressCompliance(dhm, 'DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING', 'no instance in this account lacks a profile');
    });
    expect(synth(suppressed)).not.toThrow();
  });
});

describe('run-as users', () => {
  const withRunAs = (users: string[]) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new SessionLogging(stack, 'logging', { bucketName: 'session-logs', runAsDefaultUser: 'ops' });
    Aspects.of(stack).add(new ComplianceChecker());
    new SsmInstance(stack, 'tools', { name: 'tools', vpcId: 'vpc-0a1b2c3d', subnetId: 'subnet-0a1b2c3d', accessTags: { environment: 'dev' }, osUsers: { users } });
    return stack;
  };

  it('fails an instance that does not create the default run-as user', () => {
    expect(synth(withRunAs([]))).toThrow(/\[test\/tools\/instance\] compliance rule RUN_AS_USERS_PRESENT .*does not create "ops"/);
  });

  it('passes one that does', () => {
    expect(synth(withRunAs(['ops']))).not.toThrow();
  });
});

describe('policy sizes', () => {
  /** A managed policy whose minified document is exactly `size` characters. */
  const policyOfSize = (size: number) => {
    const document = (pad: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${pad}` }] });
    return document('x'.repeat(size - document('').length));
  };

  it('passes a policy at AWS\'s limit and fails one a character over, naming policy, size and limit', () => {
    expect(policySize(policyOfSize(6144))).toBe(6144);
    expect(synth(stackWith((s) => new IamPolicy(s, 'at-limit', { name: 'p', policy: policyOfSize(6144) })))).not.toThrow();
    expect(synth(stackWith((s) => new IamPolicy(s, 'over', { name: 'p', policy: policyOfSize(6145) })))).toThrow(
      /\[test\/over\] compliance rule POLICY_SIZE \(every policy is within AWS's size limit\): the managed policy is 6145 characters, over AWS's limit of 6144/,
    );
  });

  it('counts white space the way AWS does not, and references as the longest value they can take', () => {
    expect(policySize('{ "Version": "2012-10-17",\n  "Statement": [] }')).toBe('{"Version":"2012-10-17","Statement":[]}'.length);
    expect(policySize('"${data.aws_caller_identity.x.account_id}"')).toBe(14);
    expect(policySize('"${aws_kms_key.k.arn}"')).toBe(130);
    // KMS API Reference: key ids are 36 characters, `1234abcd-12ab-34cd-56ef-1234567890ab` or `mrk-1234abcd12ab34cd56ef1234567890ab`.
    expect(policySize('"${aws_kms_key.session-key_1A2B.key_id}"')).toBe('"1234abcd-12ab-34cd-56ef-1234567890ab"'.length);
    expect(policySize('"${aws_kms_key.session-key_1A2B.key_id}"')).toBe('"mrk-1234abcd12ab34cd56ef1234567890ab"'.length);
  });
});

describe('unrecorded SSH in prod', () => {
  const withSsh = (environment: string, reason?: string) => stackWith((s) => {
    const policy = new SessionAccessPolicy(s, 'access', {
      policyName: 'ops', instanceTags: { Environment: [environment] }, documents: ['SSM-SessionManagerRunShell', 'AWS-StartSSHSession'], roleNames: ['ops'],
    });
    if (reason) suppressCompliance(policy, 'NO_UNRECORDED_SSH_IN_PROD', reason);
  });

  it('fails a policy that allows SSH on prod instances, unless suppressed with a reason', () => {
    expect(synth(withSsh('prod'))).toThrow(/\[test\/access\/policy\] compliance rule NO_UNRECORDED_SSH_IN_PROD .*allows AWS-StartSSHSession on instances tagged Environment=prod/);
    expect(synth(withSsh('prod', 'scp of build artefacts, approved by security'))).not.toThrow();
    expect(synth(withSsh('dev'))).not.toThrow();
  });
});
