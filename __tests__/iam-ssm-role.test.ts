import { IamSsmRole, RUN_COMMAND_AGENT_ACTIONS, SESSION_MANAGER_AGENT_ACTIONS } from '../modules/iam-ssm-role';
import { only, policyStatements, resources, synthStack } from './helpers';

const CORE_POLICY = expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\.partition\}:iam::aws:policy\/AmazonSSMManagedInstanceCore$/);

describe('IamSsmRole', () => {
  it("can serve sessions with only Session Manager's actions instead of the managed policy, and Run Command on request", () => {
    const minimal = synthStack((s) => new IamSsmRole(s, 'role', { corePolicy: 'minimal' }));
    expect(resources(minimal, 'aws_iam_role_policy_attachment')).toEqual([]);
    expect(policyStatements(minimal, 'aws_iam_role_policy')).toEqual([[
      { Sid: 'ServeSessions', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' },
    ]]);
    const withRunCommand = synthStack((s) => new IamSsmRole(s, 'role', { corePolicy: 'minimal', runCommand: true }));
    expect(policyStatements(withRunCommand, 'aws_iam_role_policy')[0][1]).toEqual({
      Sid: 'ServeRunCommand', Effect: 'Allow', Action: [...RUN_COMMAND_AGENT_ACTIONS], Resource: '*',
    });
  });

  it('is assumable by EC2 and carries AmazonSSMManagedInstanceCore through an attachment', () => {
    const stack = synthStack((s) => new IamSsmRole(s, 'role'));
    const role = only(stack, 'aws_iam_role');
    expect(role).toMatchObject({ path: '/', description: expect.any(String) });
    expect(role.name).toBeUndefined();
    expect(role.managed_policy_arns).toBeUndefined();
    expect(role.permissions_boundary).toBeUndefined();
    expect(policyStatements(stack, 'aws_iam_role', 'assume_role_policy')).toEqual([[{
      Sid: 'Ec2AssumesRole',
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    }]]);
    expect(resources(stack, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toEqual([CORE_POLICY]);
  });

  it('takes a name, a path, a permissions boundary and further managed policies', () => {
    const stack = synthStack((s) => new IamSsmRole(s, 'role', {
      roleName: 'app-instances',
      path: '/ssm/',
      description: 'App servers',
      permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary',
      managedPolicyArns: ['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy'],
    }));
    expect(only(stack, 'aws_iam_role')).toMatchObject({
      name: 'app-instances',
      path: '/ssm/',
      description: 'App servers',
      permissions_boundary: 'arn:aws:iam::111111111111:policy/boundary',
    });
    const attached = resources(stack, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(attached).toHaveLength(2);
    expect(attached).toEqual(expect.arrayContaining([CORE_POLICY, 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']));
  });

  it('grants session logging exactly what the agent writes, on the named resources only', () => {
    const stack = synthStack((s) => new IamSsmRole(s, 'role').grantSessionLogging({
      bucketArn: 'arn:aws:s3:::session-logs',
      keyPrefix: 'sessions/dev/',
      logGroupArn: 'arn:aws:logs:eu-west-1:111111111111:log-group:/ssm/sessions/dev',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
    }));
    expect(only(stack, 'aws_iam_role_policy').name).toBe('session-logging');
    expect(policyStatements(stack, 'aws_iam_role_policy')).toEqual([[
      { Sid: 'WriteSessionLogObjects', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::session-logs/sessions/dev/*' },
      { Sid: 'CheckLogBucketEncryption', Effect: 'Allow', Action: 's3:GetEncryptionConfiguration', Resource: 'arn:aws:s3:::session-logs' },
      {
        Sid: 'StreamSessionLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: 'arn:aws:logs:eu-west-1:111111111111:log-group:/ssm/sessions/dev:*',
      },
      {
        Sid: 'CheckLogGroupEncryption',
        Effect: 'Allow',
        Action: 'logs:DescribeLogGroups',
        Resource: expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\}:logs:\$\{data\.aws_region\.\S+\.id\}:\$\{data\.aws_caller_identity\.\S+\.account_id\}:log-group:\*$/),
      },
      {
        Sid: 'UseSessionKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
      },
    ]]);
  });
});
