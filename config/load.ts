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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [{ scope: 'config', field: '(file)', message: `is not valid JSON: ${(e as Error).message}` }]);
  }
  const relative = path.relative(process.cwd(), file);
  return validateConfig(raw, relative.startsWith('..') ? file : relative);
}
