/**
 * Every action on the audit trail's resources (the preferences document, the log group, the log bucket
 * and its objects, the key) that writes, tags or manages permissions, from the Service Authorization
 * Reference, sorted into the ones that switch the trail off (denied) and the ones that cannot (with the
 * reason). A test walks the reference's lists and fails on any action in neither.
 */

/** What switching the audit trail off takes; every one of these is denied. */
export const PROTECTED_ACTIONS = {
  preferences: ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:DeleteDocument'],
  logGroup: [
    'logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
    'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:PutDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy',
    'logs:PutSubscriptionFilter', 'logs:DeleteSubscriptionFilter', 'logs:PutTransformer', 'logs:DeleteTransformer',
    'logs:PutLogGroupDeletionProtection',
  ],
  logObjects: [
    's3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold',
    's3:AbortMultipartUpload', 's3:UpdateObjectEncryption',
    // A replication rule of another bucket, whose role writes here by these, not by PutObject: new
    // versions, delete markers that hide the objects from a listing ("Setting up permissions for live
    // replication"), past every rule a bucket policy puts on PutObject.
    's3:ReplicateObject', 's3:ReplicateDelete', 's3:ObjectOwnerOverrideToBucketOwner',
  ],
  logBucket: [
    's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutBucketVersioning',
    's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketPublicAccessBlock',
    's3:PutBucketOwnershipControls', 's3:PutBucketLogging', 's3:PutBucketAcl', 's3:PutBucketRequestPayment',
  ],
  key: [
    'kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation', 'kms:TagResource', 'kms:UntagResource',
    'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
  ],
} as const;

/**
 * What switching the alarm on the audit trail off takes (`SessionAlerts`): its rules, its topic, the
 * trail it reads. The alert topic's key is protected as the session key is (`PROTECTED_ACTIONS.key`).
 */
export const ALERTING_ACTIONS = {
  rules: ['events:DeleteRule', 'events:DisableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets'],
  // A subscription's filter policy (SetSubscriptionAttributes) can drop every alert as surely as Unsubscribe.
  topic: [
    'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:PutDataProtectionPolicy',
    'sns:Unsubscribe', 'sns:SetSubscriptionAttributes',
  ],
  trail: [
    'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors',
    'cloudtrail:PutEventConfiguration',
  ],
} as const;

/**
 * The recording path: what the agent records with (the instance and Default Host Management roles, the
 * instance profile, its association with the environment's instances, the setting that lends the DHM role)
 * and the account-wide log policies that reach every log group. A session goes on when its upload fails,
 * so changing any of these stops the recording as surely as deleting the trail.
 */
export const RECORDING_PATH_ACTIONS = {
  roles: [
    'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole',
  ],
  /** Passing a recording role hands its credentials to whatever receives it. */
  passRole: ['iam:PassRole'],
  instanceProfiles: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
  associations: ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation', 'ec2:DisassociateIamInstanceProfile'],
  serviceSetting: ['ssm:UpdateServiceSetting', 'ssm:ResetServiceSetting'],
  // No resource type: transformers, subscription filters and data protection for every log group at once.
  accountLogPolicies: ['logs:PutAccountPolicy', 'logs:DeleteAccountPolicy'],
  /** Retagging an instance out of the environment would take it out of every tag-scoped deny. */
  instanceTags: ['ec2:CreateTags', 'ec2:DeleteTags'],
} as const;

/**
 * Every way to run something on an instance but a session: Run Command, State Manager, user data,
 * the instance's disks, EC2 Instance Connect and the serial console. Denied on the environment's
 * instances to all but the pipeline and a break-glass group that states why.
 */
