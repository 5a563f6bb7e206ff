/**
 * What every section of the config is written with: the kinds of string AWS accepts, lists, strict
 * objects, maps by key, the fields every account-bound section has, and how a section reports a problem.
 */
import * as f from '../fields';
import * as rules from '../aws-rules';
import type { Rule } from '../aws-rules';

/** One problem in the config: where, and what is wrong. */
export interface ConfigProblem {
  /** `bootstrap`, `organization`, `environment "dev"`, or `config` for the file as a whole. */
  readonly scope: string;
  /** Dotted path of the field inside that scope, e.g. `state.bucket`. */
  readonly field: string;
  readonly message: string;
}

/** Reports a problem at a field of the section being checked. */
export type Report = (field: string, message: string) => void;

/** A string AWS would accept, by `rule`; its pattern (where one expresses it) goes into the JSON Schema. */
export function awsString(rule: Rule, description: string) {
  return f
    .string()
    .check((ctx) => {
      const reason = rule(ctx.value);
      if (reason) ctx.issues.push({ message: `${reason} (got ${JSON.stringify(ctx.value)})` });
    })
    .meta({ description, ...(rule.pattern ? { pattern: rule.pattern.source } : {}) });
}

export function list<T>(item: f.Field<T>, description: string, { nonEmpty = false } = {}) {
  const array = f.list(item);
  return (nonEmpty ? array.nonEmpty('must be a non-empty list (got [])') : array).meta({ description });
}

/** An object that refuses fields it does not know, naming the ones it does. */
export function strict<T extends f.Shape>(shape: T, description: string) {
  const known = Object.keys(shape).filter((k) => k !== '//' && k !== '$schema');
  return f.strictObject(shape, `is not a known field (known: ${known.join(', ')})`).meta({ description });
}

/** A map whose keys follow `rule` (checked in the map, reported at the key) and whose values are `value`. */
export function keyedBy<V>(rule: Rule, what: string, value: f.Field<V>, description: string) {
  return f
    .dictionary(value)
    .check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        const reason = rule(key);
        if (reason) ctx.issues.push({ message: `${what} ${reason}`, path: [key] });
      }
    })
    .meta({ description, ...(rule.pattern ? { propertyNames: { pattern: rule.pattern.source } } : {}) });
}

/** Adds a problem at `path` (relative to the value checked) to a check's issues. */
export function problem(ctx: f.CheckContext<unknown>, path: f.Path, message: string): void {
  ctx.issues.push({ message, path });
}

export const accountId = awsString(rules.accountId, 'AWS account id, 12 digits, written as a string');
export const region = f.oneOf(rules.AWS_REGIONS as [string, ...string[]], `is not an AWS region (known regions: ${rules.AWS_REGIONS.join(', ')})`)
  .meta({ description: 'AWS region' });
export const tags = keyedBy(rules.tagKey, 'tag key', awsString(rules.tagValue, 'tag value'), 'tags applied to every resource').default({});
