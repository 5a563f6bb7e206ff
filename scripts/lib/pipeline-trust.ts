import { partitionOf } from '../../config/aws-rules';
import type { PolicyJson } from './iam-decide';

/**
 * The trust policies of a stack's pipeline roles, which a platform team creates by hand (README, step 1):
 * GitHub's OpenID Connect tokens only, from one repository, and for the deploy role only from the
 * protected branch, in the stack's reviewed environments, through the reusable workflow that plans and
 * applies. The claims are the keys IAM takes from GitHub's tokens ("Actions, resources, and condition keys
 * for AWS Security Token Service", AssumeRoleWithWebIdentity: token.actions.githubusercontent.com:ref,
 * :environment, :repository, :job_workflow_ref); the audience is checked by IAM against the provider's
 * client ids (sts.amazonaws.com), which the guardrails keep anyone from widening.
 */

/** The reusable workflow the deploy and plan jobs run in. */
export const PIPELINE_WORKFLOW = '.github/workflows/terraform-stacks.yml';

export interface PipelineTrustProps {
  /** The stack, also the name of its GitHub environments (`<stack>`, `<stack>-deploy-plan`, `<stack>-plan`). */
  readonly stack: string;
  readonly accountId: string;
  readonly region: string;
  /** `owner/repository` on GitHub. */
  readonly repository: string;
  /** The protected branch the deploy role serves. @default 'main' */
  readonly branch?: string;
}

const CLAIM = 'token.actions.githubusercontent.com';

/** The deploy role's and the plan role's trust policies. */
export function pipelineTrustPolicies(props: PipelineTrustProps): { deployRole: PolicyJson; planRole: PolicyJson } {
  const ref = `refs/heads/${props.branch ?? 'main'}`;
  const provider = `arn:${partitionOf(props.region)}:iam::${props.accountId}:oidc-provider/${CLAIM}`;
  const trust = (Sid: string, condition: Record<string, string | string[]>): PolicyJson => ({
    Version: '2012-10-17',
    Statement: [{ Sid, Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: condition } }],
  });
  return {
    deployRole: trust('GitHubProtectedBranchReviewedEnvironments', {
      [`${CLAIM}:repository`]: props.repository,
      [`${CLAIM}:ref`]: ref,
      [`${CLAIM}:environment`]: [props.stack, `${props.stack}-deploy-plan`],
      [`${CLAIM}:job_workflow_ref`]: `${props.repository}/${PIPELINE_WORKFLOW}@${ref}`,
    }),
    // Pull requests plan from any branch: the plan role reads, and writes nothing.
    planRole: trust('GitHubPlansOfAnyBranch', {
      [`${CLAIM}:repository`]: props.repository,
      [`${CLAIM}:environment`]: `${props.stack}-plan`,
    }),
  };
}