export const OTHER_WAYS_IN = {
  instances: [
    'ssm:SendCommand',
    'ec2:ModifyInstanceAttribute', 'ec2:ModifyInstanceMetadataOptions', 'ec2:CreateReplaceRootVolumeTask', 'ec2:AttachVolume', 'ec2:DetachVolume',
    'ec2-instance-connect:SendSSHPublicKey', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey',
    // A copy of the instance reads its disks, or its screen, without a session.
    'ec2:CreateImage', 'ec2:CreateSnapshots', 'ec2:CreateInstanceExportTask', 'ec2:GetConsoleOutput', 'ec2:GetConsoleScreenshot',
  ],
  account: [
    // Neither names an instance: the console is switched on per account, a tunnel opens to an address.
    'ec2:EnableSerialConsoleAccess', 'ec2-instance-connect:OpenTunnel',
    // Commands run on instances chosen by tag, so no instance is in the request: State Manager's
    // associations, and maintenance window tasks, which Systems Manager's service-linked role runs when
    // the task names no role of its own ("MaintenanceWindowTask", ServiceRoleArn), out of any SCP's reach.
    'ssm:CreateAssociation', 'ssm:CreateAssociationBatch', 'ssm:UpdateAssociation', 'ssm:RegisterTaskWithMaintenanceWindow', 'ssm:UpdateMaintenanceWindowTask',
  ],
  /**
   * Machines of anyone's into the environment, tagged as its own by a service: an activation's tags
   * reach every node it registers ("CreateActivation", Tags); Image Builder's service-linked role
   * launches build instances tagged as its infrastructure configuration says, and writes launch
   * template versions as its distribution configuration says ("CreateInfrastructureConfiguration",
   * resourceTags; "LaunchTemplateConfiguration").
   */
  machines: [
    'ssm:CreateActivation',
    'imagebuilder:CreateInfrastructureConfiguration', 'imagebuilder:UpdateInfrastructureConfiguration',
    'imagebuilder:CreateDistributionConfiguration', 'imagebuilder:UpdateDistributionConfiguration',
  ],
} as const;

/**
 * The way out the agent records through ("Improve the security of EC2 instances by using VPC endpoints
 * for Systems Manager"): its VPC endpoints, whose policy could refuse only the uploads, their security
 * group, and the routes of the S3 gateway endpoint. A session goes on when its upload fails.
 */
export const RECORDING_NETWORK_ACTIONS = {
  endpoints: ['ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints'],
  /** An instance's interfaces: another security group on them cuts the uploads alone. */
  instances: ['ec2:ModifyNetworkInterfaceAttribute'],
  /** The instances' subnets: another route table or network ACL cuts the uploads alone. */
  subnets: ['ec2:AssociateRouteTable', 'ec2:ReplaceRouteTableAssociation', 'ec2:DisassociateRouteTable', 'ec2:ReplaceNetworkAclAssociation'],
  securityGroups: [
    'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress',
    'ec2:ModifySecurityGroupRules', 'ec2:DeleteSecurityGroup',
  ],
  routes: ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute', 'ec2:DeleteRouteTable', 'ec2:ReplaceRouteTableAssociation', 'ec2:DisassociateRouteTable'],
} as const;

/**
 * Reading the transcripts CloudWatch Logs keeps ("Actions, resources, and condition keys for Amazon
 * CloudWatch Logs": the Read actions on a log group or stream, the export, the unmasking): refused where a
 * central archive holds the one readable copy.
 */
export const TRANSCRIPT_READ_ACTIONS = [
  'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:StartLiveTail', 'logs:GetLogRecord', 'logs:GetQueryResults', 'logs:Unmask',
  // Copies out of the group, and what carries its events elsewhere: anomalies keep sample events, metric
  // filters dimensions of their fields.
  'logs:CreateExportTask', 'logs:IntegrateWithDataset', 'logs:IntegrateWithS3Table', 'logs:ProcessWithPipeline', 'logs:CreateLogAnomalyDetector',
  'logs:PutMetricFilter',
] as const;

/**
 * Where EventBridge delivers: the default event bus's policy (a Deny there drops the events the us-east-1
 * forwarder puts) and its encryption ("Permissions for Amazon EventBridge event buses"). A bus's policy
 * changes by actions with no resource type ("Actions, resources, and condition keys for Amazon
 * EventBridge"): refused on every bus of the account, or not at all.
 */
export const EVENT_BUS_ACTIONS = {
  bus: ['events:UpdateEventBus'],
  policy: ['events:PutPermission', 'events:RemovePermission'],
} as const;

/**
 * The trust chain: what makes a principal the pipeline (or another exception of the guardrails) or
 * changes what it may do. A role of the chain is never created, deleted, re-trusted, re-policied,
 * re-bounded or assumed inside the accounts but by the chain itself; the identity provider the
 * pipeline's roles trust is never replaced or widened. (Its tags and session length decide nothing:
 * no policy keys off them.)
 */
export const TRUST_CHAIN_ACTIONS = {
  roles: [
    'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy',
    'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
  ],
  /** Rewriting a managed policy changes what every role it is attached to may do. */
  policies: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'],
  /** Becoming the role, from inside the accounts (the pipeline's web identity and the management account are not principals of them). */
  assume: ['sts:AssumeRole'],
  identityProvider: [
    'iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint',
    'iam:AddClientIDToOpenIDConnectProvider', 'iam:RemoveClientIDFromOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider', 'iam:UntagOpenIDConnectProvider',
  ],
} as const;

