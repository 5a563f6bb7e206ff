import { isAtLeastVersion, MIN_SSM_AGENT_VERSION, SSM_AGENT_VERSION_TAG } from '../shared/ssm-agent';
import {
  type CheckedResource, identityPoliciesOf, ingressCoversPort, inputsOf, POLICY_SIZE_LIMITS, policySize, PREFERENCES_DOCUMENT, type ResourceConfig, statementsOf,
} from './resources';

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
