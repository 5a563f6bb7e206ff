import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, validateConfig } from './validate';
import type { ProjectConfig } from './types';

/** The file a team edits to add or change an environment. */
export const DEFAULT_CONFIG_FILE = path.join(__dirname, 'environments.json');

/** Environment variable naming another config file, e.g. one per organization. */
export const CONFIG_FILE_VARIABLE = 'SSK_CONFIG';

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_FILE_VARIABLE] ? path.resolve(env[CONFIG_FILE_VARIABLE]) : DEFAULT_CONFIG_FILE;
}

/** Reads and validates a config file; throws ConfigError for anything wrong with it. */
export function loadConfig(file: string = configFile()): ProjectConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ scope: 'config', field: '(file)', message: `cannot be read: ${(e as Error).message}` }]);
  }
  const relative = path.relative(process.cwd(), file);
  const source = relative.startsWith('..') ? file : relative;
  const notJson = (message: string) => new ConfigError(source, [{ scope: 'config', field: '(file)', message }]);
  const first = text.trimStart();
  if (first !== '' && !first.startsWith('{')) {
    const line = text.slice(0, text.length - first.length).split('\n').length;
    throw notJson(`is not JSON: the config is one JSON object, and line ${line} starts "${first.split('\n')[0].slice(0, 40)}"`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw notJson(`is not valid JSON: ${jsonErrorAt(text, (e as Error).message)}`);
  }
  // JSON.parse keeps the last of two equal keys without a word: the first block would be lost.
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    throw new ConfigError(source, duplicates.map((d) => ({ scope: 'config', field: d.path, message: `is given twice, on lines ${d.lines[0]} and ${d.lines[1]}: keep one` })));
  }
  return validateConfig(raw, source);
}

/** A key given twice in one JSON object: where (`environments.dev`), and the lines of both. */
export interface DuplicateKey {
  readonly path: string;
  readonly lines: readonly [number, number];
}

/** The duplicate keys of a JSON text that parses. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // One frame per open object or array: an object's keys and their lines, and the key it sits under.
  const stack: { keys?: Map<string, number>; name: string; pending?: string }[] = [];
  let line = 1;
  let lastString: { value: string; line: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      lastString = { value: JSON.parse(text.slice(i, end + 1)) as string, line };
      i = end;
    } else if (c === ':' && lastString) {
      const frame = stack[stack.length - 1];
      const seen = frame.keys!.get(lastString.value);
      const where = [...stack.slice(1).map((f) => f.name), lastString.value].join('.').replace(/\.\[\]/g, '[]');
      if (seen !== undefined) found.push({ path: where, lines: [seen, lastString.line] });
      else frame.keys!.set(lastString.value, lastString.line);
      frame.pending = lastString.value;
      lastString = undefined;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const name = parent === undefined ? '' : parent.keys ? parent.pending ?? '' : '[]';
      stack.push(c === '{' ? { keys: new Map(), name } : { name });
      lastString = undefined;
    } else if (c === '}' || c === ']') {
      stack.pop();
      lastString = undefined;
    } else if (c === ',') lastString = undefined;
  }
  return found;
}

/** JSON.parse's message with the line and column its character position falls on (a trailing comma, say). */
export function jsonErrorAt(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  const at = position === undefined ? text.length : Number(position);
  const before = text.slice(0, at).split('\n');
  const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')} (${where})`;
}
