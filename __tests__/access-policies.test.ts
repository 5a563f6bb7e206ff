import { validateConfig } from '../config/validate';
import { LOCAL_PORT_PATTERN, PortForwardingDocument, SessionAccessPolicy, SessionAccessPolicyProps } from '../modules/access-policies';
import { accessReport } from '../scripts/lib/access-report';
import { configProblems, Json, only, policyStatements, rawConfig, resources, synthStack } from './helpers';

const base: SessionAccessPolicyProps = {
  policyName: 'dev-developers',
  instanceTags: { Environment: ['dev'], Team: ['platform'] },
  roleNames: ['developers'],
};
const build = (props: Partial<SessionAccessPolicyProps> = {}): Json =>
  synthStack((s) => new SessionAccessPolicy(s, 'access', { ...base, ...props }));
const statementsOf = (stack: Json): Json[] => policyStatements(stack, 'aws_iam_policy')[0];
const ARN = (service: string, resource: string) =>
  expect.stringMatching(new RegExp(`^arn:\\$\\{data\\.aws_partition\\.\\S+\\}:${service}:\\$\\{data\\.aws_region\\.\\S+\\}:[^:]*:${resource}$`));

describe('SessionAccessPolicy', () => {
  it('allows exactly the session calls, on tagged instances and the shell document, with MFA', () => {
    const stack = build();
    expect(only(stack, 'aws_iam_policy').name).toBe('dev-developers');
    expect(statementsOf(stack)).toEqual([
      {
        Sid: 'StartSessionOnTaggedInstances',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: ARN('ec2', 'instance/\\*'),
        Condition: {
          StringEquals: { 'ssm:resourceTag/Environment': ['dev'], 'ssm:resourceTag/Team': ['platform'] },
          BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      },
      {
        Sid: 'StartSessionWithAllowedDocuments',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: [ARN('ssm', 'document/SSM-SessionManagerRunShell')],
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
      {
        Sid: 'ResumeAndEndOwnSessions',
        Effect: 'Allow',
        Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
        Resource: ARN('ssm', 'session/\\*'),
        Condition: { StringLike: { 'ssm:resourceTag/aws:ssmmessages:session-id': '$${aws:userid}' } },
      },
      { Sid: 'OpenOwnSessionDataChannel', Effect: 'Allow', Action: 'ssmmessages:OpenDataChannel', Resource: '*' },
      {
        Sid: 'SeeSessionsAndInstances',
        Effect: 'Allow',
        Action: ['ssm:DescribeSessions', 'ssm:GetConnectionStatus', 'ssm:DescribeInstanceProperties', 'ec2:DescribeInstances'],
        Resource: '*',
      },
      // By default no Auto Scaling group's instances, and none of an EC2 Fleet or a Spot Fleet.
      ...[
        ['OnlyOwnFleetsInstances', { 'ssm:resourceTag/aws:autoscaling:groupName': 'false' }],
        ['NoEc2FleetInstances', { 'ssm:resourceTag/aws:ec2:fleet-id': 'false', 'ssm:resourceTag/aws:autoscaling:groupName': 'true' }],
        ['NoSpotFleetInstances', { 'ssm:resourceTag/aws:ec2spot:fleet-request-id': 'false' }],
      ].map(([Sid, Null]) => ({ Sid, Effect: 'Deny', Action: ['ssm:StartSession'], Resource: ARN('ec2', 'instance/\\*'), Condition: { Null } })),
    ]);
  });

  it('attaches the policy to the given roles and groups, creating no role', () => {
    const stack = build({ roleNames: ['a', 'b'], groupNames: ['ops'] });
    expect(resources(stack, 'aws_iam_role_policy_attachment').map((a) => a.role).sort()).toEqual(['a', 'b']);
    expect(only(stack, 'aws_iam_group_policy_attachment').group).toBe('ops');
    expect(resources(stack, 'aws_iam_role')).toEqual([]);
  });

  it('takes opt-in documents, no MFA, the session key and admin termination', () => {
    const statements = statementsOf(build({
      documents: ['SSM-SessionManagerRunShell', 'AWS-StartPortForwardingSession'],
      mfa: 'none',
      sessionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
      canTerminateAnySession: true,
    }));
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.StartSessionOnTaggedInstances.Condition.Bool).toBeUndefined();
    expect(bySid.StartSessionWithAllowedDocuments.Condition).toEqual({ BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } });
    // AWS-owned documents are not in the account.
    expect(bySid.StartSessionWithAllowedDocuments.Resource).toEqual([
      ARN('ssm', 'document/SSM-SessionManagerRunShell'),
      expect.stringMatching(/:ssm:\$\{data\.aws_region\.\S+\}:\*:document\/AWS-StartPortForwardingSession$/),
    ]);
    expect(bySid.EncryptSessions).toEqual({
      Sid: 'EncryptSessions', Effect: 'Allow', Action: 'kms:GenerateDataKey',
      Resource: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
    });
    expect(bySid.EndAnySession).toEqual({ Sid: 'EndAnySession', Effect: 'Allow', Action: 'ssm:TerminateSession', Resource: ARN('ssm', 'session/\\*') });
  });

  it('creates a role trusted by the given principals, tagged with its run-as user', () => {
    const stack = build({
      roleNames: [],
      runAsUser: 'ssm-operator',
      createRole: {
        roleName: 'operators',
        trustedPrincipals: { arns: ['arn:aws:iam::000000000000:root'], services: ['ec2.amazonaws.com'] },
        permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary',
      },
    });
    const role = only(stack, 'aws_iam_role');
    expect(role).toMatchObject({ name: 'operators', tags: { SSMSessionRunAs: 'ssm-operator' }, permissions_boundary: 'arn:aws:iam::111111111111:policy/boundary' });
    // MFA on by default: principals that can give a code must, services cannot and need not.
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: 'TrustedPrincipalsAssumeRole', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::000000000000:root'] }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:RoleSessionName': '$${aws:username}' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
      { Sid: 'TrustedServicesAssumeRole', Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' },
    ]);
    expect(only(stack, 'aws_iam_role_policy_attachment').role).toMatch(/^\$\{aws_iam_role\.\S+\.name\}$/);
  });

  it('bounds the age of the MFA sign-in where IAM enforces MFA, on sessions and on assuming the created role', () => {
    const stack = build({
      mfaMaxAgeSeconds: 3600,
      createRole: { roleName: 'operators', trustedPrincipals: { arns: ['arn:aws:iam::000000000000:root'] } },
    });
    const bySid = Object.fromEntries(statementsOf(stack).map((s) => [s.Sid, s]));
    const age = { 'aws:MultiFactorAuthAge': '3600' };
    expect(bySid.StartSessionOnTaggedInstances.Condition.NumericLessThanEquals).toEqual(age);
    expect(bySid.StartSessionWithAllowedDocuments.Condition).toEqual({
      BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThanEquals: age,
    });
    expect(JSON.parse(only(stack, 'aws_iam_role').assume_role_policy).Statement[0].Condition.NumericLessThanEquals).toEqual(age);
  });

  it.each(['identity-provider', 'none'] as const)('puts no MFA condition anywhere when MFA is %s', (mfa) => {
    const stack = build({ mfa, createRole: { roleName: 'sso', trustedPrincipals: { arns: ['arn:aws:iam::000000000000:root'] } } });
    const policies = [JSON.stringify(statementsOf(stack)), only(stack, 'aws_iam_role').assume_role_policy];
    for (const policy of policies) expect(policy).not.toMatch(/MultiFactorAuth/);
  });

  it('can leave MFA out of the trust policy while sessions still require it', () => {
    const stack = build({
      createRole: { roleName: 'operators', trustedPrincipals: { arns: ['arn:aws:iam::000000000000:root'] }, requireMfaToAssume: false },
    });
    expect(only(stack, 'aws_iam_role').assume_role_policy).not.toMatch(/MultiFactorAuth/);
    expect(JSON.stringify(statementsOf(stack))).toMatch(/"aws:MultiFactorAuthPresent":"true"/);
  });

  it('never allows a wildcard action', () => {
    const statements = statementsOf(build({ canTerminateAnySession: true, sessionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' }));
    for (const action of statements.flatMap((s) => [s.Action].flat())) expect(action).not.toMatch(/\*/);
  });
});

describe('access groups in the config', () => {
  const problemsOf = (mutate: (groups: any) => void) => configProblems((raw) => mutate(raw.environments.dev.accessGroups));

  it('adds the environment tag to every group, so no group reaches another environment', () => {
    const dev = validateConfig(rawConfig()).environments.find((e) => e.name === 'dev')!;
    for (const group of dev.accessGroups) expect(group.instanceTags.Environment).toEqual(['dev']);
    expect(dev.accessGroups.find((g) => g.name === 'developers')).toMatchObject({
      instanceTags: { Environment: ['dev'], AccessGroup: ['developers'] },
      documents: ['SSM-SessionManagerRunShell'],
      mfa: 'identity-provider',
      admin: false,
    });
  });

  it('has IAM enforce MFA unless a group says otherwise, on sessions and on assuming its role', () => {
    const prod = validateConfig(rawConfig()).environments.find((e) => e.name === 'prod')!;
    expect(prod.accessGroups.find((g) => g.name === 'operators')).toMatchObject({ mfa: 'iam', createRole: { requireMfaToAssume: true } });
    expect(prod.accessGroups.find((g) => g.name === 'ci-diagnostics')).toMatchObject({ mfa: 'none', createRole: { requireMfaToAssume: false } });
  });

  it.each<[string, (groups: any) => void, RegExp]>([
    ['a group reaching no instances', (g) => (g.developers.instances = { team: ['nobody'] }),
      /environment "dev", field "accessGroups.developers.instances": reaches no instance of this environment/],
    ['an unknown document name', (g) => (g.operators.documents = ['AWS-RunShellScript']),
      /environment "dev", field "accessGroups.operators.documents\[0\]": is not a session document this project knows/],
    ['a tag key IAM refuses', (g) => (g.developers.instances = { tags: { 'cost center': ['x'] } }),
      /field "accessGroups.developers.instances.tags.cost center": tag key must be 1 to 128 letters/],
    ['a trusted principal that is not an ARN', (g) => (g.operators.createRole.trustedArns = ['alice']),
      /field "accessGroups.operators.createRole.trustedArns\[0\]": must be the ARN of an account root, IAM user or role/],
    ['a trusted service that is not a service', (g) => (g.operators.createRole = { trustedServices: ['lambda'] }),
      /field "accessGroups.operators.createRole.trustedServices\[0\]": must be a service principal/],
    ['a role trusting nobody', (g) => (g.operators.createRole = {}),
      /field "accessGroups.operators.createRole": must trust at least one principal/],
    ['a group given to nobody', (g) => (g.developers.roleNames = []),
      /field "accessGroups.developers": gives its policy to nobody/],
    ['a group name IAM names cannot carry', (g) => (g['Ops Team'] = g.developers),
      /field "accessGroups.Ops Team": group name must be 1 to 32 lower-case/],
    ['a run-as user that is no Linux user', (g) => (g.operators.runAsUser = 'Operator One'),
      /field "accessGroups.operators.runAsUser": must be a Linux user name/],
    ['SSH without an acknowledgment', (g) => (g.operators.documents = ['SSM-SessionManagerRunShell', 'AWS-StartSSHSession']),
      /environment "dev", field "accessGroups.operators.unrecordedSsh": is required with AWS-StartSSHSession: SSH sessions are not recorded/],
    ['an SSH acknowledgment without SSH', (g) => (g.operators.unrecordedSsh = 'vendor tooling'),
      /field "accessGroups.operators.unrecordedSsh": acknowledges SSH, which the group does not use/],
    ['a run-as user where run-as is off', (g) => (g.operators.runAsUser = 'ssm-operator'),
      /environment "dev", field "accessGroups.operators.runAsUser": takes effect only with run-as on: set sessionLogging.runAsDefaultUser/],
    ['the old requireMfa flag', (g) => (g.operators.requireMfa = true),
      /field "accessGroups.operators.requireMfa": is replaced by "mfa": one of "iam", "identity-provider", "none"/],
    ['an MFA enforcement that does not exist', (g) => (g.operators.mfa = 'sso'),
      /field "accessGroups.operators.mfa": must be one of "iam", "identity-provider", "none"/],
    ['an MFA age where IAM does not enforce MFA', (g) => (g.developers.mfaMaxAgeSeconds = 3600),
      /field "accessGroups.developers.mfaMaxAgeSeconds": must be a whole number of seconds, with "mfa": "iam"/],
    ['IAM-enforced MFA for an IAM Identity Center role', (g) => delete g.developers.mfa,
      /environment "dev", field "accessGroups.developers.roleNames\[0\]": is an IAM Identity Center role: its sessions come from AssumeRoleWithSAML.*set "mfa": "identity-provider"/],
    ['IAM-enforced MFA for a created role trusted by an Identity Center role', (g) =>
      (g.operators.createRole.trustedArns = ['arn:aws:iam::000000000000:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Operators_0a1b2c3d4e5f6789']),
    /field "accessGroups.operators.createRole.trustedArns\[0\]": is an IAM Identity Center role/],
    ['IAM-enforced MFA for a created role trusted by another role (role chaining)', (g) =>
      (g.operators.createRole.trustedArns = ['arn:aws:iam::000000000000:role/break-glass']),
    /field "accessGroups.operators.createRole.trustedArns\[0\]": is a role: sessions it assumes \(role chaining\) cannot present an MFA code/],
  ])('rejects %s, naming environment, group and field', (_what, mutate, message) => {
    expect(problemsOf(mutate)).toMatch(message);
  });
});

describe('run-as users in the config', () => {
  it('rejects a run-as user that would not exist on an instance the group reaches', () => {
    expect(configProblems((raw) => (raw.environments.prod.instances[1].manageOsUsers = false))).toMatch(
      /environment "prod", field "accessGroups.operators.runAsUser": "ssm-operator" is not created on instance "prod-db-admin" \(manageOsUsers is false\)/,
    );
    expect(configProblems((raw) => (raw.environments.prod.instances[1].manageOsUsers = false))).toMatch(
      /environment "prod", field "sessionLogging.runAsDefaultUser": "ssm-operator" is not created on instance "prod-db-admin"/,
    );
  });
});

describe('access report', () => {
  const rowOf = (report: string, env: string, group: string): string[] => {
    const section = report.split('\n\n').find((s) => s.startsWith(`${env} (`))!;
    const row = section.split('\n').find((line) => line.trim().startsWith(`${group} `))!;
    return row.trim().split(/\s{2,}/);
  };

  it('shows per environment which group reaches which instances, with which documents, and who enforces MFA', () => {
    const report = accessReport(validateConfig(rawConfig()));
    expect(report).toMatch(/^dev \(account 111111111111, eu-west-1\)\n/);
    expect(rowOf(report, 'staging', 'developers')).toEqual([
      'developers', 'staging-tools', 'SSM-SessionManagerRunShell', 'identity provider', 'standing', 'own sessions', 'role AWSReservedSSO_Developers_staging',
    ]);
    expect(rowOf(report, 'prod', 'operators')).toEqual([
      'operators', 'prod-tools, prod-db-admin',
      'SSM-SessionManagerRunShell, forward to the instance:8080 only (not recorded), forward to db.internal.example:5432 only (not recorded)',
      'IAM', 'standing', 'own sessions', 'new role ssm-session-kit-prod-operators (runs as ssm-operator)',
    ]);
    expect(rowOf(report, 'prod', 'ci-diagnostics')[3]).toBe('no');
    expect(rowOf(report, 'prod', 'break-glass')[5]).toBe('any session');
    expect(rowOf(report, 'staging', 'on-call')[4]).toBe('on request');
  });

  it('marks SSH and port forwarding as not recorded, AWS\'s forwarding documents as any port, and takes each with its acknowledgment', () => {
    const raw = rawConfig();
    const operators = raw.environments.dev.accessGroups.operators;
    operators.documents.push('AWS-StartSSHSession', 'AWS-StartPortForwardingSession');
    operators.unrecordedSsh = 'scp of build artefacts to the tools host';
    operators.unrecordedPortForwarding = 'a vendor tool picks its own ports';
    expect(rowOf(accessReport(validateConfig(raw)), 'dev', 'operators')[2]).toBe(
      'SSM-SessionManagerRunShell, AWS-StartSSHSession (not recorded), AWS-StartPortForwardingSession (not recorded, any port), '
      + 'forward to the instance:8080 only (not recorded), forward to db.internal.example:5432 only (not recorded)',
    );
  });

  it('follows the instance tags: a group sees only the instances it matches', () => {
    const raw = rawConfig();
    raw.environments.prod.accessGroups['ci-diagnostics'].instances = { team: ['data'] };
    expect(rowOf(accessReport(validateConfig(raw)), 'prod', 'ci-diagnostics')[1]).toBe('prod-db-admin');
  });
});

/**
 * What Systems Manager accepts as a session's parameters for a document ("Session document schema";
 * "StartSession", Systems Manager API Reference: Parameters): only parameters the document declares,
 * each value matching the declaration's allowedPattern or among its allowedValues.
 */
function acceptsParameters(content: Json, parameters: Record<string, string[]>): boolean {
  const declared = content.parameters ?? {};
  return Object.entries(parameters).every(([name, values]) => {
    const rule = declared[name];
    if (!rule) return false;
    return values.every((v) => (rule.allowedPattern === undefined || new RegExp(rule.allowedPattern).test(v))
      && (rule.allowedValues === undefined || rule.allowedValues.includes(v)));
  });
}

describe('PortForwardingDocument', () => {
  const forward = (destination: { port: number; host?: string }): Json =>
    only(synthStack((s) => new PortForwardingDocument(s, 'forward', { documentName: 'forward-db', destination })), 'aws_ssm_document');

  it('forwards to the declared port and host only: the engineer picks the local port, nothing else', () => {
    const document = forward({ host: 'db.internal.example', port: 5432 });
    expect(document).toMatchObject({ name: 'forward-db', document_type: 'Session', document_format: 'JSON' });
    const content = JSON.parse(document.content);
    expect(content).toMatchObject({ schemaVersion: '1.0', sessionType: 'Port' });
    expect(content.properties).toEqual({ type: 'LocalPortForwarding', portNumber: '5432', host: 'db.internal.example', localPortNumber: '{{ localPortNumber }}' });
    expect(acceptsParameters(content, { localPortNumber: ['15432'] })).toBe(true);
    expect(acceptsParameters(content, { localPortNumber: ['0'] })).toBe(true);
    // AWS-StartPortForwardingSession's parameters, asked of this document: refused.
    expect(acceptsParameters(content, { portNumber: ['22'], localPortNumber: ['2222'] })).toBe(false);
    expect(acceptsParameters(content, { host: ['10.0.0.1'] })).toBe(false);
    expect(acceptsParameters(content, { localPortNumber: ['65536'] })).toBe(false);
    expect(content.parameters.localPortNumber.allowedPattern).toBe(LOCAL_PORT_PATTERN);
  });

  it('forwards to the instance itself without a host', () => {
    expect(JSON.parse(forward({ port: 8080 }).content).properties).toEqual({ type: 'LocalPortForwarding', portNumber: '8080', localPortNumber: '{{ localPortNumber }}' });
  });

  it.each([
    [{ port: 22 }, /port is SSH's port/],
    [{ port: 0 }, /port must be a whole number from 1 to 65535/],
    [{ port: 70000 }, /port must be a whole number from 1 to 65535/],
    [{ port: 5432, host: 'db internal' }, /host must be a host name or an IPv4 address/],
  ])('refuses %j', (destination, message) => {
    expect(() => forward(destination)).toThrow(message);
  });
});
