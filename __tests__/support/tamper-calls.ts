import type { ApiCall } from './cloudtrail';

/** What the records of an environment's moves name, as its stack does. */
export interface TamperNames {
  readonly env: string;
  readonly account: string;
  readonly region: string;
  readonly bucket: string;
  readonly keyArn: string;
  readonly routeTableId?: string;
}

/** How a move shows up: its record, where CloudTrail records it, and whether only a refused one alerts. */
export type MoveRecord =
  | { readonly call: ApiCall; readonly where: 'us-east-1' | 'region'; readonly alerts: 'always' | 'refused only'; readonly because?: string }
  | { readonly unalertable: string };

/**
 * The CloudTrail record of each move of the what-stops-whom table (`TAMPERING_MOVES`, by its `what`), each
 * with the request fields its API reference gives, camel-cased as CloudTrail records them ("CloudTrail
 * record contents"): IAM's ("IAM API Reference": RoleName, PolicyArn, PolicyDocument, Tags), Systems
 * Manager's (Name, Content, DocumentType, Target, DocumentName, SettingId, InstanceIds), CloudWatch Logs'
 * (logGroupName, retentionInDays; StartQuery's logGroupName, queryString), S3's (bucketName, key), KMS's
 * (keyId), EventBridge's (Name, EventBusName, Policy), SNS's (TopicArn), CloudTrail's (Name), EC2's
 * (InstanceId, lists as `<name>Set.items`; the newer calls, ModifyVpcEndpoint and the security-group
 * rule calls, under their request's name as "Amazon EC2 API Reference" shapes it), STS's (RoleArn,
 * RoleSessionName). IAM's arrive in us-east-1; STS's from the region's endpoint here.
 */
