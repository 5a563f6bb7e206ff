import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_CONFIG_FILE } from '../config/load';

/** A fresh, mutable copy of the project's own config file. */
export function rawConfig(): any {
  return JSON.parse(fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
}

const created: string[] = [];

/** A new temporary folder, removed after the test file has run. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssk-${prefix}-`));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a config to a temporary file and returns its path. */
export function writeConfig(config: unknown): string {
  const file = path.join(tempDir('config'), 'environments.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
