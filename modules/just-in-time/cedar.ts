/**
 * Cedar for just-in-time node access: the schema AWS publishes and the readable policies generated
 * from rules. ("Statement structure and built-in operators for auto-approval and deny-access policies",
 * AWS Systems Manager User Guide, section "Just-in-time node access schema".)
 */

/** The one action of just-in-time node access's policies (same page, "Policy components"). */
export const GET_TOKEN_ACTION = 'AWS::SSM::Action::"getTokenForInstanceAccess"';

/** Identity Center user attributes the schema declares, each optional. */
export const USER_ATTRIBUTES = ['employeeNumber', 'costCenter', 'organization', 'division'] as const;

/** The schema as AWS publishes it: an Identity Center user (in groups), EC2 and hybrid nodes by tag, IAM principal tags in the context. */
export const JUST_IN_TIME_CEDAR_SCHEMA = `namespace AWS::EC2 {
  entity Instance tags String;
}

namespace AWS::IdentityStore {
  entity Group;

  entity User in [Group] {
    employeeNumber?: String,
    costCenter?: String,
    organization?: String,
    division?: String,
  };
}

namespace AWS::IAM {
  entity Role;

  type AuthorizationContext = {
    principalTags: PrincipalTags,
  };

  entity PrincipalTags tags String;
}

namespace AWS::SSM {
  entity ManagedInstance tags String;

  action "getTokenForInstanceAccess" appliesTo {
    principal: [AWS::IdentityStore::User],
    resource: [AWS::EC2::Instance, AWS::SSM::ManagedInstance],
    context: {
      "iam": AWS::IAM::AuthorizationContext
    }
  };
}
`;

/** Who and where a statement is about: every field given must hold. */
export interface CedarRule {
  /** Why the statement exists, written above it as a comment. */
  readonly description: string;
  /**
   * Identity Store group ids: the requester is a member of one of them.
   * @default any requester
   */
  readonly identityCenterGroupIds?: readonly string[];
  /**
   * Identity Center user attributes (`employeeNumber`, `costCenter`, `organization`, `division`) with
   * the value each must have. Another name fails validation against the schema.
   * @default none
   */
  readonly userAttributes?: Readonly<Record<string, string>>;
  /**
   * Tags of the IAM principal asking (`context.iam.principalTags`), for requesters who are not
   * Identity Center users, with the value each must have.
   * @default none
   */
  readonly principalTags?: Readonly<Record<string, string>>;
  /** Node tags: every key, with one of its values. */
  readonly nodeTags: Readonly<Record<string, readonly string[]>>;
  /**
   * In a `permit`: the Auto Scaling groups (by name, `*` a wildcard) whose instances it covers; a
   * hybrid node, or an instance another group, an EC2 Fleet or a Spot Fleet launched, is not, whatever
   * its tags (as
   * `SessionAccessStatementsProps.autoScalingGroupNames`: AWS's `aws:` tags say what launched it).
   * @default instances of any launcher
   */
  readonly autoScalingGroupNames?: readonly string[];
}

/** A Cedar policy set of one effect, a statement per rule, each with its reason above it. */
export function cedarPolicies(effect: 'permit' | 'forbid', rules: readonly CedarRule[]): string {
  return rules.map((rule) => cedarStatement(effect, rule)).join('\n\n') + '\n';
}

function cedarStatement(effect: 'permit' | 'forbid', rule: CedarRule): string {
  const conditions: string[] = [];
  const groups = rule.identityCenterGroupIds ?? [];
  if (groups.length > 0) conditions.push(`principal in [${groups.map((g) => `AWS::IdentityStore::Group::${literal(g)}`).join(', ')}]`);
  for (const [name, value] of Object.entries(rule.userAttributes ?? {})) {
    conditions.push(`principal has ${name} && principal.${name} == ${literal(value)}`);
  }
  for (const [key, value] of Object.entries(rule.principalTags ?? {})) {
    conditions.push(`context.iam.principalTags.hasTag(${literal(key)}) && context.iam.principalTags.getTag(${literal(key)}) == ${literal(value)}`);
  }
  for (const [key, values] of Object.entries(rule.nodeTags)) {
    const oneOf = values.map((v) => `resource.getTag(${literal(key)}) == ${literal(v)}`);
    conditions.push(`resource.hasTag(${literal(key)}) && ${oneOf.length === 1 ? oneOf[0] : `(${oneOf.join(' || ')})`}`);
  }
  // An EC2 instance only: a hybrid node is anyone's machine, tagged by whoever made its activation.
  if (rule.autoScalingGroupNames) conditions.push('resource is AWS::EC2::Instance', ...launchedByOneOf(rule.autoScalingGroupNames));
  const comment = rule.description.split('\n').map((line) => `// ${line}`).join('\n');
  const when = conditions.length === 0 ? '' : ` when {\n  ${conditions.join(' &&\n  ')}\n}`;
  return `${comment}\n${effect} (\n  principal,\n  action == ${GET_TOKEN_ACTION},\n  resource\n)${when};`;
}

/** The node was launched by none of the services that launch instances, or by one of these groups. */
function launchedByOneOf(groups: readonly string[]): string[] {
  const group = literal('aws:autoscaling:groupName');
  const named = groups.map((g) => `resource.getTag(${group}) like ${literal(g)}`);
  return [
    // Cedar's validator knows a tag present only in the branch its test opens.
    `(if resource.hasTag(${group}) then ${named.length > 0 ? named.join(' || ') : 'false'} else true)`,
    `(!resource.hasTag(${literal('aws:ec2:fleet-id')}) || resource.hasTag(${group}))`,
    `!resource.hasTag(${literal('aws:ec2spot:fleet-request-id')})`,
  ];
}

/** A Cedar string literal. */
function literal(value: string): string {
  return JSON.stringify(value);
}
