/**
 * Fewer characters for the same decisions, where IAM's size limits bind: the boundary (one managed
 * policy) and the SCP (a few policies a target). Pure functions of the statements.
 */
import type { PolicyStatement } from '../shared/policy-document';

/**
 * The same decisions in fewer statements: denies with the same condition and named resources become
 * one, with every action and resource of the group. No request is denied that was not before: each
 * action is authorized only against resources of its own service and type, so an action never matches
 * another statement's resources (a role's action on a policy's ARN, a bucket's on an object's); two
 * statements on resources of one type (a log bucket's objects, a state bucket's) never merge, since each
 * one's actions would reach the other's resources. Statements on `*` merge with each other only; those
 * with `NotAction`/`NotResource` are kept as they are.
 */
export function packDenies(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const out: (PolicyStatement | Group)[] = [];
  const groups = new Map<string, Group[]>();
  for (const st of statements) {
    const resources = st.Resource === undefined ? [] : ([] as string[]).concat(st.Resource);
    const everything = resources.includes('*');
    if (st.Effect !== 'Deny' || st.Action === undefined || resources.length === 0 || (everything && resources.length > 1)) {
      out.push(st);
      continue;
    }
    // Statements on every resource merge only with each other.
    const key = `${everything}:${JSON.stringify(st.Condition ?? {})}`;
    const actions = ([] as string[]).concat(st.Action);
    const candidates = groups.get(key) ?? [];
    let group = candidates.find((g) => everything || mergesExactly(g, actions, resources));
    if (!group) {
      group = { first: st, actions: [], resources: [], count: 0 };
      groups.set(key, [...candidates, group]);
      out.push(group);
    }
    group.actions.push(...actions.filter((a) => !group!.actions.includes(a)));
    group.resources.push(...resources.filter((r) => !group!.resources.includes(r)));
    group.count++;
  }
  // An action denied on every resource, whatever the request, needs no other deny.
  const always = groups.get('true:{}')?.[0];
  return out.flatMap((item) => {
    if (!('first' in item)) return [item];
    const actions = item === always ? item.actions : item.actions.filter((a) => !always?.actions.includes(a));
    if (actions.length === 0) return [];
    if (item.count === 1 && actions.length === item.actions.length) return [item.first];
    const { Condition } = item.first;
    const Resource = item.resources.length === 1 ? item.resources[0] : item.resources;
    return [{ Effect: 'Deny', Action: actions.length === 1 ? actions[0] : actions, Resource, ...(Condition ? { Condition } : {}) }];
  });
}

/**
 * `extra`'s denies added to `base`: each one whose actions and condition a statement of `base` has
 * exactly joins it, by its resources (the same decisions, the base statement's id kept); the rest are
 * appended as they are.
 */
export function joinSameDenies(base: readonly PolicyStatement[], extra: readonly PolicyStatement[]): PolicyStatement[] {
  const out = [...base];
  for (const st of extra) {
    const key = (s: PolicyStatement) => JSON.stringify([s.Effect, [...([] as string[]).concat(s.Action ?? [])].sort(), s.Condition ?? {}, s.NotResource !== undefined]);
    const i = out.findIndex((s) => s.Effect === 'Deny' && s.Resource !== undefined && key(s) === key(st));
    if (i < 0 || st.Resource === undefined) out.push(st);
    else out[i] = { ...out[i], Resource: [...new Set([...([] as string[]).concat(out[i].Resource!), ...([] as string[]).concat(st.Resource)])] };
  }
  return out;
}

/**
 * Whether a statement joins a group without denying anything new: the same actions, or, for each
 * resource type both name, the very same resources of it (so each one's actions reach only what the
 * other's already covered).
 */
function mergesExactly(group: Group, actions: readonly string[], resources: readonly string[]): boolean {
  if (sameSet(group.actions, actions)) return true;
  const ofType = (list: readonly string[], type: string) => list.filter((r) => resourceType(r) === type);
  const shared = [...new Set(resources.map(resourceType))].filter((t) => ofType(group.resources, t).length > 0);
  return shared.every((t) => sameSet(ofType(group.resources, t), ofType(resources, t)));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * A resource ARN's service and type, as the Service Authorization Reference tells types apart: S3's
 * bucket or object by the slash, SNS's topic by the service alone, every other by the resource part's
 * first word (`role/...`, `log-group:...`, `key/...`).
 */
function resourceType(arn: string): string {
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  if (service === 's3') return resource.includes('/') ? 's3:object' : 's3:bucket';
  if (service === 'sns') return 'sns:topic';
  return `${service}:${resource.split(/[/:]/)[0]}`;
}

/**
 * Services whose actions no bounded role takes on the trail's own resources (the recording roles write
 * sessions, engineers start them, the forwarder puts events): in the boundary, the denied actions of each
 * as one pattern, which also denies what a role bounded by it never needs there. The deny policy and the
 * SCP, attached to administrators who read these resources, keep the actions one by one.
 */
export const BOUNDARY_ACTION_PATTERNS: readonly string[] = [
  'iam:*', 'cloudtrail:*', 'sns:*', 's3:PutBucket*', 's3:DeleteBucket*', 's3:Replicate*', 'kms:*Alias', 'events:*Rule', 'events:*Targets', 'ec2:*Route*',
  // The approval policies' stack: reading it too is refused to bounded roles, which never need to.
  'cloudformation:*',
  // On the environment's instances (tagged): profiles, volumes, the serial and console ways in, attributes.
  'ec2:*IamInstanceProfile*', 'ec2:*Volume*', 'ec2-instance-connect:Send*', 'ec2:GetConsole*', 'ec2:Modify*Attribute',

  // The log group: the recording roles create streams and put events, nothing of these.
  'logs:Delete*', 'logs:Get*', 'logs:Start*', 'logs:*SubscriptionFilter', 'logs:*Transformer', 'logs:*DataProtectionPolicy', 'logs:*KmsKey', 'logs:Integrate*',
];

/**
 * `BOUNDARY_ACTION_PATTERNS` in place of the actions they match, in the statements on named resources
 * with no condition or only conditions that a missing key makes false (a `...NotEquals` or `...IfExists`
 * one holds without the key, so it may not hold for every action of a pattern alike).
 */
export function widenForBoundary(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.map((st) => {
    const resources = st.Resource === undefined ? [] : ([] as string[]).concat(st.Resource);
    const negative = Object.keys(st.Condition ?? {}).some((operator) => !POSITIVE_OPERATORS.includes(operator));
    if (st.Effect !== 'Deny' || negative || st.Action === undefined || resources.length === 0 || resources.includes('*')) return st;
    const actions: string[] = [];
    for (const action of ([] as string[]).concat(st.Action)) {
      const pattern = BOUNDARY_ACTION_PATTERNS.find((p) => actionMatches(p, action));
      const widened = pattern ?? action;
      if (!actions.includes(widened)) actions.push(widened);
    }
    return { ...st, Action: actions };
  });
}

/** Condition operators that are false when the request lacks the key ("IAM JSON policy elements: Condition operators"). */
const POSITIVE_OPERATORS = ['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike', 'ForAnyValue:StringEquals', 'ForAnyValue:StringLike'];

/** Whether an IAM action pattern (`*` for any characters, case-insensitive) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`, 'i').test(action);
}

/** Deny statements `packDenies` merges: the first one's condition, every one's actions and resources. */
interface Group {
  readonly first: PolicyStatement;
  readonly actions: string[];
  readonly resources: string[];
  count: number;
}