export function tamperRecords(n: TamperNames): Record<string, MoveRecord> {
  const prefix = `ssm-session-kit-${n.env}`;
  const instanceId = 'i-0123456789abcdef0';
  const iam = (eventName: string, requestParameters: Record<string, unknown>): MoveRecord => ({ call: { service: 'iam', eventName, requestParameters }, where: 'us-east-1', alerts: 'always' });
  const here = (service: ApiCall['service'], eventName: string, requestParameters: Record<string, unknown> | null, extra: Partial<ApiCall> = {}): MoveRecord =>
    ({ call: { service, eventName, requestParameters, ...extra }, where: 'region', alerts: 'always' });
  const denyAll = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
  const keyId = n.keyArn.split('/').pop();
  return {
    'detach the guardrail deny policy': iam('DetachRolePolicy', { roleName: 'Administrators', policyArn: `arn:aws:iam::${n.account}:policy/${prefix}-audit-trail-guardrail` }),
    'rewrite the guardrail deny policy': iam('CreatePolicyVersion', { policyArn: `arn:aws:iam::${n.account}:policy/${prefix}-audit-trail-guardrail`, policyDocument: '{}', setAsDefault: true }),
    "lift a bounded role's boundary": iam('DeleteRolePermissionsBoundary', { roleName: `${prefix}-operators` }),
    'mint a role without the boundary': iam('CreateRole', { roleName: 'escape-hatch', assumeRolePolicyDocument: '{}' }),
    'rewrite the preferences document': here('ssm', 'UpdateDocument', { name: 'SSM-SessionManagerRunShell', content: '{}', documentVersion: '$LATEST' }),
    'shorten the log group retention': here('logs', 'PutRetentionPolicy', { logGroupName: `/ssm-session-kit/${n.env}/sessions`, retentionInDays: 1 }),
    'delete session log objects': {
      call: { service: 's3', eventName: 'DeleteObject', data: true, requestParameters: { bucketName: n.bucket, Host: `${n.bucket}.s3.${n.region}.amazonaws.com`, key: 'sessions/alice-0a1b2c3d.log' } },
      where: 'region', alerts: 'always',
    },
    'expire the logs by lifecycle rule': here('s3', 'PutBucketLifecycle', { bucketName: n.bucket, Host: `${n.bucket}.s3.${n.region}.amazonaws.com`, lifecycle: '' }),
    'rewrite the key policy': here('kms', 'PutKeyPolicy', { keyId, policyName: 'default', policy: '{}' }, { resources: [{ ARN: n.keyArn, type: 'AWS::KMS::Key' }] }),
    'schedule the key for deletion': here('kms', 'ScheduleKeyDeletion', { keyId, pendingWindowInDays: 7 }, { resources: [{ ARN: n.keyArn, type: 'AWS::KMS::Key' }] }),
    'disable an alert rule': here('events', 'DisableRule', { name: `${prefix}-alert-key` }),
    'delete the alert topic': here('sns', 'DeleteTopic', { topicArn: `arn:aws:sns:${n.region}:${n.account}:${prefix}-alerts` }),
    'stop the trail the alerts read': here('cloudtrail', 'StopLogging', { name: `arn:aws:cloudtrail:${n.region}:${n.account}:trail/${prefix}-trail` }),
    'deny the recording in the instance role': iam('PutRolePolicy', { roleName: `${prefix}-instance`, policyName: 'no-logging', policyDocument: denyAll }),
    "swap an instance's profile": here('ec2', 'ReplaceIamInstanceProfileAssociation', { associationId: 'iip-assoc-060bae234aac2e7fa', iamInstanceProfile: { name: 'no-logging' } }),
    'point Default Host Management at another role': here('ssm', 'UpdateServiceSetting', { settingId: '/ssm/managed-instance/default-ec2-instance-management-role', settingValue: 'service-role/no-logging' }),
    'put an account-wide log policy': here('logs', 'PutAccountPolicy', { policyName: 'elsewhere', policyType: 'SUBSCRIPTION_FILTER_POLICY', policyDocument: '{}', scope: 'ALL' }),
    'run a command with Run Command': here('ssm', 'SendCommand', { instanceIds: [instanceId], documentName: 'AWS-RunShellScript', parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS' }),
    "change an instance's user data": here('ec2', 'ModifyInstanceAttribute', { instanceId, userData: { value: '<sensitiveDataRemoved>' } }),
    // ("RegisterTaskWithMaintenanceWindow", "CreateAssociation", "CreateActivation", Systems Manager API Reference;
    // "CreateInfrastructureConfiguration", EC2 Image Builder API Reference): any call alerts.
    'run commands from a maintenance window task': here('ssm', 'RegisterTaskWithMaintenanceWindow', {
      windowId: 'mw-0123456789abcdef0', targets: [{ key: 'WindowTargetIds', values: ['e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE'] }], taskArn: 'AWS-RunShellScript', taskType: 'RUN_COMMAND',
    }),
    'associate a command document with the instances by tag': here('ssm', 'CreateAssociation', {
      name: 'AWS-RunShellScript', targets: [{ key: `tag:Environment`, values: [n.env] }], parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    }),
    'register a machine of their own as a tagged node': here('ssm', 'CreateActivation', {
      iamRole: 'mine', registrationLimit: 1, tags: [{ key: 'AccessGroup', value: 'operators' }],
    }),
    'build an image on an instance tagged into an access group': here('imagebuilder', 'CreateInfrastructureConfiguration', {
      name: 'mine', instanceProfileName: 'mine', terminateInstanceOnFailure: false, resourceTags: { Environment: n.env, AccessGroup: 'operators' },
    }),
    'push an SSH key with EC2 Instance Connect': here('ec2-instance-connect', 'SendSSHPublicKey', { instanceId, instanceOSUser: 'ec2-user', sSHPublicKey: 'ssh-ed25519 AAAA' }),
    'retag an instance out of the environment': here('ec2', 'DeleteTags', { resourcesSet: { items: [{ resourceId: instanceId }] }, tagSet: { items: [{ key: 'Environment' }] } }),
    'open a session in a region that records nothing': {
      unalertable: 'EventBridge sees a call only in the region it is made in, where this environment has no rule; the multi-region trail records it',
    },
    'start a session with an unapproved document': here('ssm', 'StartSession', { target: instanceId, documentName: 'team-shell' }),
    'create a Session document that records nothing': here('ssm', 'CreateDocument', { name: 'no-logging', content: '{}', documentType: 'Session', documentFormat: 'JSON' }),
    // ("CreateDocument", Systems Manager API Reference) DocumentType, as the request names it.
    'write an approval policy that approves oneself': here('ssm', 'CreateDocument', { name: 'my-approvals', content: '{}', documentType: 'ManualApprovalPolicy', documentFormat: 'YAML' }),
    // ("CreateLaunchTemplateVersion", EC2 API Reference; "CreateAutoScalingGroup", Auto Scaling API Reference): refused, they alert.
    "add a version to a fleet's launch template": {
      call: { service: 'ec2', eventName: 'CreateLaunchTemplateVersion', requestParameters: { CreateLaunchTemplateVersionRequest: { LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateData: { UserData: '<sensitiveDataRemoved>' } } } },
      where: 'region', alerts: 'refused only',
    },
    'create an Auto Scaling group tagged into an access group': {
      call: { service: 'autoscaling', eventName: 'CreateAutoScalingGroup', requestParameters: { autoScalingGroupName: 'mine', tags: [{ key: 'AccessGroup', value: 'operators', propagateAtLaunch: true }] } },
      where: 'region', alerts: 'refused only',
    },
    "create an Auto Scaling group of a fleet's name": {
      call: { service: 'autoscaling', eventName: 'CreateAutoScalingGroup', requestParameters: { autoScalingGroupName: `ssm-session-kit-${n.env}-payments`, launchTemplate: { launchTemplateId: 'lt-0123456789abcdef0', version: '$Latest' } } },
      where: 'region', alerts: 'refused only',
    },
    "tag an instance into another group's reach": here('ec2', 'CreateTags', { resourcesSet: { items: [{ resourceId: instanceId }] }, tagSet: { items: [{ key: 'Team', value: 'payments' }] } }),
    'tag a role to run as another OS user': iam('TagRole', { roleName: 'Administrators', tags: [{ key: 'SSMSessionRunAs', value: 'root' }] }),
    'image an instance': here('ec2', 'CreateImage', { instanceId, name: 'copy', noReboot: true }),
    "read an instance's console output": here('ec2', 'GetConsoleOutput', { instanceId }, { readOnly: true }),
    'read the transcripts an archive holds': here('logs', 'StartQuery', { logGroupName: `/ssm-session-kit/${n.env}/sessions`, queryString: 'fields @message', startTime: 0, endTime: 1 }, { readOnly: true }),
    "rewrite an endpoint's policy to refuse uploads": here('ec2', 'ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0123456789abcdef0', PolicyDocument: denyAll } }),
    "open the endpoints' security group": {
      call: { service: 'ec2', eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }] } } },
      where: 'region', alerts: 'refused only',
      because: "the group's id exists only once applied; every principal but the pipeline is refused the change in every delivery, and the refusal alerts",
    },
    'route around the S3 gateway endpoint': here('ec2', 'ReplaceRoute', { routeTableId: n.routeTableId, destinationCidrBlock: '0.0.0.0/0', natGatewayId: 'nat-0123456789abcdef0' }),
    "drop the alerts' events by the bus policy": here('events', 'PutPermission', { eventBusName: 'default', policy: denyAll }),
    're-trust the deploy role to oneself': iam('UpdateAssumeRolePolicy', { roleName: 'ssm-session-kit-deploy', policyDocument: '{}' }),
    'assume the deploy role': here('sts', 'AssumeRole', { roleArn: `arn:aws:iam::${n.account}:role/ssm-session-kit-deploy`, roleSessionName: 'mallory' }, { readOnly: true }),
    're-trust OrganizationAccountAccessRole to oneself': iam('UpdateAssumeRolePolicy', { roleName: 'OrganizationAccountAccessRole', policyDocument: '{}' }),
  };
}
