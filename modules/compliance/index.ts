import { DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import { isAtLeastVersion, MIN_SSM_AGENT_VERSION, SSM_AGENT_VERSION_TAG } from '../shared/ssm-agent';

const SUPPRESSION = 'ssm-session-kit:compliance-suppression';
const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

/** A resource's arguments, as synthesized. */
export type ResourceConfig = Record<string, any>;

/** A resource as Terraform will receive it, with its type. */
export interface CheckedResource {
  readonly type: string;
  readonly config: ResourceConfig;
}

export interface ComplianceRule {
  readonly id: string;
  readonly description: string;
  /**
   * The resource types the rule inspects: the checker renders only the resources some rule inspects,
   * and gives each rule only its own types.
   * @default every type
   */
  readonly resourceTypes?: readonly string[];
  /** Why a resource breaks the rule, or undefined when it keeps it. */
  check(resource: CheckedResource): string | undefined;
}

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  readonly path: string;
}

function statementsOf(policy: unknown): ResourceConfig[] {
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
function identityPoliciesOf({ type, config }: CheckedResource): unknown[] {
  if (type === 'aws_ssoadmin_permission_set_inline_policy') return [config.inline_policy];
  if (type === 'aws_iam_role') return [config.inline_policy ?? []].flat().map((p: ResourceConfig) => p?.policy);
  return [config.policy];
}

function ingressCoversPort(rule: ResourceConfig, port: number): boolean {
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

/** The rules every stack of this project is held to. */
export const COMPLIANCE_RULES: readonly ComplianceRule[] = [
  {
    id: 'NO_UNRECORDED_SSH_IN_PROD',
    description: 'no policy lets anyone open SSH sessions, which are not recorded, on prod instances',
    resourceTypes: ['aws_iam_policy'],
    check: ({ config }) => {
      const statements = statementsOf(config.policy).filter((st) => st.Effect === 'Allow');
      const ssh = statements.some((st) => [st.Resource ?? []].flat().some((r: string) => r.endsWith('document/AWS-StartSSHSession')));
      const prod = statements.some((st) => [st.Condition?.StringEquals?.['ssm:resourceTag/Environment'] ?? []].flat().some((v: string) => /^prod/.test(v)));
      return ssh && prod ? 'allows AWS-StartSSHSession on instances tagged Environment=prod' : undefined;
    },
  },
  {
    id: 'POLICY_SIZE',
    description: "every policy is within AWS's size limit",
    resourceTypes: Object.keys(POLICY_SIZE_LIMITS),
    check: ({ type, config }) => {
      const limit = POLICY_SIZE_LIMITS[type];
      const policy = limit && config[limit.attribute];
      if (typeof policy !== 'string') return undefined;
      const size = policySize(policy);
      return size > limit.limit ? `the ${limit.what} is ${size} characters, over AWS's limit of ${limit.limit}` : undefined;
    },
  },
  {
    id: 'EC2_IMDSV2',
    description: 'every EC2 instance requires IMDSv2',
    resourceTypes: ['aws_instance'],
    check: ({ config }) => (config.metadata_options?.http_tokens !== 'required' ? 'metadata_options.http_tokens is not "required"' : undefined),
  },
  {
    id: 'EC2_NO_PUBLIC_IP',
    description: 'no EC2 instance has a public IP address',
    resourceTypes: ['aws_instance'],
    check: ({ config }) => (config.associate_public_ip_address !== false ? 'associate_public_ip_address is not false' : undefined),
  },
  {
    id: 'EC2_NO_KEY_PAIR',
    description: 'no EC2 instance has an SSH key pair',
    resourceTypes: ['aws_instance'],
    check: ({ config }) => (config.key_name !== undefined ? `key_name is set (${config.key_name})` : undefined),
  },
  {
    id: 'SSM_AGENT_VERSION',
    description: `every instance on a pinned image declares an SSM Agent of ${MIN_SSM_AGENT_VERSION} or later (tag ${SSM_AGENT_VERSION_TAG})`,
    resourceTypes: ['aws_instance'],
    check: ({ config }) => {
      // An image looked up at plan time (a reference) is the latest release, with a current agent.
      if (typeof config.ami !== 'string' || config.ami.includes('${')) return undefined;
      const version = config.tags?.[SSM_AGENT_VERSION_TAG];
      if (version === undefined) return `image ${config.ami} is pinned and declares no SSM Agent version (tag ${SSM_AGENT_VERSION_TAG})`;
      return isAtLeastVersion(version, MIN_SSM_AGENT_VERSION) ? undefined
        : `its SSM Agent ${version} is older than ${MIN_SSM_AGENT_VERSION}, which needs no ec2messages endpoint`;
    },
  },
  {
    id: 'EC2_INSTANCE_PROFILE',
    description: 'every EC2 instance has an instance profile',
    resourceTypes: ['aws_instance'],
    check: ({ config }) => (!config.iam_instance_profile ? 'has no iam_instance_profile' : undefined),
  },
  {
    id: 'NO_SSH_RDP_INGRESS',
    description: 'no security group admits port 22 or 3389',
    resourceTypes: ['aws_security_group', 'aws_default_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_security_group_rule'],
    check: ({ type, config }) => {
      const rules =
        type === 'aws_security_group' || type === 'aws_default_security_group' ? [config.ingress ?? []].flat()
        : type === 'aws_vpc_security_group_ingress_rule' ? [config]
        : type === 'aws_security_group_rule' && config.type === 'ingress' ? [config]
        : [];
      const port = [22, 3389].find((p) => rules.some((r: ResourceConfig) => ingressCoversPort(r, p)));
      return port ? `admits port ${port}` : undefined;
    },
  },
  {
    id: 'SESSION_LOGGING_ENCRYPTED',
    description: 'session logging is on, to S3 and CloudWatch, and encrypted',
    resourceTypes: ['aws_ssm_document'],
    check: ({ config }) => {
      if (config.name !== PREFERENCES_DOCUMENT) return undefined;
      const inputs = inputsOf(config) as Record<string, any>;
      const missing = [
        !inputs.s3BucketName && 's3BucketName', inputs.s3EncryptionEnabled !== true && 's3EncryptionEnabled',
        !inputs.cloudWatchLogGroupName && 'cloudWatchLogGroupName', inputs.cloudWatchEncryptionEnabled !== true && 'cloudWatchEncryptionEnabled',
        !inputs.kmsKeyId && 'kmsKeyId',
      ].filter(Boolean);
      return missing.length > 0 ? `session preferences lack ${missing.join(', ')}` : undefined;
    },
  },
  {
    id: 'HUMAN_POLICY_NO_WILDCARD_ACTION',
    description: 'no IAM policy the stack writes, managed or inline, allows a wildcard action',
    resourceTypes: ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role', 'aws_ssoadmin_permission_set_inline_policy'],
    check: (resource) => {
      const allows = identityPoliciesOf(resource).flatMap(statementsOf).filter((st) => st.Effect === 'Allow');
      // IAM matches * and ? in an action; an allowed NotAction grants every action but those it names.
      const wild = allows.flatMap((st) => [st.Action ?? []].flat()).filter((a) => typeof a === 'string' && /[*?]/.test(a));
      const notActions = allows.filter((st) => st.NotAction !== undefined).map((st) => `every action but ${[st.NotAction].flat().join(', ')}`);
      const problems = [...wild, ...notActions];
      return problems.length > 0 ? `allows ${problems.join('; ')}` : undefined;
    },
  },
];

/** Rules checked over a whole stack rather than one resource. */
export const STACK_RULES = {
  SESSION_PREFERENCES_ONCE: 'the session preferences document exists once per region',
  SESSION_LOGGING_PRESENT: 'a stack with instances records their sessions',
  DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING: 'the Default Host Management role may record and encrypt sessions',
  RUN_AS_USERS_PRESENT: 'with run-as on, every instance creates the default run-as user',
  ROLE_INLINE_POLICIES_SIZE: "a role's inline policies together are within AWS's size limit",
} as const;

/** The resource types the stack rules read. */
const STACK_RULE_TYPES = ['aws_ssm_document', 'aws_instance', 'aws_iam_role_policy', 'aws_ssm_service_setting'];

/** What an agent's role must be allowed to record and encrypt sessions (`grantSessionLogging`). */
const SESSION_LOGGING_ACTIONS = ['s3:PutObject', 'logs:PutLogEvents', 'kms:GenerateDataKey', 'kms:Decrypt'];

const KNOWN_RULES = new Set<string>([...COMPLIANCE_RULES.map((r) => r.id), ...Object.keys(STACK_RULES)]);

/** Marks a construct (and everything below it) as exempt from a rule, for a stated reason. */
export function suppressCompliance(scope: IConstruct, rule: string, reason: string): void {
  if (!KNOWN_RULES.has(rule)) throw new Error(`unknown compliance rule ${rule}`);
  if (!reason.trim()) throw new Error(`suppressing ${rule} at ${scope.node.path} needs a written reason`);
  scope.node.addMetadata(SUPPRESSION, { rule, reason });
}

/** Every suppression below a scope, for the synth output. */
export function complianceSuppressions(scope: IConstruct): Suppression[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata.filter((m) => m.type === SUPPRESSION).map((m) => ({ ...(m.data as { rule: string; reason: string }), path: c.node.path })),
  );
}

function suppressed(node: IConstruct, rule: string): boolean {
  return node.node.scopes.some((scope) => scope.node.metadata.some((m) => m.type === SUPPRESSION && (m.data as { rule: string }).rule === rule));
}

function fail(node: IConstruct, rule: string, description: string, problem: string): void {
  if (!suppressed(node, rule)) node.node.addValidation({ validate: () => [`compliance rule ${rule} (${description}): ${problem}`] });
}

function inputsOf(document: ResourceConfig): Record<string, unknown> {
  try {
    return JSON.parse(document.content).inputs ?? {};
  } catch {
    return {};
  }
}

/** The users a `#cloud-config` user data creates (a JSON document, as `renderCloudConfig` writes it). */
function cloudConfigUsers(userData: unknown): string[] {
  const text = typeof userData === 'string' ? userData : '';
  if (!text.startsWith('#cloud-config\n')) return [];
  try {
    const users = (JSON.parse(text.slice(text.indexOf('\n') + 1)) as { users?: unknown[] }).users ?? [];
    return users.map((u) => (typeof u === 'object' && u !== null ? String((u as { name?: unknown }).name) : String(u)));
  } catch {
    return [];
  }
}

/** A resource as Terraform will receive it. */
function render(resource: TerraformResource): CheckedResource {
  const type = resource.terraformResourceType;
  const rendered = Tokenization.resolve(resource.toTerraform(), {
    scope: TerraformStack.of(resource),
    resolver: new DefaultTokenResolver(new StringConcat()),
  }) as { resource: Record<string, Record<string, ResourceConfig>> };
  return { type, config: Object.values(rendered.resource[type])[0] };
}

/**
 * The compliance check, as a cdktf Aspect: every resource is checked against every rule, and a
 * violation becomes a validation error of that construct, which fails synthesis naming the construct
 * path and the rule. Suppressed rules are skipped; `complianceSuppressions` lists them.
 */
export class ComplianceChecker implements IAspect {
  /** Each resource rendered once, though both its stack and itself are checked. */
  private readonly rendered = new WeakMap<TerraformResource, CheckedResource>();
  /** The rules that inspect each resource type. */
  private readonly rulesByType = new Map<string, readonly ComplianceRule[]>();

  constructor(private readonly rules: readonly ComplianceRule[] = COMPLIANCE_RULES) {}

  private rulesFor(type: string): readonly ComplianceRule[] {
    let rules = this.rulesByType.get(type);
    if (!rules) {
      rules = this.rules.filter((r) => r.resourceTypes === undefined || r.resourceTypes.includes(type));
      this.rulesByType.set(type, rules);
    }
    return rules;
  }

  private render(resource: TerraformResource): CheckedResource {
    const known = this.rendered.get(resource);
    if (known) return known;
    const fresh = render(resource);
    this.rendered.set(resource, fresh);
    return fresh;
  }

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.checkStack(node);
    if (!TerraformResource.isTerraformResource(node)) return;
    // Rendering a resource resolves every value in it: only for the rules that look at its type.
    const rules = this.rulesFor((node as TerraformResource).terraformResourceType);
    if (rules.length === 0) return;
    const resource = this.render(node as TerraformResource);
    for (const rule of rules) {
      const problem = rule.check(resource);
      if (problem) fail(node, rule.id, rule.description, problem);
    }
  }

  private checkStack(stack: TerraformStack): void {
    const resources = stack.node.findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && STACK_RULE_TYPES.includes(c.terraformResourceType))
      .map((c) => ({ node: c, ...this.render(c) }));
    const preferences = resources.filter((r) => r.type === 'aws_ssm_document' && r.config.name === PREFERENCES_DOCUMENT);
    if (preferences.length > 1) {
      fail(stack, 'SESSION_PREFERENCES_ONCE', STACK_RULES.SESSION_PREFERENCES_ONCE,
        `${preferences.length} ${PREFERENCES_DOCUMENT} documents (${preferences.map((d) => d.node.node.path).join(', ')})`);
    }
    if (preferences.length === 0 && resources.some((r) => r.type === 'aws_instance')) {
      fail(stack, 'SESSION_LOGGING_PRESENT', STACK_RULES.SESSION_LOGGING_PRESENT, `no ${PREFERENCES_DOCUMENT} document records its instances' sessions`);
    }
    const inlineByRole = new Map<string, number>();
    for (const r of resources.filter((x) => x.type === 'aws_iam_role_policy')) {
      inlineByRole.set(String(r.config.role), (inlineByRole.get(String(r.config.role)) ?? 0) + policySize(String(r.config.policy)));
    }
    for (const [role, size] of inlineByRole) {
      if (size > ROLE_INLINE_POLICIES_LIMIT) {
        fail(stack, 'ROLE_INLINE_POLICIES_SIZE', STACK_RULES.ROLE_INLINE_POLICIES_SIZE, `the inline policies of ${role} are ${size} characters together, over AWS's limit of ${ROLE_INLINE_POLICIES_LIMIT}`);
      }
    }
    // Session Manager runs a run-as session only as a user the node already has.
    const runAs = preferences.map((d) => inputsOf(d.config)).find((inputs) => inputs.runAsEnabled === true)?.runAsDefaultUser;
    for (const instance of runAs ? resources.filter((r) => r.type === 'aws_instance') : []) {
      if (!cloudConfigUsers(instance.config.user_data).includes(String(runAs))) {
        fail(instance.node, 'RUN_AS_USERS_PRESENT', STACK_RULES.RUN_AS_USERS_PRESENT, `its user data does not create "${runAs}", so every session on it would fail`);
      }
    }
    // Instances without a profile run their agent with the Default Host Management role.
    const setting = resources.find((r) => r.type === 'aws_ssm_service_setting' && String(r.config.setting_id).endsWith('/default-ec2-instance-management-role'));
    const role = /\$\{(aws_iam_role\.[^.}]+)\.name\}/.exec(String(setting?.config.setting_value ?? ''))?.[1];
    if (setting && role && preferences.length > 0) {
      const granted = resources
        .filter((r) => r.type === 'aws_iam_role_policy' && r.config.role === `\${${role}.name}`)
        .flatMap((r) => statementsOf(r.config.policy))
        .filter((st) => st.Effect === 'Allow')
        .flatMap((st) => [st.Action ?? []].flat());
      const missing = SESSION_LOGGING_ACTIONS.filter((a) => !granted.includes(a));
      if (missing.length > 0) {
        fail(setting.node, 'DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING', STACK_RULES.DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING,
          `the role lacks ${missing.join(', ')}: sessions on instances it manages cannot be recorded (DefaultHostManagement.grantSessionLogging)`);
      }
    }
  }
}
