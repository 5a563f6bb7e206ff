/**
 * EventBridge's event pattern matching, as "Amazon EventBridge event patterns" and "Content filtering
 * in Amazon EventBridge event patterns" describe it, for tests that stand in for EventBridge.
 *
 * No maintained npm package does this on its own: `serverless-offline-aws-eventbridge` keeps its
 * matcher inside a Serverless plugin (with express, an MQTT broker and the AWS SDK as dependencies),
 * and has no `wildcard` or `cidr`. Supported here: exact values (strings, numbers, null, booleans),
 * `prefix`, `suffix` (each also with `equals-ignore-case`), `equals-ignore-case`, `wildcard`,
 * `anything-but` (values, `prefix`, `suffix`, `wildcard`), `numeric`, `exists`, and `$or` at any level;
 * arrays in the event match when any element does. Not supported (refused, so a pattern using them
 * cannot pass by accident): `cidr`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => matchObject(pattern, element));
  const object = isObject(value) ? value : {};
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2) throw new Error('$or takes a list of at least two patterns');
      return sub.some((alternative) => matchObject(alternative as Record<string, unknown>, value));
    }
    const field = object[key];
    if (Array.isArray(sub)) return matchField(sub, key in object ? field : undefined, key in object);
    if (isObject(sub)) return isObject(field) || Array.isArray(field) ? matchObject(sub, field) : matchAbsent(sub);
    throw new Error(`pattern field "${key}" must be a list of matchers or an object`);
  });
}

/** A nested pattern against a missing object: only `exists: false` leaves (and $or of them) match. */
function matchAbsent(pattern: Record<string, unknown>): boolean {
  return matchObject(pattern, {});
}

function matchField(matchers: unknown[], value: unknown, present: boolean): boolean {
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) return m.exists === (present && !isObject(value));
    if (!present) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matchValue(m, v as Json));
  });
}

function matchValue(matcher: unknown, value: Json): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [[op, arg], ...rest] = Object.entries(matcher);
  if (rest.length > 0) throw new Error(`one operator per matcher: ${JSON.stringify(matcher)}`);
  switch (op) {
    case 'prefix': return typeof value === 'string' && affix(arg, value, (v, a) => v.startsWith(a));
    case 'suffix': return typeof value === 'string' && affix(arg, value, (v, a) => v.endsWith(a));
    case 'equals-ignore-case': return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard': return typeof value === 'string' && wildcard(String(arg), value);
    case 'numeric': return typeof value === 'number' && numeric(arg as unknown[], value);
    case 'anything-but': return !anythingBut(arg, value);
    case 'cidr': throw new Error('cidr matching is not implemented by this stand-in');
    default: throw new Error(`unknown matcher "${op}"`);
  }
}

/** Whether `value` is among what `anything-but` excludes. */
function anythingBut(arg: unknown, value: Json): boolean {
  if (Array.isArray(arg)) return arg.includes(value);
  if (!isObject(arg)) return arg === value;
  const [[op, inner]] = Object.entries(arg);
  const list = Array.isArray(inner) ? inner : [inner];
  if (typeof value !== 'string') return false;
  switch (op) {
    case 'prefix': return list.some((p) => value.startsWith(String(p)));
    case 'suffix': return list.some((s) => value.endsWith(String(s)));
    case 'wildcard': return list.some((w) => wildcard(String(w), value));
    case 'equals-ignore-case': return list.some((e) => value.toLowerCase() === String(e).toLowerCase());
    default: throw new Error(`unknown anything-but operator "${op}"`);
  }
}

function affix(arg: unknown, value: string, test: (v: string, a: string) => boolean): boolean {
  if (isObject(arg) && 'equals-ignore-case' in arg) return test(value.toLowerCase(), String(arg['equals-ignore-case']).toLowerCase());
  return test(value, String(arg));
}

/** `*` stands for any characters; `\*` for a star. */
function wildcard(pattern: string, value: string): boolean {
  const parts = pattern.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, '*').replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(value);
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], Number(conditions[i + 1])];
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : undefined;
    if (ok === undefined) throw new Error(`unknown numeric operator "${String(op)}"`);
    if (!ok) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A rule as EventBridge holds it: its pattern and its state. */
export interface RuleOf {
  readonly pattern: Record<string, unknown>;
  readonly state: string;
}

/**
 * Whether a rule receives an event: its pattern matches, and a read-only CloudTrail management event
 * (`detail.readOnly` true) reaches only a rule in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`
 * ("Receiving read-only management events from AWS services", Amazon EventBridge User Guide).
 */
export function receives(rule: RuleOf, event: Record<string, unknown>): boolean {
  const detail = event.detail as Record<string, unknown> | undefined;
  const readOnly = event['detail-type'] === 'AWS API Call via CloudTrail' && detail?.readOnly === true;
  if (readOnly && rule.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return false;
  return rule.state !== 'DISABLED' && matches(rule.pattern, event);
}
