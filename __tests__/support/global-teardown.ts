import * as fs from 'fs';
import { SHARED_DIR_VARIABLE } from './shared-run';

/** After every test: the run's shared folder goes. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[SHARED_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
