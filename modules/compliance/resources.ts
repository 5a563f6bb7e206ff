/**
 * Resources as Terraform receives them, read by the compliance rules: their policies, sizes as AWS
 * counts them, ingress rules, the session preferences and the users an instance's user data creates.
 */
import { SESSION_PREFERENCES_DOCUMENT } from '../session-logging/names';

/** The preferences document the rules look for, by name. */
export const PREFERENCES_DOCUMENT = SESSION_PREFERENCES_DOCUMENT;

/** A resource's arguments, as synthesized. */
export type ResourceConfig = Record<string, any>;

/** A resource as Terraform will receive it, with its type. */
export interface CheckedResource {
  readonly type: string;
  readonly config: ResourceConfig;
}

/** The statements of a policy document given as JSON text; none for anything else. */
export function statementsOf(policy: unknown): ResourceConfig[] {
  if (typeof policy !== 'string') return [];
  try {
    return [JSON.parse(policy)?.Statement ?? []].flat().filter((st) => typeof st === 'object' && st !== null);
  } catch {
    return [];
  }
}

/**
 * The identity policies a resource grants, managed or inline: a role's inline policies are its own
 * resources or blocks of the role, an Identity Center permission set's its inline policy.
 */
export function identityPoliciesOf({ type, config }: CheckedResource): unknown[] {
  if (type === 'aws_ssoadmin_permission_set_inline_policy') return [config.inline_policy];
  if (type === 'aws_iam_role') return [config.inline_policy ?? []].flat().map((p: ResourceConfig) => p?.policy);
  return [config.policy];
}

export function ingressCoversPort(rule: ResourceConfig, port: number): boolean {
  const protocol = String(rule.ip_protocol ?? rule.protocol ?? '');
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  return Number(rule.from_port) <= port && port <= Number(rule.to_port);
}

/**
 * AWS's size limits for the policies a stack writes, in characters ("IAM and AWS STS quotas": IAM does
 * not count white space; "Quotas for AWS Organizations": an SCP's 5,120 count it; S3 bucket policies
 * 20 KB; KMS key policies 32 KB). Inline role policies are limited together, per role (checked per stack).
 */
export const POLICY_SIZE_LIMITS: Readonly<Record<string, { readonly attribute: string; readonly limit: number; readonly what: string }>> = {
  aws_organizations_policy: { attribute: 'content', limit: 5120, what: 'service control policy' },
  aws_iam_policy: { attribute: 'policy', limit: 6144, what: 'managed policy' },
  aws_iam_role: { attribute: 'assume_role_policy', limit: 2048, what: 'role trust policy' },
  aws_iam_user_policy: { attribute: 'policy', limit: 2048, what: 'user inline policies' },
  aws_iam_group_policy: { attribute: 'policy', limit: 5120, what: 'group inline policies' },
  aws_s3_bucket_policy: { attribute: 'policy', limit: 20480, what: 'bucket policy' },
  aws_kms_key: { attribute: 'policy', limit: 32768, what: 'key policy' },
};
export const ROLE_INLINE_POLICIES_LIMIT = 10240;

/**
 * A policy's size as AWS counts it: minified (IAM ignores white space; ours is written minified, as
 * Organizations counts it). A Terraform reference counts as the longest value it can resolve to: an
 * account id 12, a partition 10, a region 14, a KMS key id 36 (`1234abcd-12ab-34cd-56ef-1234567890ab`, or
 * `mrk-` and 32 hex digits for a multi-Region key: the KMS API Reference's key ids), an ARN 128, anything
 * else its own length.
 */
export function policySize(policy: string): number {
  let text = policy;
  try {
    text = JSON.stringify(JSON.parse(policy));
  } catch {
    // Not JSON yet (a reference alone): measured as written.
  }
  return text.replace(/\$\{[^}]*\}/g, (ref) => {
    if (ref.endsWith('.account_id}')) return 'x'.repeat(12);
    if (ref.endsWith('.partition}')) return 'x'.repeat(10);
    if (/^\$\{aws_kms_key\.[^.]+\.key_id\}$/.test(ref)) return 'x'.repeat(36);
    if (/^\$\{data\.aws_region\./.test(ref)) return 'x'.repeat(14);
    if (ref.endsWith('.arn}')) return 'x'.repeat(Math.max(128, ref.length));
    return ref;
  }).length;
}

/** The inputs of a Session document's content. */
export function inputsOf(document: ResourceConfig): Record<string, unknown> {
  try {
    return JSON.parse(document.content).inputs ?? {};
  } catch {
    return {};
  }
}

/** The users a `#cloud-config` user data creates (a JSON document, as `renderCloudConfig` writes it). */
export function cloudConfigUsers(userData: unknown): string[] {
  const text = typeof userData === 'string' ? userData : '';
  if (!text.startsWith('#cloud-config\n')) return [];
  try {
    const users = (JSON.parse(text.slice(text.indexOf('\n') + 1)) as { users?: unknown[] }).users ?? [];
    return users.map((u) => (typeof u === 'object' && u !== null ? String((u as { name?: unknown }).name) : String(u)));
  } catch {
    return [];
  }
}
