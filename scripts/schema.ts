import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../config/schema';
import { parseArguments } from './lib/usage';

/** Where `npm run schema` writes the config file's JSON Schema, which `environments.json` names in `$schema`. */
export const SCHEMA_FILE = path.join(__dirname, '..', 'config', 'environments.schema.json');

/** The schema file's text, as `npm run schema` writes it. */
export function schemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** Where `npm run schema` writes the configuration reference, a guide generated from the same schema. */
export const REFERENCE_FILE = path.join(__dirname, '..', 'docs', 'config-reference.md');

type Node = {
  type?: string | string[]; description?: string; default?: unknown; pattern?: string; enum?: unknown[]; minimum?: number; maximum?: number;
  properties?: Record<string, Node>; required?: string[]; items?: Node; additionalProperties?: Node | boolean; propertyNames?: { pattern?: string };
  anyOf?: Node[]; deprecated?: boolean;
};

/** The configuration reference: every field of environments.json with its type, default, description and the rule AWS applies. */
export function referenceText(): string {
  const rows: string[] = [];
  const walk = (node: Node, at: string, required: boolean) => {
    const shown = node.anyOf?.find((n) => n.type !== 'null') ?? node;
    if (at && !node.deprecated) rows.push(`| \`${at}\` | ${typeOf(shown)} | ${required ? 'required' : node.default !== undefined ? `\`${JSON.stringify(node.default)}\`` : ''} | ${escape(node.description ?? shown.description ?? '')} | ${escape(ruleOf(shown))} |`);
    for (const [name, child] of Object.entries(shown.properties ?? {})) {
      if (name === '$schema' || name === '//') continue;
      walk(child, at ? `${at}.${name}` : name, (shown.required ?? []).includes(name));
    }
    if (shown.items?.properties) walk({ ...shown.items, description: undefined }, `${at}[]`, false);
    const entry = typeof shown.additionalProperties === 'object' ? shown.additionalProperties : undefined;
    if (entry?.properties) walk({ ...entry, description: undefined }, `${at}.<name>`, false);
  };
  walk(configJsonSchema() as Node, '', false);
  return `# Configuration reference

Every field of \`config/environments.json\`, written by \`npm run schema\` from \`config/schema.ts\`, the
definition that also validates the file (a test fails when this page is stale). Rules a pattern cannot
say (a group that reaches no instance, two environments sharing a state key) are checked at synth; see
[Configuration](configuration.md).

| field | type | default | description | rule |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

function typeOf(node: Node): string {
  if (node.enum) return 'one of';
  if (node.type === 'array') return `list of ${node.items?.properties ? 'objects' : node.items?.type ?? 'values'}`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object') return 'map';
  return Array.isArray(node.type) ? node.type.join(' or ') : node.type ?? '';
}

function ruleOf(node: Node): string {
  const rules = [
    node.enum ? listed(node.enum.map((v) => `\`${JSON.stringify(v)}\``)) : '',
    node.pattern ? `matches \`${node.pattern}\`` : '',
    node.minimum !== undefined || node.maximum !== undefined ? `${node.minimum ?? ''} to ${node.maximum ?? ''}` : '',
    node.propertyNames?.pattern ? `keys match \`${node.propertyNames.pattern}\`` : '',
  ];
  return rules.filter(Boolean).join('; ');
}

/** A long list of values (the regions) by its first few and its length. */
function listed(values: string[]): string {
  return values.length <= 8 ? values.join(', ') : `${values.slice(0, 3).join(', ')}, … (${values.length} in all)`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const USAGE = `usage: npm run schema
Writes the config file's JSON Schema (config/environments.schema.json) and the configuration reference
(docs/config-reference.md), both from config/schema.ts.`;

if (require.main === module && parseArguments(USAGE, { max: 0 })) {
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  fs.writeFileSync(REFERENCE_FILE, referenceText());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)} and ${path.relative(process.cwd(), REFERENCE_FILE)}`);
}
