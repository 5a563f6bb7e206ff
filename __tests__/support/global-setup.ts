import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertProviderAvailable } from '../../scripts/lib/terraform';
import { SHARED_DIR_VARIABLE } from './shared-run';

/**
 * Before any test: one clear failure where Terraform could not get the AWS provider, not hundreds;
 * then the run's shared folder (see `once`), which the workers jest starts next inherit.
 */
export default async function globalSetup(): Promise<void> {
  await assertProviderAvailable();
  process.env[SHARED_DIR_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-test-run-'));
}
