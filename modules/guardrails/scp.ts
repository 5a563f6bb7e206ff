import { Construct } from 'constructs';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import type { PolicyStatement } from '../shared/policy-document';
import { packDenies } from './packing';
import { auditTrailDenyStatements, type AuditTrail, RECORDING_ROLE_SERVICES } from './trail';

export interface AuditTrailScpProps {
  readonly trail: AuditTrail;
  readonly name: string;
  /**
   * Roles still allowed to change the audit trail (the deployment pipelines), as ARN patterns; one
   * pattern per role name (`arn:*:iam::*:role/<name>`) covers every account, so the policy does not
   * grow with them.
   */
  readonly exceptPrincipalArns: readonly string[];
  /**
   * The accounts where each excepted pattern is the exception (by pattern): a principal of that name in
   * any other account is refused everything, so an exception is an exact principal, never a name that
   * anyone could take in an account the SCP reaches. Patterns not listed are excepted in every account.
   * @default every account
   */
  readonly exceptPrincipalAccounts?: Readonly<Record<string, readonly string[]>>;
  /** Root, OU or account ids the policy is attached to. */
  readonly targetIds: readonly string[];
}

/** AWS Organizations' limits: a service control policy's characters, and the SCPs a target can take beside FullAWSAccess. */
export const SCP_LIMITS = { characters: 5120, perTarget: 4 } as const;

/** What `scpDocuments` needs of `AuditTrailScpProps`. */
export type ScpDocumentsProps = Omit<AuditTrailScpProps, 'targetIds' | 'name'>;

/**
 * The same protection as AWS Organizations service control policies, for the organization's
 * management account: every principal of the target accounts, administrators included, is denied,
 * except the pipeline roles, which is how the audit settings still change, through reviewed code only.
 * The pipeline roles are protected too (the trail's `trustChain`), and each is the exception only in
 * its own accounts (`exceptPrincipalAccounts`). Statements that do not fit one policy are spread over several, as many as a target takes.
 */
export class AuditTrailScp extends Construct {
  readonly policies: OrganizationsPolicy[];

  constructor(scope: Construct, id: string, props: AuditTrailScpProps) {
    super(scope, id);
    const documents = scpDocuments(props);
    if (documents.length > SCP_LIMITS.perTarget) {
      throw new Error(`the audit-trail SCP needs ${documents.length} policies of ${SCP_LIMITS.characters} characters; a target takes ${SCP_LIMITS.perTarget} beside FullAWSAccess`);
    }
    this.policies = documents.map((document, i) => new OrganizationsPolicy(this, i === 0 ? 'policy' : `policy-${i + 1}`, {
      name: documents.length === 1 ? props.name : `${props.name}-${i + 1}`,
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Nobody but the deployment pipeline switches the Session Manager audit trail off',
      content: JSON.stringify(document),
    }));
    for (const policy of this.policies) {
      props.targetIds.forEach((targetId) => new OrganizationsPolicyAttachment(this, `attach-${policy.node.id}-${targetId}`, { policyId: policy.id, targetId }));
    }
  }

  /** The first policy (most configurations need only one). */
  get policy(): OrganizationsPolicy {
    return this.policies[0];
  }
}

/**
 * The SCP statements as policy documents, each within AWS's size: denies with the same condition merged
 * (`packDenies`: each names the pipelines it excepts once, not once a statement), then greedily packed in order.
 */
export function scpDocuments(props: ScpDocumentsProps): { Version: string; Statement: PolicyStatement[] }[] {
  const notPipeline = { ArnNotLike: { 'aws:PrincipalArn': [...props.exceptPrincipalArns] } };
  const roles = props.trail.recordingPath?.roleArns ?? [];
  const statements: PolicyStatement[] = [
    ...auditTrailDenyStatements(props.trail, notPipeline),
    // The pipeline passes the recording roles too, and to EC2 and Systems Manager only.
    ...(roles.length > 0 ? [{
      Sid: 'PassRecordingRolesToEc2AndSsmOnly', Effect: 'Deny' as const, Action: 'iam:PassRole', Resource: [...roles],
      Condition: { StringNotEquals: { 'iam:PassedToService': [...RECORDING_ROLE_SERVICES] } },
    }] : []),
    ...exceptionsInTheirAccountsOnly(props),
  ];
  const documents: { Version: string; Statement: PolicyStatement[] }[] = [];
  for (const statement of packDenies(statements)) {
    const last = documents[documents.length - 1];
    if (last && JSON.stringify({ ...last, Statement: [...last.Statement, statement] }).length <= SCP_LIMITS.characters) last.Statement.push(statement);
    else documents.push({ Version: '2012-10-17', Statement: [statement] });
  }
  return documents;
}

/**
 * A principal named as an exception, in an account that does not declare it, is refused everything:
 * one statement per set of accounts, so that the policy grows with the accounts, not with the names.
 */
function exceptionsInTheirAccountsOnly({ exceptPrincipalAccounts = {} }: ScpDocumentsProps): PolicyStatement[] {
  const byAccounts = new Map<string, string[]>();
  for (const [pattern, accounts] of Object.entries(exceptPrincipalAccounts)) {
    const key = JSON.stringify([...new Set(accounts)].sort());
    byAccounts.set(key, [...(byAccounts.get(key) ?? []), pattern]);
  }
  return [...byAccounts].map(([accounts, patterns], i) => ({
    Sid: `ExceptionsInTheirAccountsOnly${i > 0 ? i + 1 : ''}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { ArnLike: { 'aws:PrincipalArn': patterns }, StringNotEquals: { 'aws:PrincipalAccount': JSON.parse(accounts) as string[] } },
  }));
}
