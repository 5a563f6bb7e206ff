import * as f from './fields';
import * as rules from './aws-rules';
import { RESERVED_NAMES } from '../stacks/naming';
import { strict } from './sections/common';
import { bootstrapSchema } from './sections/bootstrap';
import { environmentSchema } from './sections/environment';
import { identityCenterSchema } from './sections/identity-center';
import { logArchiveSchema } from './sections/log-archive';
import { organizationSchema } from './sections/organization';

/**
 * The shape of `config/environments.json`, composed of its sections (`sections/`, each with its
 * fields, their checks and its conversion): it validates the file (with `validate.ts`), gives the
 * config's TypeScript types, and is written out as JSON Schema for editors by `npm run schema`.
 */

export { isIdentityCenterRole } from './sections/access-groups';
/** Reserved for the project's own stacks. */
export { RESERVED_NAMES };

export const configFileSchema = strict({
  $schema: f.string().optional().meta({ description: 'this file\'s JSON Schema, for editors' }),
  '//': f.string().optional().meta({ description: 'a comment' }),
  bootstrap: bootstrapSchema,
  // Names are checked in validate.ts, where a bad one is reported as the environment's own "name".
  environments: f.dictionary(environmentSchema).meta({
    description: 'one entry per environment; the name is also its stack name',
    propertyNames: { pattern: rules.environmentName.pattern!.source, not: { enum: RESERVED_NAMES } },
  }),
  organization: organizationSchema.optional(),
  logArchive: logArchiveSchema.optional(),
  identityCenter: identityCenterSchema.optional(),
}, 'ssm-session-kit environments: see README.md, "Configuration"');

/** The config file as parsed, defaults filled in. */
export type ConfigFile = f.Output<typeof configFileSchema>;

/** The JSON Schema (draft 2020-12) of the config file, as editors read it. */
export function configJsonSchema(): object {
  return f.jsonSchemaDocument(configFileSchema);
}
