import { DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { CheckedResource, ResourceConfig } from './resources';
import { COMPLIANCE_RULES, type ComplianceRule } from './rules';
import { STACK_COMPLIANCE_RULES, type StackComplianceRule } from './stack-rules';

export type { CheckedResource, ResourceConfig } from './resources';
export { POLICY_SIZE_LIMITS, policySize, ROLE_INLINE_POLICIES_LIMIT } from './resources';
export * from './rules';
export * from './stack-rules';

const SUPPRESSION = 'ssm-session-kit:compliance-suppression';

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  readonly path: string;
}

const KNOWN_RULES = new Set<string>([...COMPLIANCE_RULES, ...STACK_COMPLIANCE_RULES].map((r) => r.id));

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

  /** The resource types some stack rule reads. */
  private readonly stackRuleTypes: ReadonlySet<string>;

  constructor(
    private readonly rules: readonly ComplianceRule[] = COMPLIANCE_RULES,
    private readonly stackRules: readonly StackComplianceRule[] = STACK_COMPLIANCE_RULES,
  ) {
    this.stackRuleTypes = new Set(stackRules.flatMap((r) => r.resourceTypes));
  }

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
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && this.stackRuleTypes.has(c.terraformResourceType))
      .map((c) => ({ node: c, ...this.render(c) }));
    for (const rule of this.stackRules) {
      const own = resources.filter((r) => rule.resourceTypes.includes(r.type));
      for (const { node, problem } of rule.check(stack, own)) fail(node, rule.id, rule.description, problem);
    }
  }
}
