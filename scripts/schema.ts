import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../config/schema';

/** Where `npm run schema` writes the config file's JSON Schema, which `environments.json` names in `$schema`. */
export const SCHEMA_FILE = path.join(__dirname, '..', 'config', 'environments.schema.json');

/** The schema file's text, as `npm run schema` writes it. */
export function schemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