/**
 * `TRUST_CHAIN_ACTIONS.identityProvider` as one action pattern, which the policies carry to stay within
 * IAM's size: it matches those and two reads of the provider (a test walks the reference).
 */
export const IDENTITY_PROVIDER_CHANGES = 'iam:*OpenIDConnectProvider*';

/**
 * What an IAM Identity Center administrator changes of the access the project gives ("Actions, resources,
 * and condition keys for AWS IAM Identity Center"): a permission set's policies, boundary and
 * assignments, and the attributes for access control, one of which names the OS user a session runs as.
 */
export const IDENTITY_CENTER_ACTIONS = {
  permissionSets: [
    'sso:UpdatePermissionSet', 'sso:DeletePermissionSet', 'sso:ProvisionPermissionSet', 'sso:PutInlinePolicyToPermissionSet',
    'sso:DeleteInlinePolicyFromPermissionSet', 'sso:AttachManagedPolicyToPermissionSet', 'sso:DetachManagedPolicyFromPermissionSet',
    'sso:AttachCustomerManagedPolicyReferenceToPermissionSet', 'sso:DetachCustomerManagedPolicyReferenceFromPermissionSet',
    'sso:PutPermissionsBoundaryToPermissionSet', 'sso:DeletePermissionsBoundaryFromPermissionSet', 'sso:CreateAccountAssignment',
    'sso:DeleteAccountAssignment', 'sso:TagResource', 'sso:UntagResource',
  ],
  attributes: [
    'sso:CreateInstanceAccessControlAttributeConfiguration', 'sso:UpdateInstanceAccessControlAttributeConfiguration',
    'sso:DeleteInstanceAccessControlAttributeConfiguration',
  ],
} as const;

/**
 * A Terraform state bucket's history: what a rewritten state could no longer be compared with, or
 * recovered from. (Its configuration is protected as the log bucket's, `PROTECTED_ACTIONS.logBucket`.)
 */
export const STATE_HISTORY_ACTIONS = ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold'] as const;

/** A Terraform state bucket's configuration: the log bucket's, and its replication, which would copy every state out. */
export const STATE_BUCKET_ACTIONS = [...PROTECTED_ACTIONS.logBucket, 's3:PutReplicationConfiguration'] as const;

/**
 * What freezes the CloudFormation stack that holds the approval policies (a stack policy refusing
 * updates, a delete that retains the documents unmanaged): then nobody, the pipeline included, revokes
 * an approval.
 */
export const APPROVAL_STACK_ACTIONS = [
  // Without a change set of one's own, none to execute; cancelling the pipeline's update or tagging changes no policy.
  'cloudformation:DeleteStack', 'cloudformation:UpdateStack', 'cloudformation:SetStackPolicy', 'cloudformation:CreateChangeSet',
  'cloudformation:UpdateTerminationProtection', 'cloudformation:RollbackStack',
] as const;

/** What detaches or rewrites the organization's service control policy, in the management account. */
export const ORGANIZATION_POLICY_ACTIONS = [
  'organizations:DetachPolicy', 'organizations:UpdatePolicy', 'organizations:DeletePolicy', 'organizations:TagResource', 'organizations:UntagResource',
] as const;

/** What switching just-in-time access off, or its identity provider over, takes in Quick Setup: the configuration manager that enables it. */
export const QUICK_SETUP_ACTIONS = [
  'ssm-quicksetup:UpdateConfigurationDefinition', 'ssm-quicksetup:UpdateConfigurationManager', 'ssm-quicksetup:DeleteConfigurationManager',
  'ssm-quicksetup:TagResource', 'ssm-quicksetup:UntagResource',
] as const;

/**
 * What changes what a fleet launches or runs: its Auto Scaling group (template, version, size, tags,
 * instances) and its launch template's versions. The group's service-linked role launches and tags its
 * instances, and no SCP or identity policy reaches it ("SCPs do not affect any service-linked role"):
 * these calls, the caller's, are where a change is refused.
 */
