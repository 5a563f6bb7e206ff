import type { IConstruct } from 'constructs';
import { type CheckedResource, cloudConfigUsers, inputsOf, policySize, PREFERENCES_DOCUMENT, ROLE_INLINE_POLICIES_LIMIT, statementsOf } from './resources';

/** A resource of the stack as Terraform will receive it, with the construct that writes it. */
export interface StackResource extends CheckedResource {
  readonly node: IConstruct;
}

/** Where a stack breaks a rule: the construct to blame (the stack itself, or one resource) and why. */
export interface StackProblem {
  readonly node: IConstruct;
  readonly problem: string;
}

/** A rule checked over a whole stack rather than one resource. */
export interface StackComplianceRule {
  readonly id: string;
  readonly description: string;
  /** The resource types the rule reads: the checker renders only those. */
  readonly resourceTypes: readonly string[];
  /** Every place the stack breaks the rule, given the stack and its resources of `resourceTypes`. */
  check(stack: IConstruct, resources: readonly StackResource[]): StackProblem[];
}

/** What an agent's role must be allowed to record and encrypt sessions (`grantSessionLogging`). */
const SESSION_LOGGING_ACTIONS = ['s3:PutObject', 'logs:PutLogEvents', 'kms:GenerateDataKey', 'kms:Decrypt'];

const preferencesOf = (resources: readonly StackResource[]) =>
  resources.filter((r) => r.type === 'aws_ssm_document' && r.config.name === PREFERENCES_DOCUMENT);

/** The rules every stack of this project is held to as a whole, in the order they are checked. */
export const STACK_COMPLIANCE_RULES: readonly StackComplianceRule[] = [
  {
    id: 'SESSION_PREFERENCES_ONCE',
    description: 'the session preferences document exists once per region',
    resourceTypes: ['aws_ssm_document'],
    check: (stack, resources) => {
      const preferences = preferencesOf(resources);
      return preferences.length > 1
        ? [{ node: stack, problem: `${preferences.length} ${PREFERENCES_DOCUMENT} documents (${preferences.map((d) => d.node.node.path).join(', ')})` }]
        : [];
    },
  },
  {
    id: 'SESSION_LOGGING_PRESENT',
    description: 'a stack with instances or fleets records their sessions',
    resourceTypes: ['aws_ssm_document', 'aws_instance', 'aws_autoscaling_group'],
    check: (stack, resources) => (preferencesOf(resources).length === 0 && resources.some((r) => r.type === 'aws_instance' || r.type === 'aws_autoscaling_group')
      ? [{ node: stack, problem: `no ${PREFERENCES_DOCUMENT} document records its instances' sessions` }]
      : []),
  },
  {
    id: 'ROLE_INLINE_POLICIES_SIZE',
    description: "a role's inline policies together are within AWS's size limit",
    resourceTypes: ['aws_iam_role_policy'],
    check: (stack, resources) => {
      const inlineByRole = new Map<string, number>();
      for (const r of resources.filter((x) => x.type === 'aws_iam_role_policy')) {
        inlineByRole.set(String(r.config.role), (inlineByRole.get(String(r.config.role)) ?? 0) + policySize(String(r.config.policy)));
      }
      return [...inlineByRole].filter(([, size]) => size > ROLE_INLINE_POLICIES_LIMIT).map(([role, size]) => ({
        node: stack, problem: `the inline policies of ${role} are ${size} characters together, over AWS's limit of ${ROLE_INLINE_POLICIES_LIMIT}`,
      }));
    },
  },
  {
    id: 'RUN_AS_USERS_PRESENT',
    description: 'with run-as on, every instance creates the default run-as user',
    resourceTypes: ['aws_ssm_document', 'aws_instance'],
    check: (_stack, resources) => {
      // Session Manager runs a run-as session only as a user the node already has.
      const runAs = preferencesOf(resources).map((d) => inputsOf(d.config)).find((inputs) => inputs.runAsEnabled === true)?.runAsDefaultUser;
      if (!runAs) return [];
      return resources.filter((r) => r.type === 'aws_instance' && !cloudConfigUsers(r.config.user_data).includes(String(runAs))).map((instance) => ({
        node: instance.node, problem: `its user data does not create "${runAs}", so every session on it would fail`,
      }));
    },
  },
  {
    id: 'DEFAULT_HOST_MANAGEMENT_SESSION_LOGGING',
    description: 'the Default Host Management role may record and encrypt sessions',
    resourceTypes: ['aws_ssm_document', 'aws_ssm_service_setting', 'aws_iam_role_policy'],
    check: (_stack, resources) => {
      // Instances without a profile run their agent with the Default Host Management role.
      const setting = resources.find((r) => r.type === 'aws_ssm_service_setting' && String(r.config.setting_id).endsWith('/default-ec2-instance-management-role'));
      const role = /\$\{(aws_iam_role\.[^.}]+)\.name\}/.exec(String(setting?.config.setting_value ?? ''))?.[1];
      if (!setting || !role || preferencesOf(resources).length === 0) return [];
      const granted = resources
        .filter((r) => r.type === 'aws_iam_role_policy' && r.config.role === `\${${role}.name}`)
        .flatMap((r) => statementsOf(r.config.policy))
        .filter((st) => st.Effect === 'Allow')
        .flatMap((st) => [st.Action ?? []].flat());
      const missing = SESSION_LOGGING_ACTIONS.filter((a) => !granted.includes(a));
      return missing.length > 0
        ? [{ node: setting.node, problem: `the role lacks ${missing.join(', ')}: sessions on instances it manages cannot be recorded (DefaultHostManagement.grantSessionLogging)` }]
        : [];
    },
  },
];

/** The stack rules' descriptions by id. */
export const STACK_RULES: Readonly<Record<string, string>> = Object.fromEntries(STACK_COMPLIANCE_RULES.map((r) => [r.id, r.description]));
