import { Construct } from 'constructs';
import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';
import { cedarPolicies, type CedarRule } from './cedar';
import { ACCESS_TOKEN_ROLE, APPROVAL_DOCUMENT_TYPES, AUTO_APPROVAL_DOCUMENT, DENY_ACCESS_DOCUMENT, JUST_IN_TIME_MANAGED_TAG } from './choices';

export * from './cedar';
export * from './choices';

/** Who approves at one level: an Identity Center group (by Identity Store id) or an IAM role (by name). */
export type Approver = { readonly identityCenterGroupId: string } | { readonly iamRoleName: string };

export interface ManualApproval {
  /** The document's name. */
  readonly name: string;
  /** What the policy is for, shown to requesters. */
  readonly description: string;
  /**
   * Node tags the policy targets. AWS reads several tags as alternatives, not all at once, so give the
   * one tag that marks exactly these nodes.
   */
  readonly targetTag: { readonly key: string; readonly values: readonly string[] };
  /** The longest access an approval gives, in hours (1 to 336). */
  readonly hours: number;
  /** Approval levels, in order; each level's approvers (1 to 5; up to 5 levels). One approval a level. */
  readonly levels: readonly (readonly Approver[])[];
}

export interface ApprovalPoliciesProps {
  /** The CloudFormation stack that holds the documents. */
  readonly stackName: string;
  /**
   * Auto-approval rules: the account and Region's one auto-approval policy
   * (`SSM-JustInTimeAccessAutoApprovalPolicy`), a `permit` each; access lasts one hour.
   * @default no auto-approval policy
   */
  readonly autoApproval?: readonly CedarRule[];
  /**
   * Deny-access rules: the organization's one deny-access policy (`SSM-JustInTimeAccessDenyAccessOrgPolicy`),
   * a `forbid` each, created in the management or the delegated administrator account.
   * @default no deny-access policy
   */
  readonly denyAccess?: readonly CedarRule[];
  /** Manual approval policies. @default none */
  readonly manualApprovals?: readonly ManualApproval[];
  /**
   * Approvers that are IAM roles of the account: they receive the approver's policy
   * (`approverStatements`), under this name.
   * @default none
   */
  readonly approverRoles?: { readonly policyName: string; readonly roleNames: readonly string[] };
  /** @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Just-in-time node access's approval policies as SSM documents, in a CloudFormation stack. The AWS
 * provider's `aws_ssm_document` reads every document's sharing with `DescribeDocumentPermission`, which
 * AWS refuses for the approval types (hashicorp/terraform-provider-aws#45569): created, then every
 * plan and destroy fails. CloudFormation's `AWS::SSM::Document` takes them, as AWS's own sample does
 * (aws-samples/cloud-operations-best-practices, just-in-time-cfn-approval-policies.yaml), and Terraform
 * sees the stack: a change to a document is a change to the template.
 */
export class ApprovalPolicies extends Construct {
  readonly stack: CloudformationStack;
  /** The CloudFormation template the stack deploys. */
  readonly template: CloudFormationTemplate;
  /** The approvers' policy, where approvers are IAM roles. */
  readonly approverPolicy?: IamPolicy;