export const FLEET_ACTIONS = {
  /**
   * Every action on the environment's groups: their template, version, size, tags, instances and
   * refreshes; by their names where the trail gives them (the access policies reach their instances by
   * those names), else by their tag. Reads name no group, so no read is refused.
   */
  groups: ['autoscaling:*'],
  /** Every action on the environment's launch templates (tagged): a new version, another default, every tag. */
  templates: ['ec2:*LaunchTemplate*', 'ec2:CreateTags', 'ec2:DeleteTags'],
  /** Creating one tagged into the environment (with an access tag key): refused as tagging an instance is. */
  taggingIn: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags', 'ec2:CreateLaunchTemplate'],
} as const;

/** The Systems Manager service setting that lends instances the Default Host Management role. */
export const DEFAULT_HOST_MANAGEMENT_SETTING = '/ssm/managed-instance/default-ec2-instance-management-role';

const TAGS = 'nothing in the guardrails keys off this resource\'s tags';
const ACCESS_KEYS_ONLY = 'refused for the keys that grant access or pick the OS user (KeepAccessTags, KeepRunAsTags); other keys decide nothing';
const COPIES = 'reads or copies what was recorded; changes nothing recorded';
const RUNS_OTHER_DOCUMENTS = 'runs other documents, not the session preferences; what they run on the instances goes through Run Command, refused on them';
// Automation and maintenance windows call Run Command as the role they run as: refused on the instances under the SCP and the boundary.
const RUNS_AS_ANOTHER_ROLE = 'runs tasks whose Run Command calls, made as the role the task runs as, are refused on the instances (SCP, boundary)';
const REPORTS = 'configures reporting, serving or tiering of the bucket; what is recorded, and how long, stay';
const KEY_USE = 'uses the key; the key and its policy stay';

/** The same reason for several actions. */
function because(reason: string, actions: readonly string[]): Record<string, string> {
  return Object.fromEntries(actions.map((a) => [a, reason]));
}

/**
 * Writes on the recording path's resource types (roles, instance profiles, the instances, the service
 * setting) and writes with no resource type at all in the services involved, that neither stop the
 * recording nor open a way onto the instances, and why.
 */
