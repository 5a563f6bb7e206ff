import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../scripts/lib/synth';
import { StackValidation, validateOffline } from '../../scripts/lib/offline-validation';
import { rawConfig } from '../helpers';
import { withIdentityCenter } from './identity-center-config';
import { withLogArchive } from './log-archive-config';
import { once } from './shared-run';

/** The stacks the log archive's and Identity Center's tests read. */
const STACKS = ['log-archive', 'identity-center', 'organization', 'dev', 'staging', 'prod'];

export interface ArchiveAndIdentityCenter {
  /** The synthesized app. */
  readonly outdir: string;
  /** Each stack's offline validation, by stack. */
  readonly results: Record<string, StackValidation>;
}

/**
 * The shipped config with a log archive and Identity Center (as the deploy walk runs it), synthesized
 * and planned offline once per test run, for the test files of both.
 */
export function archiveAndIdentityCenter(): Promise<ArchiveAndIdentityCenter> {
  return once('archive-and-identity-center', async (dir) => {
    const config = withIdentityCenter(withLogArchive(rawConfig()));
    delete config.$schema;
    const configFile = path.join(dir, 'environments.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const outdir = path.join(dir, 'cdktf.out');
    synthesize(outdir, { SSK_CONFIG: configFile });
    const results = await validateOffline({ outdir, stacks: STACKS, workdir: path.join(dir, 'work') });
    return { outdir, results: Object.fromEntries(results.map((r) => [r.stack, r])) };
  });
}
