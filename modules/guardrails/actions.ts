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
    'ssm:SendCommand', 'ssm:CreateAssociation', 'ssm:CreateAssociationBatch', 'ssm:UpdateAssociation',
    'ec2:ModifyInstanceAttribute', 'ec2:ModifyInstanceMetadataOptions', 'ec2:CreateReplaceRootVolumeTask', 'ec2:AttachVolume', 'ec2:DetachVolume',
    'ec2-instance-connect:SendSSHPublicKey', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey',
  ],
  // Neither names an instance: the console is switched on per account, a tunnel opens to an address.
  account: ['ec2:EnableSerialConsoleAccess', 'ec2-instance-connect:OpenTunnel'],
} as const;

/** The Systems Manager service setting that lends instances the Default Host Management role. */
export const DEFAULT_HOST_MANAGEMENT_SETTING = '/ssm/managed-instance/default-ec2-instance-management-role';

const TAGS = 'nothing in the guardrails keys off this resource\'s tags';
const COPIES = 'reads or copies what was recorded; changes nothing recorded';
const RUNS_OTHER_DOCUMENTS = 'runs other documents, not the session preferences; Run Command and Automation are recorded by CloudTrail';
const REPORTS = 'configures reporting, serving or tiering of the bucket; what is recorded, and how long, stay';
const KEY_USE = 'uses the key; the key and its policy stay';

/** Actions on the trail's resources that cannot switch it off, and why. */
export const UNPROTECTED_ACTIONS: Readonly<Record<string, string>> = {
  'ssm:StartSession': 'opens a session, which the preferences record; with a document of its own it is refused (approvedSessionDocumentArns)',
  'ssm:AddTagsToResource': TAGS,
  'ssm:RemoveTagsFromResource': TAGS,
  'ssm:UpdateDocumentMetadata': 'changes the document\'s review status only, not its content',
  'ssm:ModifyDocumentPermission': 'shares the document with other accounts, who may read it, not change it',
  'ssm:PutResourcePolicy': 'shares the document with other accounts, who may read it, not change it',
  'ssm:DeleteResourcePolicy': 'stops sharing the document',
  'ssm:CreateAssociation': RUNS_OTHER_DOCUMENTS,
  'ssm:CreateAssociationBatch': RUNS_OTHER_DOCUMENTS,
  'ssm:UpdateAssociation': RUNS_OTHER_DOCUMENTS,
  'ssm:UpdateAssociationStatus': RUNS_OTHER_DOCUMENTS,
  'ssm:DeleteAssociation': RUNS_OTHER_DOCUMENTS,
  'ssm:SendCommand': RUNS_OTHER_DOCUMENTS,
  'ssm:StartAutomationExecution': RUNS_OTHER_DOCUMENTS,
  'ssm:StartChangeRequestExecution': RUNS_OTHER_DOCUMENTS,
  'ssm:PutCalendar': 'change calendars apply to documents of type ChangeCalendar only',
  'logs:CreateLogGroup': 'the group exists; creating it again fails',
  'logs:CreateLogStream': 'adds a stream beside the recorded ones, which it cannot change',
  'logs:PutLogEvents': 'adds events beside the recorded ones, which it cannot change or remove; the S3 copy is written separately',
  'logs:CreateExportTask': COPIES,
  'logs:IntegrateWithDataset': COPIES,
  'logs:IntegrateWithS3Table': COPIES,
  'logs:ProcessWithPipeline': COPIES,
  'logs:CreateLogAnomalyDetector': 'analyses events; changes none',
  'logs:PutMetricFilter': 'derives metrics from events; changes none',
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
  's3:ObjectOwnerOverrideToBucketOwner': 'replication ownership; the bucket owns every object already',
  's3:RestoreObject': COPIES,
  's3:InitiateReplication': COPIES,
  's3:PauseReplication': COPIES,
  's3:PutReplicationConfiguration': 'replicates to another bucket; deletions there do not reach this one',
  's3:ReplicateObject': COPIES,
  's3:ReplicateDelete': 'applies to replicas in a destination bucket, not to this bucket\'s objects',
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
