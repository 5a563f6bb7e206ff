/** Just-in-time access's fixed names and limits, free of cdktf: the config and the alert patterns read them. */

/**
 * Names AWS fixes ("Create approval policies for just-in-time node access with Amazon Q", note): one
 * auto-approval policy per account and Region, one deny-access policy per organization.
 */
export const AUTO_APPROVAL_DOCUMENT = 'SSM-JustInTimeAccessAutoApprovalPolicy';
export const DENY_ACCESS_DOCUMENT = 'SSM-JustInTimeAccessDenyAccessOrgPolicy';
/** The document types of approval policies (the deny-access policy is an AutoApprovalPolicy too). */
export const APPROVAL_DOCUMENT_TYPES = ['AutoApprovalPolicy', 'ManualApprovalPolicy'] as const;
/** The role Systems Manager issues access tokens with, which Quick Setup's enablement creates. */
export const ACCESS_TOKEN_ROLE = 'SSM-JustInTimeAccessTokenRole';
/** Just-in-time access's service settings ("AWSQuickSetupManageJITNAResourcesExecutionPolicy": servicesetting/ssm/just-in-time-access/identity-provider). */
export const JUST_IN_TIME_SETTINGS = '/ssm/just-in-time-access/';
/** The tag Systems Manager puts on the automation executions of access requests. */
export const JUST_IN_TIME_MANAGED_TAG = 'SystemsManagerJustInTimeNodeAccessManaged';

/** ("Create a manual approval policy for just-in-time node access") Limits of a manual approval policy. */
export const MANUAL_APPROVAL_LIMITS = { minHours: 1, maxHours: 336, maxLevels: 5, maxApproversPerLevel: 5, maxPolicies: 50 } as const;

/** Who approvers and requesters are, as just-in-time node access's setting names them. */
export const IDENTITY_PROVIDERS = ['SSO', 'IAM'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];