const RECORDING_PATH_UNPROTECTED: Readonly<Record<string, string>> = {
  'iam:CreateInstanceProfile': 'a new profile is empty; putting a recording role in it takes iam:PassRole, which is denied',
  'iam:UpdateRole': "sets the role's session duration and description; its policies and trust stay",
  'iam:UpdateRoleDescription': 'changes the description only',
  // Not calls of a principal of the accounts: the role's trust policy decides, which only the chain changes.
  ...because("made with a token of an identity provider, not by a principal of the accounts: the role's trust policy decides, and only the chain changes it", [
    'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity',
  ]),
  ...because('sets what a session of a role the caller may already assume carries; who may assume it stays the trust policy\'s', [
    'sts:TagSession', 'sts:SetSourceIdentity', 'sts:SetContext',
  ]),
  ...because("service-linked roles are AWS's own, not the recording roles", ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole']),
  ...because(ACCESS_KEYS_ONLY, ['iam:TagRole', 'iam:UntagRole']),
  ...because(TAGS, ['iam:TagInstanceProfile', 'iam:UntagInstanceProfile']),
  ...because("the agent's own report on its node; nothing recorded changes", [
    'ssm:UpdateInstanceInformation', 'ssm:UpdateInstanceAssociationStatus', 'ssm:PutComplianceItems', 'ssm:PutInventory', 'ssm:DeleteInventory',
    'ssm:UpdateManagedInstancePublicKey',
  ]),
  ...because("hybrid nodes (mi-*) and their credentials; the environment's instances are EC2 instances with their own profile", [
    'ssm:RequestManagedInstanceRoleToken', 'ssm:UpdateManagedInstanceRole', 'ssm:DeregisterManagedInstance', 'ssm:DeleteActivation',
    'ssm:RegisterManagedInstance',
  ]),
  'ssm:StartAccessRequest': 'asks for just-in-time access, which opens sessions the preferences record',
  'ssm:CancelCommand': 'cancels a command; runs none',
  'ssm:CreateMaintenanceWindow': RUNS_AS_ANOTHER_ROLE,
  ...because('operational items, metadata and patch baselines; run nothing on the instances', ['ssm:CreateOpsItem', 'ssm:CreateOpsMetadata', 'ssm:CreatePatchBaseline']),
  ...because('a session\'s own channels, opened for a session StartSession started and the preferences record', [
    'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
  ]),
  ...because("the agent's Run Command messages; which commands reach the instances is SendCommand's to decide, and it is refused on them", [
    'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:SendReply',
  ]),
  'ec2:RunInstances': 'launches another instance, which cannot carry the recording roles (iam:PassRole is denied)',
  'ec2:CreateFleet': 'launches other instances, which cannot carry the recording roles (iam:PassRole is denied)',
  'ec2:ImportInstance': 'imports a virtual machine as another instance',
  ...because('starts, stops or ends the instance; runs nothing on it and changes nothing it records with', [
    'ec2:StartInstances', 'ec2:StopInstances', 'ec2:RebootInstances', 'ec2:TerminateInstances', 'ec2:SendDiagnosticInterrupt',
    'ec2:SendSpotInstanceInterruptions', 'ec2:PauseVolumeIO',
  ]),
  ...because('bundles an instance-store-backed Windows instance; the environment\'s are EBS-backed', ['ec2:BundleInstance', 'ec2:CancelBundleTask']),
  ...because('changes how the instance runs (capacity, placement, CPU, credits, maintenance, monitoring, status checks, DNS names); runs nothing on it', [
    'ec2:ModifyInstanceCapacityReservationAttributes', 'ec2:ModifyInstanceCpuOptions', 'ec2:ModifyInstanceCreditSpecification', 'ec2:ModifyInstanceEventStartTime',
    'ec2:ModifyInstanceMaintenanceOptions', 'ec2:ModifyInstanceNetworkPerformanceOptions', 'ec2:ModifyInstancePlacement', 'ec2:ModifyPrivateDnsNameOptions',
    'ec2:MonitorInstances', 'ec2:UnmonitorInstances', 'ec2:ReportInstanceStatus', 'ec2:AssociateApplicationStatusCheck', 'ec2:DisassociateApplicationStatusCheck',
    'ec2:EnableApplicationStatusCheckSuppression', 'ec2:DisableApplicationStatusCheckSuppression', 'ec2:CreateNetworkInsightsPath',
  ]),
  'ec2:ResetInstanceAttribute': 'resets the kernel, RAM disk or source/destination check only, never the user data',
  ...because('changes how the instance is reached on the network; nothing on it listens (no inbound rule, no key, sshd off)', [
    'ec2:AssociateAddress', 'ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface',
  ]),
  ...because('EC2-Classic, retired', ['ec2:AttachClassicLinkVpc', 'ec2:DetachClassicLinkVpc', 'ec2:MoveAddressToVpc', 'ec2:RestoreAddressToClassic']),
  ...because('Mac and Windows SQL Server instances only', [
    'ec2:CreateMacSystemIntegrityProtectionModificationTask', 'ec2:CreateDelegateMacVolumeOwnershipTask', 'ec2:EnableInstanceSqlHaStandbyDetections',
    'ec2:DisableInstanceSqlHaStandbyDetections',
  ]),
  'ec2:ModifyInstanceMetadataDefaults': "applies to instances launched without metadata options of their own; the environment's instances set theirs",
  'ec2:DisableSerialConsoleAccess': 'turns the serial console off',
  ...because("an account-wide EC2 setting that neither changes the instances' roles, disks or user data nor opens a way onto them", [
    'ec2:InjectApiError', 'ec2:AdvertiseByoipCidr', 'ec2:AssociateIpamByoasn', 'ec2:AssociateTrunkInterface', 'ec2:CancelConversionTask',
    'ec2:CancelReservedInstancesListing', 'ec2:ConfirmProductInstance', 'ec2:CreateDefaultSubnet', 'ec2:CreateDefaultVpc', 'ec2:CreateReservedInstancesListing',
    'ec2:CreateSpotDatafeedSubscription', 'ec2:DeleteSpotDatafeedSubscription', 'ec2:DeleteSubnetCidrReservation', 'ec2:DeprovisionByoipCidr',
    'ec2:DeregisterInstanceEventNotificationAttributes', 'ec2:DisableAllowedImagesSettings', 'ec2:DisableAwsNetworkPerformanceMetricSubscription',
    'ec2:DisableCapacityManager', 'ec2:DisableEbsEncryptionByDefault', 'ec2:DisableImageBlockPublicAccess', 'ec2:DisableIpamOrganizationAdminAccount',
    'ec2:DisableSnapshotBlockPublicAccess', 'ec2:DisassociateIpamByoasn', 'ec2:DisassociateTrunkInterface', 'ec2:EnableAllowedImagesSettings',
    'ec2:EnableAwsNetworkPerformanceMetricSubscription', 'ec2:EnableCapacityManager', 'ec2:EnableEbsEncryptionByDefault', 'ec2:EnableImageBlockPublicAccess',
    'ec2:EnableIpamOrganizationAdminAccount', 'ec2:EnableReachabilityAnalyzerOrganizationSharing', 'ec2:EnableSnapshotBlockPublicAccess',
    'ec2:ExportTransitGatewayRoutes', 'ec2:ModifyAccountVpcEncryptionControl', 'ec2:ModifyAvailabilityZoneGroup', 'ec2:ModifyDefaultCreditSpecification',
    'ec2:ModifyEbsDefaultKmsKeyId', 'ec2:ModifyIdFormat', 'ec2:ModifyIdentityIdFormat', 'ec2:ModifyManagedResourceVisibility',
    'ec2:ModifyVpcBlockPublicAccessOptions', 'ec2:ProvisionByoipCidr', 'ec2:PurchaseReservedInstancesOffering', 'ec2:PurchaseScheduledInstances',
    'ec2:RegisterInstanceEventNotificationAttributes', 'ec2:ReplaceImageCriteriaInAllowedImagesSettings', 'ec2:ResetEbsDefaultKmsKeyId',
    'ec2:RunScheduledInstances', 'ec2:UpdateCapacityManagerMonitoredTagKeys', 'ec2:UpdateCapacityManagerOrganizationsAccess', 'ec2:WithdrawByoipCidr',
  ]),
  ...because('log deliveries, integrations, imports, exports and pipelines read log groups or write to others; recorded events stay', [
    'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:UpdateLogDelivery', 'logs:Link', 'logs:AssociateSourceToS3TableIntegration',
    'logs:DisassociateSourceFromS3TableIntegration', 'logs:PutIntegration', 'logs:DeleteIntegration', 'logs:CancelExportTask', 'logs:CancelImportTask',
    'logs:CreateImportTask', 'logs:PutPipelineRule', 'logs:DeletePipelineRule',
  ]),
  'logs:CallWithBearerToken': 'sends events with a bearer token; adds events, cannot change or remove recorded ones',
  ...because('lets services write into log groups; adds events, cannot change or remove recorded ones', ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy']),
  ...because('field indexes and saved queries serve reading; events stay', ['logs:PutIndexPolicy', 'logs:DeleteIndexPolicy', 'logs:PutQueryDefinition', 'logs:DeleteQueryDefinition']),
  'logs:PutStorageTierPolicy': "sets the account's storage tier for log data; how long each group keeps it is the group's retention, protected",
  's3:CreateJob': "S3 Batch Operations act as the role they are given, which the bucket's policy refuses every protected call",
  's3:PutAccountPublicAccessBlock': "blocks public access account-wide; the bucket's own block is protected",
  ...because(REPORTS, ['s3:PutAccessPointPublicAccessBlock', 's3:PutStorageLensConfiguration', 's3:CreateStorageLensGroup']),
  ...because('creates or manages other keys and key stores; the session key is in KMS\'s own store', [
    'kms:CreateKey', 'kms:CreateCustomKeyStore', 'kms:ConnectCustomKeyStore', 'kms:DisconnectCustomKeyStore', 'kms:DeleteCustomKeyStore', 'kms:UpdateCustomKeyStore',
  ]),
  'kms:GenerateRandom': 'returns random bytes',
  ...because('lets other accounts put events on the bus, or partners send theirs; drops none', ['events:PutPermission', 'events:RemovePermission', 'events:PutPartnerEvents']),
  ...because('mobile push and SMS settings; the alerts go to a topic by email', [
    'sns:CreatePlatformApplication', 'sns:CreatePlatformEndpoint', 'sns:CreateSMSSandboxPhoneNumber', 'sns:DeleteEndpoint', 'sns:DeletePlatformApplication',
    'sns:DeleteSMSSandboxPhoneNumber', 'sns:OptInPhoneNumber', 'sns:SetEndpointAttributes', 'sns:SetPlatformApplicationAttributes', 'sns:SetSMSAttributes',
    'sns:VerifySMSSandboxPhoneNumber',
  ]),
  ...because("who administers the organisation's trails, from its management account; the stack's trail is the account's own", [
    'cloudtrail:RegisterOrganizationDelegatedAdmin', 'cloudtrail:DeregisterOrganizationDelegatedAdmin',
  ]),
  ...because('imports into CloudTrail Lake; the trail goes on logging', ['cloudtrail:StartImport', 'cloudtrail:StopImport']),
  ...because('account settings of IAM and STS that neither record nor open sessions', [
    'iam:CreateAccountAlias', 'iam:DeleteAccountAlias', 'iam:DeleteAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteCloudFrontPublicKey',
    'iam:UpdateCloudFrontPublicKey', 'iam:UploadCloudFrontPublicKey', 'iam:DisableOrganizationsRootCredentialsManagement', 'iam:EnableOrganizationsRootCredentialsManagement',
    'iam:DisableOrganizationsRootSessions', 'iam:EnableOrganizationsRootSessions', 'iam:DisableOutboundWebIdentityFederation', 'iam:EnableOutboundWebIdentityFederation',
    'iam:PutAccountProperties', 'iam:SetSTSRegionalEndpointStatus', 'iam:SetSecurityTokenServicePreferences', 'iam:UpdateAccountEmailAddress', 'iam:UpdateAccountName',
  ]),
};

/** Actions on the trail's resources that cannot switch it off, and why. */
export const UNPROTECTED_ACTIONS: Readonly<Record<string, string>> = {
  ...RECORDING_PATH_UNPROTECTED,
  'ssm:StartSession': 'opens a session, which the preferences record; with a document of its own it is refused (approvedSessionDocumentArns)',
  'ssm:AddTagsToResource': ACCESS_KEYS_ONLY,
  'ssm:RemoveTagsFromResource': ACCESS_KEYS_ONLY,
  'ssm:UpdateDocumentMetadata': 'changes the document\'s review status only, not its content',
  'ssm:ModifyDocumentPermission': 'shares the document with other accounts, who may read it, not change it',
  'ssm:PutResourcePolicy': 'shares the document with other accounts, who may read it, not change it',
  'ssm:DeleteResourcePolicy': 'stops sharing the document',
  'ssm:UpdateAssociationStatus': RUNS_OTHER_DOCUMENTS,
  'ssm:DeleteAssociation': RUNS_OTHER_DOCUMENTS,
  'ssm:StartAutomationExecution': RUNS_AS_ANOTHER_ROLE,
  'ssm:StartChangeRequestExecution': RUNS_AS_ANOTHER_ROLE,
  'ssm:PutCalendar': 'change calendars apply to documents of type ChangeCalendar only',
  'logs:CreateLogGroup': 'the group exists; creating it again fails',
  'logs:CreateLogStream': 'adds a stream beside the recorded ones, which it cannot change',
  'logs:PutLogEvents': 'adds events beside the recorded ones, which it cannot change or remove; the S3 copy is written separately',
  ...because(`${COPIES}; refused where an archive holds the readable copy (TRANSCRIPT_READ_ACTIONS)`, [
    'logs:CreateExportTask', 'logs:IntegrateWithDataset', 'logs:IntegrateWithS3Table', 'logs:ProcessWithPipeline', 'logs:CreateLogAnomalyDetector',
    'logs:PutMetricFilter',
  ]),
  'logs:DeleteMetricFilter': 'derives metrics from events; changes none',
  'logs:PutSyslogConfiguration': 'configures syslog ingestion into groups; the session events are sent by the agent',
  'logs:DeleteSyslogConfiguration': 'configures syslog ingestion into groups; the session events are sent by the agent',
  'logs:PutBearerTokenAuthentication': 'configures another way to send events; cannot change or remove recorded ones',
  'logs:TagLogGroup': TAGS,
  'logs:UntagLogGroup': TAGS,
  'logs:TagResource': TAGS,
  'logs:UntagResource': TAGS,
  's3:CreateBucket': 'the bucket exists; creating it again fails',
  's3:PutObject': 'versioning keeps the recorded version: an overwrite is a new version beside it',
  's3:PutObjectAcl': 'ACLs are off (BucketOwnerEnforced), and the ownership setting is protected',
  's3:PutObjectVersionAcl': 'ACLs are off (BucketOwnerEnforced), and the ownership setting is protected',
  's3:RestoreObject': COPIES,
  's3:InitiateReplication': COPIES,
  's3:PauseReplication': COPIES,
  's3:PutReplicationConfiguration': 'replicates to another bucket; deletions there do not reach this one',
  's3:ReplicateTags': TAGS,
  's3:ReplicateObjectAnnotation': COPIES,
  's3:PutObjectAnnotation': 'annotations are metadata beside the object, not the object',
  's3:PutObjectVersionAnnotation': 'annotations are metadata beside the object, not the object',
  's3:DeleteObjectAnnotation': 'annotations are metadata beside the object, not the object',
  's3:DeleteObjectVersionAnnotation': 'annotations are metadata beside the object, not the object',
  's3:PutObjectTagging': TAGS,
  's3:PutObjectVersionTagging': TAGS,
  's3:DeleteObjectTagging': TAGS,
  's3:DeleteObjectVersionTagging': TAGS,
  's3:PutBucketTagging': TAGS,
  's3:TagResource': TAGS,
  's3:UntagResource': TAGS,
  's3:PutBucketAbac': 'lets tags grant access; the deny statements do not depend on tags',
  's3:PutBucketCORS': REPORTS,
  's3:PutBucketWebsite': REPORTS,
  's3:DeleteBucketWebsite': REPORTS,
  's3:PutBucketNotification': REPORTS,
  's3:PutAccelerateConfiguration': REPORTS,
  's3:PutAnalyticsConfiguration': REPORTS,
  's3:PutMetricsConfiguration': REPORTS,
  's3:PutInventoryConfiguration': REPORTS,
  's3:PutIntelligentTieringConfiguration': 'Intelligent-Tiering moves objects between access tiers; none is deleted',
  's3:CreateBucketMetadataTableConfiguration': REPORTS,
  's3:DeleteBucketMetadataTableConfiguration': REPORTS,
  's3:UpdateBucketMetadataAnnotationTableConfiguration': REPORTS,
  's3:UpdateBucketMetadataInventoryTableConfiguration': REPORTS,
  's3:UpdateBucketMetadataJournalTableConfiguration': REPORTS,
  'kms:CancelKeyDeletion': 'keeps the key',
  'kms:EnableKey': 'keeps the key usable',
  'kms:EnableKeyRotation': 'keeps the key rotating',
  'kms:RotateKeyOnDemand': 'rotation keeps every earlier key material for decryption',
  'kms:UpdateKeyDescription': 'changes the description only',
  'kms:CreateGrant': 'adds a use of the key; nothing of the trail depends on a grant',
  'kms:RetireGrant': 'removes a grant; nothing of the trail depends on one',
  'kms:RevokeGrant': 'removes a grant; nothing of the trail depends on one',
  'kms:ReplicateKey': 'the key is single-Region; only multi-Region keys replicate',
  'events:EnableRule': 'turns an alert rule on',
  'events:TagResource': TAGS,
  'events:UntagResource': TAGS,
  'sns:CreateTopic': 'the topic exists: CreateTopic returns it, and refuses attributes that differ from its own',
  'sns:Publish': 'adds a message beside the alerts; the topic policy lets only EventBridge publish',
  'sns:Subscribe': 'adds a recipient of the alerts; removes none',
  'sns:ConfirmSubscription': 'confirms a recipient of the alerts; removes none',
  'sns:TagResource': TAGS,
  'sns:UntagResource': TAGS,
  'cloudtrail:CreateTrail': 'the trail exists; creating it again fails',
  'cloudtrail:StartLogging': 'keeps the trail logging',
  'cloudtrail:AddTags': TAGS,
  'cloudtrail:RemoveTags': TAGS,
  'kms:UpdatePrimaryRegion': 'the key is single-Region; only multi-Region keys have a primary',
  'kms:SynchronizeMultiRegionKey': 'the key is single-Region; only multi-Region keys synchronize',
  'kms:ImportKeyMaterial': 'the key\'s material is generated by KMS (origin AWS_KMS); none is imported',
  'kms:DeleteImportedKeyMaterial': 'the key\'s material is generated by KMS (origin AWS_KMS); none is imported',
  'kms:Encrypt': KEY_USE,
  'kms:Decrypt': KEY_USE,
  'kms:ReEncryptFrom': KEY_USE,
  'kms:ReEncryptTo': KEY_USE,
  'kms:GenerateDataKey': KEY_USE,
  'kms:GenerateDataKeyWithoutPlaintext': KEY_USE,
  'kms:GenerateDataKeyPair': KEY_USE,
  'kms:GenerateDataKeyPairWithoutPlaintext': KEY_USE,
  'kms:GenerateMac': KEY_USE,
  'kms:VerifyMac': KEY_USE,
  'kms:Sign': KEY_USE,
  'kms:Verify': KEY_USE,
  'kms:DeriveSharedSecret': KEY_USE,
};
