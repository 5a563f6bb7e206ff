/**
 * CloudTrail's records of API calls, as EventBridge delivers them, modelled on AWS's documents:
 * - "CloudTrail record contents for management, data, and network activity events" (CloudTrail User
 *   Guide): eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
 *   userAgent, requestParameters, responseElements (null when the call failed), errorCode and
 *   errorMessage (only when it failed: `AccessDenied` for a refused call), requestID, eventID,
 *   readOnly, resources, eventType `AwsApiCall`, managementEvent, recipientAccountId, eventCategory
 *   (`Management` or `Data`).
 * - "CloudTrail userIdentity element": an IAM user (`IAMUser`, arn `...:user/<name>`), a role session
 *   (`AssumedRole`, arn `arn:aws:sts::<account>:assumed-role/<role>/<session>`, `sessionContext.sessionIssuer`
 *   with the role's ARN, path included, and its name as `userName`), the root user (`Root`), and a
 *   principal of another account (`AWSAccount`, with no arn).
 * - "Events from AWS services" and "AWS CloudTrail events" (EventBridge): CloudTrail's records reach
 *   EventBridge with detail-type `AWS API Call via CloudTrail`, source `aws.<service>`, the record as
 *   `detail`.
 * - The request parameters of each call are the API's own request fields, camel-cased, as the
 *   services' CloudTrail examples show them ("ScheduleKeyDeletion" in the AWS KMS Developer Guide:
 *   `keyId`, `pendingWindowInDays`, and the key in `resources`; S3's "CloudTrail log file entries":
 *   `bucketName`, `Host`, the sub-resource as an empty parameter).
 */

export type UserIdentity = Record<string, unknown>;

export function iamUser(account: string, name: string): UserIdentity {
  return { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: name };
}

/** A session of a role; `path` as the role has it (Identity Center's permission sets live under one). */
export function roleSession(account: string, role: string, session: string, path = '/'): UserIdentity {
  return {
    type: 'AssumedRole',
    principalId: `AROAIDPPEZS35WEXAMPLE:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAIDPPEZS35WEXAMPLE', arn: `arn:aws:iam::${account}:role${path}${role}`, accountId: account, userName: role },
      attributes: { mfaAuthenticated: 'false', creationDate: '2026-11-25T09:00:00Z' },
    },
  };
}

/** An IAM Identity Center user in a permission set's role ("IAM Identity Center identities in AWS CloudTrail"). */
export function identityCenterSession(account: string, permissionSet: string, email: string, region = 'eu-west-1'): UserIdentity {
  return roleSession(account, `AWSReservedSSO_${permissionSet}_0a1b2c3d4e5f6789`, email, `/aws-reserved/sso.amazonaws.com/${region}/`);
}

export function rootUser(account: string): UserIdentity {
  return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: 'ASIAIOSFODNN7EXAMPLE' };
}

/** A principal of another account calling a resource of this one: no arn in this account's record. */
export function otherAccount(account: string): UserIdentity {
  return { type: 'AWSAccount', principalId: 'AIDAJ45Q7YFFAREXAMPLE', accountId: account };
}

export interface ApiCall {
  readonly service: 'ssm' | 'logs' | 's3' | 'kms' | 'events' | 'sns' | 'cloudtrail' | 'iam' | 'ec2' | 'ec2-instance-connect' | 'sts' | 'identitystore' | 'sso' | 'autoscaling' | 'imagebuilder';
  readonly eventName: string;
  readonly requestParameters: Record<string, unknown> | null;
  readonly resources?: readonly { ARN: string; type: string }[];
  /** S3 object calls are data events. */
  readonly data?: boolean;
  readonly readOnly?: boolean;
}

/** The EventBridge event of a call by `caller` in `account`/`region`, allowed, or denied with `AccessDenied`. */
export function cloudTrailEvent(call: ApiCall, caller: UserIdentity, { account, region, denied = false }: { account: string; region: string; denied?: boolean }): Record<string, unknown> {
  const source = call.service === 'events' ? 'events' : call.service;
  const detail = {
    eventVersion: '1.09',
    userIdentity: caller,
    eventTime: '2026-11-25T10:00:00Z',
    eventSource: `${source}.amazonaws.com`,
    eventName: call.eventName,
    awsRegion: region,
    sourceIPAddress: '192.0.2.0',
    userAgent: 'aws-cli/2.22.0',
    requestParameters: call.requestParameters,
    responseElements: null,
    ...(denied ? { errorCode: 'AccessDenied', errorMessage: `User: ${String(caller.arn ?? caller.principalId)} is not authorized to perform: ${call.service}:${call.eventName} with an explicit deny` } : {}),
    requestID: 'ee408f36-ea01-422b-ac14-b0f147c68334',
    eventID: '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
    readOnly: call.readOnly ?? false,
    ...(call.resources ? { resources: call.resources.map((r) => ({ accountId: account, ...r })) } : {}),
    eventType: 'AwsApiCall',
    managementEvent: !call.data,
    recipientAccountId: account,
    eventCategory: call.data ? 'Data' : 'Management',
  };
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${source}`,
    account,
    time: '2026-11-25T10:00:00Z',
    region,
    resources: [],
    detail,
  };
}