  constructor(scope: Construct, id: string, props: ApprovalPoliciesProps) {
    super(scope, id);
    this.template = approvalPoliciesTemplate(props);
    if (Object.keys(this.template.Resources).length === 0) throw new Error(`${this.node.path}: no approval policy to deploy`);
    this.stack = new CloudformationStack(this, 'stack', {
      name: props.stackName,
      templateBody: JSON.stringify(this.template, null, 2),
      // A failed create leaves nothing half made for the next apply to trip on.
      onFailure: 'DELETE',
      tags: props.tags ? { ...props.tags } : undefined,
    });
    const approvers = props.approverRoles;
    if (approvers && approvers.roleNames.length > 0) {
      this.approverPolicy = new IamPolicy(this, 'approver-policy', {
        name: approvers.policyName,
        description: 'Just-in-time node access: approve or reject access requests',
        policy: new PolicyDocument(approverStatements({ partition: partitionOf(this), region: regionOf(this), accountId: accountIdOf(this) })).toJson(),
      });
      approvers.roleNames.forEach((role, i) => new IamRolePolicyAttachment(this, `approver-${i}`, { role, policyArn: this.approverPolicy!.arn }));
    }
  }
}

export interface CloudFormationTemplate {
  readonly AWSTemplateFormatVersion: '2010-09-09';
  readonly Description: string;
  readonly Resources: Record<string, { readonly Type: 'AWS::SSM::Document'; readonly Properties: Record<string, unknown> }>;
}

/** The template: a document per policy, in the content format of AWS's sample (schema version 0.3). */
export function approvalPoliciesTemplate(props: ApprovalPoliciesProps): CloudFormationTemplate {
  const resources: CloudFormationTemplate['Resources'] = {};
  const cedarDocument = (name: string, description: string, effect: 'permit' | 'forbid', rules: readonly CedarRule[], accessDuration?: number) => ({
    Type: 'AWS::SSM::Document' as const,
    Properties: {
      Name: name,
      DocumentType: 'AutoApprovalPolicy',
      DocumentFormat: 'YAML',
      Content: {
        schemaVersion: '0.3',
        description,
        accessTokenRole: ACCESS_TOKEN_ROLE,
        ...(accessDuration ? { accessDuration } : {}),
        AutoApprovalPolicyDocuments: [{ description, type: 'Cedar', content: cedarPolicies(effect, rules) }],
      },
    },
  });
  // ("Create an auto-approval policy for just-in-time node access") Auto-approved access lasts one hour.
  if (props.autoApproval?.length) resources.AutoApprovalPolicy = cedarDocument(AUTO_APPROVAL_DOCUMENT, 'Requests approved without an approver', 'permit', props.autoApproval, 3600);
  if (props.denyAccess?.length) resources.DenyAccessPolicy = cedarDocument(DENY_ACCESS_DOCUMENT, 'Requests never approved automatically', 'forbid', props.denyAccess);
  (props.manualApprovals ?? []).forEach((policy, i) => {
    resources[`ManualApprovalPolicy${i + 1}`] = {
      Type: 'AWS::SSM::Document',
      Properties: {
        Name: policy.name,
        DocumentType: 'ManualApprovalPolicy',
        DocumentFormat: 'YAML',
        Content: {
          schemaVersion: '0.3',
          description: policy.description,
          accessTokenRole: ACCESS_TOKEN_ROLE,
          accessDuration: policy.hours * 3600,
          targets: [{ Key: `tag:${policy.targetTag.key}`, Values: [...policy.targetTag.values] }],
          // One aws:approve step a level: each level's approvals before the next ("Approval policies").
          mainSteps: policy.levels.map((approvers, level) => ({
            name: `ApprovalLevel${level + 1}`,
            action: 'aws:approve',
            timeoutSeconds: 604800,
            inputs: {
              Message: `${policy.description}: approval level ${level + 1} of ${policy.levels.length}`,
              MinRequiredApprovals: 1,
              EnhancedApprovals: { Approvers: approvers.map(approverEntry) },
            },
          })),
        },
      },
    };
  });
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'Just-in-time node access approval policies (ssm-session-kit)', Resources: resources };
}

function approverEntry(approver: Approver): { approver: string; type: string } {
  return 'identityCenterGroupId' in approver ? { approver: approver.identityCenterGroupId, type: 'SSOGroup' } : { approver: approver.iamRoleName, type: 'IamRole' };
}

/** Where the statements apply. */
export interface JustInTimeScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** What a group's requests go to. */
export interface JustInTimeRequests {
  /**
   * The group's manual approval policy, the one automation its members may start.
   * @default no manual approval: requests are approved automatically or not at all
   */
  readonly manualApprovalDocument?: string;
}

