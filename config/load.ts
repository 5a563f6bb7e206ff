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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, [{ scope: 'config', field: '(file)', message: `is not valid JSON: ${jsonErrorAt(text, (e as Error).message)}` }]);
  }
  return validateConfig(raw, source);
}

/** JSON.parse's message with the line and column its character position falls on (a trailing comma, say). */
export function jsonErrorAt(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  const at = position === undefined ? text.length : Number(position);
  const before = text.slice(0, at).split('\n');
  const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')} (${where})`;
}