/** What each watched call names the resource by, from the call's API request fields. */
export interface Named {
  readonly document: string;
  readonly logGroup: string;
  readonly logGroupArn: string;
  readonly bucket: string;
  readonly keyArn: string;
  readonly keyAlias: string;
  readonly ruleName: string;
  readonly topicArn: string;
  readonly trailName: string;
}

/** Every call that changes a watched resource, each with the request parameters its API takes. */
export function watchedCalls(n: Named): Record<string, ApiCall[]> {
  const keyId = n.keyArn.split('/').pop()!;
  const key = [{ ARN: n.keyArn, type: 'AWS::KMS::Key' }];
  const bucket = (eventName: string, subresource: string): ApiCall => ({ service: 's3', eventName, requestParameters: { bucketName: n.bucket, Host: `${n.bucket}.s3.eu-west-1.amazonaws.com`, [subresource]: '' } });
  const object = (eventName: string, extra: Record<string, unknown> = {}): ApiCall => ({
    service: 's3', eventName, data: true,
    requestParameters: { bucketName: n.bucket, Host: `${n.bucket}.s3.eu-west-1.amazonaws.com`, key: 'sessions/alice-0a1b2c3d4e5f67890.log', ...extra },
    resources: [{ ARN: `arn:aws:s3:::${n.bucket}/sessions/alice-0a1b2c3d4e5f67890.log`, type: 'AWS::S3::Object' }, { ARN: `arn:aws:s3:::${n.bucket}`, type: 'AWS::S3::Bucket' }],
  });
  const logs = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'logs', eventName, requestParameters: params });
  return {
    preferences: [
      { service: 'ssm', eventName: 'CreateDocument', requestParameters: { name: n.document, content: '{}', documentType: 'Session', documentFormat: 'JSON' } },
      { service: 'ssm', eventName: 'UpdateDocument', requestParameters: { name: n.document, content: '{}', documentVersion: '$LATEST' } },
      { service: 'ssm', eventName: 'UpdateDocumentDefaultVersion', requestParameters: { name: n.document, documentVersion: '2' } },
      { service: 'ssm', eventName: 'DeleteDocument', requestParameters: { name: n.document } },
    ],
    'log-group': [
      logs('DeleteLogGroup', { logGroupName: n.logGroup }),
      logs('DeleteLogStream', { logGroupName: n.logGroup, logStreamName: 'alice-0a1b2c3d4e5f67890' }),
      logs('PutRetentionPolicy', { logGroupName: n.logGroup, retentionInDays: 1 }),
      logs('DeleteRetentionPolicy', { logGroupName: n.logGroup }),
      logs('AssociateKmsKey', { logGroupName: n.logGroup, kmsKeyId: 'arn:aws:kms:eu-west-1:999999999999:key/00000000-1111-4222-8333-444444444444' }),
      logs('DisassociateKmsKey', { logGroupName: n.logGroup }),
      logs('PutSubscriptionFilter', { logGroupName: n.logGroup, filterName: 'copy', filterPattern: '', destinationArn: 'arn:aws:logs:eu-west-1:999999999999:destination:elsewhere' }),
      logs('DeleteSubscriptionFilter', { logGroupName: n.logGroup, filterName: 'copy' }),
      logs('PutDataProtectionPolicy', { logGroupIdentifier: n.logGroupArn, policyDocument: '{}' }),
      logs('DeleteDataProtectionPolicy', { logGroupIdentifier: n.logGroup }),
      logs('PutTransformer', { logGroupIdentifier: n.logGroup, transformerConfig: [] }),
      logs('DeleteTransformer', { logGroupIdentifier: n.logGroupArn }),
      logs('PutLogGroupDeletionProtection', { logGroupIdentifier: n.logGroup, deletionProtectionEnabled: false }),
    ],
    'log-bucket': [
      bucket('DeleteBucket', 'bucket'), bucket('PutBucketPolicy', 'policy'), bucket('DeleteBucketPolicy', 'policy'),
      bucket('PutBucketEncryption', 'encryption'), bucket('DeleteBucketEncryption', 'encryption'), bucket('PutBucketVersioning', 'versioning'),
      bucket('PutBucketLifecycle', 'lifecycle'), bucket('DeleteBucketLifecycle', 'lifecycle'), bucket('PutObjectLockConfiguration', 'object-lock'),
      bucket('PutBucketPublicAccessBlock', 'publicAccessBlock'), bucket('DeleteBucketPublicAccessBlock', 'publicAccessBlock'),
      bucket('PutBucketOwnershipControls', 'ownershipControls'), bucket('DeleteBucketOwnershipControls', 'ownershipControls'),
      bucket('PutBucketLogging', 'logging'), bucket('PutBucketAcl', 'acl'), bucket('PutBucketRequestPayment', 'requestPayment'),
    ],
    'log-objects': [
      object('DeleteObject'), object('DeleteObject', { versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }),
      { ...object('DeleteObjects'), requestParameters: { bucketName: n.bucket, Host: `${n.bucket}.s3.eu-west-1.amazonaws.com`, delete: '' } },
      object('PutObjectRetention', { retention: '' }), object('PutObjectLegalHold', { 'legal-hold': '' }),
      object('AbortMultipartUpload', { uploadId: 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA' }), object('UpdateObjectEncryption'),
    ],
    key: [
      { service: 'kms', eventName: 'DisableKey', requestParameters: { keyId }, resources: key },
      { service: 'kms', eventName: 'ScheduleKeyDeletion', requestParameters: { keyId, pendingWindowInDays: 7 }, resources: key },
      { service: 'kms', eventName: 'PutKeyPolicy', requestParameters: { keyId: n.keyArn, policyName: 'default', policy: '{}', bypassPolicyLockoutSafetyCheck: false }, resources: key },
      { service: 'kms', eventName: 'DisableKeyRotation', requestParameters: { keyId }, resources: key },
      { service: 'kms', eventName: 'TagResource', requestParameters: { keyId, tags: [{ tagKey: 'ssm-session-kit:audit-trail', tagValue: 'false' }] }, resources: key },
      { service: 'kms', eventName: 'UntagResource', requestParameters: { keyId, tagKeys: ['ssm-session-kit:audit-trail'] }, resources: key },
      { service: 'kms', eventName: 'CreateAlias', requestParameters: { aliasName: 'alias/borrowed', targetKeyId: keyId } },
      { service: 'kms', eventName: 'UpdateAlias', requestParameters: { aliasName: n.keyAlias, targetKeyId: '00000000-1111-4222-8333-444444444444' } },
      { service: 'kms', eventName: 'DeleteAlias', requestParameters: { aliasName: n.keyAlias } },
    ],
    alerting: [
      { service: 'events', eventName: 'DeleteRule', requestParameters: { name: n.ruleName } },
      { service: 'events', eventName: 'DisableRule', requestParameters: { name: n.ruleName } },
      { service: 'events', eventName: 'PutRule', requestParameters: { name: n.ruleName, eventPattern: '{"source":["aws.nothing"]}', state: 'ENABLED' } },
      { service: 'events', eventName: 'PutTargets', requestParameters: { rule: n.ruleName, targets: [{ id: 'elsewhere', arn: 'arn:aws:sns:eu-west-1:999999999999:elsewhere' }] } },
      { service: 'events', eventName: 'RemoveTargets', requestParameters: { rule: n.ruleName, ids: ['alerts-topic'] } },
      { service: 'sns', eventName: 'DeleteTopic', requestParameters: { topicArn: n.topicArn } },
      { service: 'sns', eventName: 'SetTopicAttributes', requestParameters: { topicArn: n.topicArn, attributeName: 'Policy', attributeValue: '{}' } },
      { service: 'sns', eventName: 'AddPermission', requestParameters: { topicArn: n.topicArn, label: 'x', aWSAccountId: ['999999999999'], actionName: ['Publish'] } },
      { service: 'sns', eventName: 'RemovePermission', requestParameters: { topicArn: n.topicArn, label: 'x' } },
      { service: 'sns', eventName: 'PutDataProtectionPolicy', requestParameters: { resourceArn: n.topicArn, dataProtectionPolicy: '{}' } },
      { service: 'sns', eventName: 'Unsubscribe', requestParameters: { subscriptionArn: `${n.topicArn}:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d` } },
      { service: 'sns', eventName: 'SetSubscriptionAttributes', requestParameters: { subscriptionArn: `${n.topicArn}:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`, attributeName: 'FilterPolicy', attributeValue: '{"nothing":["x"]}' } },
      { service: 'cloudtrail', eventName: 'StopLogging', requestParameters: { name: n.trailName } },
      { service: 'cloudtrail', eventName: 'DeleteTrail', requestParameters: { name: n.trailName } },
      { service: 'cloudtrail', eventName: 'UpdateTrail', requestParameters: { name: n.trailName, s3BucketName: 'elsewhere' } },
      { service: 'cloudtrail', eventName: 'PutEventSelectors', requestParameters: { trailName: n.trailName, eventSelectors: [] } },
      { service: 'cloudtrail', eventName: 'PutInsightSelectors', requestParameters: { trailName: n.trailName, insightSelectors: [] } },
      { service: 'cloudtrail', eventName: 'PutEventConfiguration', requestParameters: { trailName: n.trailName, maxEventSize: 'Standard' } },
    ],
  };
}

/** A session being opened ("StartSession", Systems Manager API Reference: Target, DocumentName, Reason). */
export function startSession(target: string, document = 'SSM-SessionManagerRunShell'): ApiCall {
  return { service: 'ssm', eventName: 'StartSession', requestParameters: { target, documentName: document } };
}

/** What the recording path's calls name: the roles and profile by name, an instance, the tag keys. */
export interface NamedRecordingPath {
  readonly instanceRole: string;
  readonly dhmRole: string;
  readonly instanceProfile: string;
  readonly instanceId: string;
  readonly tagKey: string;
}

/**
 * Every move against the recording path, by the rule that should see it, each with its API's request
 * fields camel-cased as CloudTrail records them: IAM's ("IAM API Reference": RoleName, PolicyName,
 * PolicyArn, PermissionsBoundary, InstanceProfileName), EC2's ("Amazon EC2 API Reference":
 * AssociateIamInstanceProfile's InstanceId and IamInstanceProfile.Name, ReplaceIamInstanceProfileAssociation's
 * AssociationId, CreateTags' ResourceId.N and Tag.N; lists recorded as `...Set.items`, as the EC2 example
 * of "CloudTrail log file examples" shows `instancesSet.items`), Systems Manager's ("UpdateServiceSetting":
 * SettingId, an id or an ARN; "SendCommand": InstanceIds, DocumentName), CloudWatch Logs' ("PutAccountPolicy":
 * PolicyName, PolicyType, Scope), EC2 Instance Connect's (the OpenTunnel record of "Log connections
 * established over EC2 Instance Connect Endpoint"). IAM's records arrive in us-east-1 ("Why does my
 * EventBridge rule for IAM events only trigger in the us-east-1 Region?", AWS re:Post).
 */
export function recordingPathCalls(n: NamedRecordingPath): Record<'recording-roles' | 'recording-path' | 'ways-in', ApiCall[]> {
  const iam = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'iam', eventName, requestParameters: params });
  const ec2 = (eventName: string, params: Record<string, unknown> | null): ApiCall => ({ service: 'ec2', eventName, requestParameters: params });
  const ssm = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'ssm', eventName, requestParameters: params });
  const eic = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'ec2-instance-connect', eventName, requestParameters: params });
  const denyAll = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:PutObject","logs:PutLogEvents"],"Resource":"*"}]}';
  const tags = { resourcesSet: { items: [{ resourceId: n.instanceId }] }, tagSet: { items: [{ key: n.tagKey, value: 'elsewhere' }] } };
  return {
    'recording-roles': [
      iam('PutRolePolicy', { roleName: n.instanceRole, policyName: 'no-logging', policyDocument: denyAll }),
      iam('DeleteRolePolicy', { roleName: n.instanceRole, policyName: 'session-logging' }),
      iam('AttachRolePolicy', { roleName: n.dhmRole, policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' }),
      iam('DetachRolePolicy', { roleName: n.instanceRole, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }),
      iam('PutRolePermissionsBoundary', { roleName: n.instanceRole, permissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll' }),
      iam('DeleteRolePermissionsBoundary', { roleName: n.dhmRole }),
      iam('UpdateAssumeRolePolicy', { roleName: n.instanceRole, policyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
      iam('DeleteRole', { roleName: n.dhmRole }),
      iam('RemoveRoleFromInstanceProfile', { instanceProfileName: n.instanceProfile, roleName: n.instanceRole }),
      iam('AddRoleToInstanceProfile', { instanceProfileName: n.instanceProfile, roleName: 'no-logging' }),
      iam('DeleteInstanceProfile', { instanceProfileName: n.instanceProfile }),
    ],
    'recording-path': [
      ec2('AssociateIamInstanceProfile', { instanceId: n.instanceId, iamInstanceProfile: { name: 'no-logging' } }),
      ec2('ReplaceIamInstanceProfileAssociation', { associationId: 'iip-assoc-060bae234aac2e7fa', iamInstanceProfile: { name: 'no-logging' } }),
      ec2('DisassociateIamInstanceProfile', { associationId: 'iip-assoc-060bae234aac2e7fa' }),
      ec2('DeleteTags', tags),
      ec2('CreateTags', tags),
      ssm('UpdateServiceSetting', { settingId: '/ssm/managed-instance/default-ec2-instance-management-role', settingValue: 'service-role/no-logging' }),
      ssm('ResetServiceSetting', { settingId: 'arn:aws:ssm:eu-west-1:111111111111:servicesetting/ssm/managed-instance/default-ec2-instance-management-role' }),
      { service: 'logs', eventName: 'PutAccountPolicy', requestParameters: { policyName: 'elsewhere', policyType: 'SUBSCRIPTION_FILTER_POLICY', policyDocument: '{}', scope: 'ALL' } },
      { service: 'logs', eventName: 'DeleteAccountPolicy', requestParameters: { policyName: 'protect', policyType: 'DATA_PROTECTION_POLICY' } },
    ],
    'ways-in': [
      ssm('SendCommand', { instanceIds: [n.instanceId], documentName: 'AWS-RunShellScript', parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS' }),
      ssm('CreateAssociation', { name: 'AWS-RunShellScript', targets: [{ key: 'InstanceIds', values: [n.instanceId] }] }),
      ssm('CreateAssociationBatch', { entries: [{ name: 'AWS-RunShellScript', instanceId: n.instanceId }] }),
      ssm('UpdateAssociation', { associationId: '8dfe3659-4309-493a-8755-0123456789ab', name: 'AWS-RunShellScript' }),
      ssm('StartAutomationExecution', { documentName: 'AWS-RunShellScriptOnInstances', parameters: { InstanceId: [n.instanceId] } }),
      ec2('ModifyInstanceAttribute', { instanceId: n.instanceId, userData: { value: '<sensitiveDataRemoved>' } }),
      ec2('ModifyInstanceMetadataOptions', { instanceId: n.instanceId, httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' }),
      ec2('CreateReplaceRootVolumeTask', { instanceId: n.instanceId, snapshotId: 'snap-0123456789abcdef0' }),
      ec2('AttachVolume', { volumeId: 'vol-0123456789abcdef0', instanceId: n.instanceId, device: '/dev/sdf' }),
      ec2('DetachVolume', { volumeId: 'vol-0123456789abcdef0', instanceId: n.instanceId }),
      ec2('EnableSerialConsoleAccess', null),
      eic('SendSSHPublicKey', { instanceId: n.instanceId, instanceOSUser: 'ec2-user', sSHPublicKey: 'ssh-ed25519 AAAA' }),
      eic('SendSerialConsoleSSHPublicKey', { instanceId: n.instanceId, serialPort: 0, sSHPublicKey: 'ssh-ed25519 AAAA' }),
      eic('OpenTunnel', { instanceConnectEndpointId: 'eice-0123456789abcdef0', maxTunnelDuration: '3600', remotePort: '22', privateIpAddress: '10.0.1.10' }),
    ],
  };
}

/**
 * Every move of taking the pipeline over, as CloudTrail records it: IAM's calls on a role of the trust
 * chain by name ("IAM API Reference": CreateRole's RoleName, AssumeRolePolicyDocument and
 * PermissionsBoundary; UpdateAssumeRolePolicy's RoleName and PolicyDocument; AttachRolePolicy's RoleName
 * and PolicyArn; PutRolePolicy's RoleName, PolicyName and PolicyDocument), arriving in us-east-1, and
 * STS's AssumeRole by ARN ("AWS STS API Reference", AssumeRole: RoleArn, RoleSessionName; a read-only
 * event, "Logging IAM and AWS STS API calls with AWS CloudTrail"), in the region of the endpoint called.
 */
export function trustChainCalls(account: string, roleName: string): { iam: ApiCall[]; sts: ApiCall[] } {
  const iam = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'iam', eventName, requestParameters: { roleName, ...params } });
  const trustMe = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::' + account + ':role/Administrators"},"Action":"sts:AssumeRole"}]}';
  return {
    iam: [
      iam('UpdateAssumeRolePolicy', { policyDocument: trustMe }),
      iam('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      iam('PutRolePolicy', { policyName: 'more', policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }),
      iam('CreateRole', { assumeRolePolicyDocument: trustMe, permissionsBoundary: `arn:aws:iam::${account}:policy/any` }),
      iam('DeleteRole', {}),
    ],
    sts: [{ service: 'sts', eventName: 'AssumeRole', readOnly: true, requestParameters: { roleArn: `arn:aws:iam::${account}:role/${roleName}`, roleSessionName: 'alice' } }],
  };
}