/**
 * What an engineer needs to ask for access and use it ("Setting up just-in-time node access", the
 * user policy): request access to the account's instances, take the token of an approved request,
 * follow and cancel their requests, read the approval policies. No `ssm:StartSession`: whoever keeps
 * it connects past every approval ("Start a just-in-time node access session").
 */
export function requesterStatements({ partition, region, accountId }: JustInTimeScope, requests: JustInTimeRequests = {}): PolicyStatement[] {
  const ssm = (resource: string) => `arn:${partition}:ssm:${region}:${accountId}:${resource}`;
  const manual = requests.manualApprovalDocument;
  return [
    // The Service Authorization Reference: StartAccessRequest on instance or managed-instance, GetAccessToken on the request's OpsItem.
    // Instances only: a hybrid node (mi-*) is anyone's machine, tagged by whoever made its activation.
    { Sid: 'RequestAccess', Effect: 'Allow', Action: 'ssm:StartAccessRequest', Resource: `arn:${partition}:ec2:${region}:${accountId}:instance/*` },
    { Sid: 'TakeApprovedAccess', Effect: 'Allow', Action: ['ssm:GetAccessToken', 'ssm:GetOpsItem'], Resource: ssm('opsitem/*') },
    { Sid: 'FollowRequests', Effect: 'Allow', Action: ['ssm:DescribeOpsItems', 'ssm:ListOpsItemEvents'], Resource: '*' },
    // AWS's user policy allows every ManualApprovalPolicy document (ssm:DocumentType); the group's own is narrower, by name.
    ...(manual ? [{ Sid: 'AskForManualApproval', Effect: 'Allow' as const, Action: 'ssm:StartAutomationExecution', Resource: [ssm('automation-execution/*'), ssm(`document/${manual}`)] }] : []),
    {
      Sid: 'CancelOwnRequests',
      Effect: 'Allow',
      Action: 'ssm:StopAutomationExecution',
      Resource: ssm('automation-execution/*'),
      Condition: { StringEquals: { [`aws:ResourceTag/${JUST_IN_TIME_MANAGED_TAG}`]: 'true' } },
    },
    readApprovalPolicies(ssm),
  ];
}

/**
 * What an approver needs ("Setting up just-in-time node access", the approver policy): see requests,
 * and approve or reject them, which is a signal to the request's automation, only on executions
 * Systems Manager tagged as access requests.
 */
export function approverStatements({ partition, region, accountId }: JustInTimeScope): PolicyStatement[] {
  const ssm = (resource: string) => `arn:${partition}:ssm:${region}:${accountId}:${resource}`;
  return [
    { Sid: 'SeeRequests', Effect: 'Allow', Action: ['ssm:DescribeOpsItems', 'ssm:ListOpsItemEvents'], Resource: '*' },
    { Sid: 'ReadRequests', Effect: 'Allow', Action: 'ssm:GetOpsItem', Resource: ssm('opsitem/*') },
    {
      Sid: 'ApproveOrRejectRequests',
      Effect: 'Allow',
      Action: 'ssm:SendAutomationSignal',
      Resource: ssm('automation-execution/*'),
      Condition: { StringEquals: { [`aws:ResourceTag/${JUST_IN_TIME_MANAGED_TAG}`]: 'true' } },
    },
    readApprovalPolicies(ssm),
  ];
}

function readApprovalPolicies(ssm: (resource: string) => string): PolicyStatement {
  return {
    Sid: 'ReadApprovalPolicies',
    Effect: 'Allow',
    Action: ['ssm:GetDocument', 'ssm:DescribeDocument'],
    Resource: ssm('document/*'),
    Condition: { StringEquals: { 'ssm:DocumentType': [...APPROVAL_DOCUMENT_TYPES] } },
  };
}
export * from './enablement';
