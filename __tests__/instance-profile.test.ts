import { DefaultHostManagement, InstanceProfile } from '../modules/instance-profile';
import { only, policyStatements, synthStack } from './helpers';

describe('InstanceProfile', () => {
  it('wraps a role, with an optional name and path', () => {
    const defaults = only(synthStack((s) => new InstanceProfile(s, 'p', { roleName: 'r' })), 'aws_iam_instance_profile');
    expect(defaults).toMatchObject({ role: 'r', path: '/' });
    expect(defaults.name).toBeUndefined();
    const named = only(synthStack((s) => new InstanceProfile(s, 'p', { roleName: 'r', profileName: 'app', path: '/ssm/' })), 'aws_iam_instance_profile');
    expect(named).toMatchObject({ role: 'r', name: 'app', path: '/ssm/' });
  });
});

describe('DefaultHostManagement', () => {
  const stack = synthStack((s) => new DefaultHostManagement(s, 'dhmc', { roleName: 'dhmc-role' }));

  it('creates a role Systems Manager assumes, with the default EC2 instance policy', () => {
    expect(only(stack, 'aws_iam_role')).toMatchObject({ name: 'dhmc-role', path: '/service-role/' });
    const [[trust]] = policyStatements(stack, 'aws_iam_role', 'assume_role_policy');
    expect(trust).toMatchObject({ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toMatch(/^\$\{data\.aws_caller_identity\.\S+\.account_id\}$/);
    expect(only(stack, 'aws_iam_role_policy_attachment').policy_arn).toMatch(/:iam::aws:policy\/AmazonSSMManagedEC2InstanceDefaultPolicy$/);
  });

  it('takes a path and a permissions boundary', () => {
    const custom = synthStack((s) => new DefaultHostManagement(s, 'dhmc', {
      path: '/ssm/', permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary',
    }));
    expect(only(custom, 'aws_iam_role')).toMatchObject({ path: '/ssm/', permissions_boundary: 'arn:aws:iam::111111111111:policy/boundary' });
    expect(only(custom, 'aws_ssm_service_setting').setting_value).toMatch(/^ssm\/\$\{aws_iam_role\.\S+\.name\}$/);
  });

  it('points the default-ec2-instance-management-role setting at it', () => {
    const setting = only(stack, 'aws_ssm_service_setting');
    expect(setting.setting_id).toMatch(/^arn:\$\{.+\}:ssm:\$\{.+\}:\$\{.+\}:servicesetting\/ssm\/managed-instance\/default-ec2-instance-management-role$/);
    expect(setting.setting_value).toMatch(/^service-role\/\$\{aws_iam_role\.\S+\.name\}$/);
  });
});
