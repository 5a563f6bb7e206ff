import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../scripts/lib/synth';
import { STACK_FILE } from '../scripts/lib/offline-validation';
import { rawConfig, tempDir, writeConfig } from './helpers';
import { withIdentityCenter } from './support/identity-center-config';
import { withLogArchive } from './support/log-archive-config';

/**
 * What the app writes, stack by stack, for the shipped config and the configs the tests add to it, as
 * SHA-256 fingerprints kept in a jest snapshot: a change to the code that was not meant to change a
 * stack (a refactoring) shows here, and one that was meant says which stacks it changed. After a change
 * meant to change stacks, `npx jest synth-fingerprints -u` records the new fingerprints; the commit says why.
 */
const CONFIGS: Record<string, () => unknown> = {
  shipped: () => rawConfig(),
  'log archive': () => withLogArchive(rawConfig()),
  'identity center': () => withIdentityCenter(rawConfig()),
  'log archive and identity center': () => withIdentityCenter(withLogArchive(rawConfig())),
};

/** Each stack's synthesized configuration, fingerprinted, by stack name. */
function fingerprints(config: unknown): Record<string, string> {
  const outdir = path.join(tempDir('fingerprints'), 'cdktf.out');
  synthesize(outdir, { SSK_CONFIG: writeConfig(config) });
  const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
  return Object.fromEntries(stacks.map((stack) => {
    const json = fs.readFileSync(path.join(outdir, 'stacks', stack, STACK_FILE));
    return [stack, createHash('sha256').update(json).digest('hex')];
  }));
}

describe('the synthesized stacks, fingerprinted', () => {
  it.each(Object.keys(CONFIGS))('are what they were for the %s config, unless a commit meant to change them', (name) => {
    expect(fingerprints(CONFIGS[name]())).toMatchSnapshot();
  });

  it('tell one stack from another and a changed config from the shipped one', () => {
    const shipped = fingerprints(rawConfig());
    const changed = rawConfig();
    changed.environments.dev.sessionLogging.idleSessionTimeoutMinutes = 5;
    const after = fingerprints(changed);
    expect(new Set(Object.values(shipped)).size).toBe(Object.keys(shipped).length);
    expect(Object.keys(after).filter((stack) => after[stack] !== shipped[stack])).toEqual(['dev']);
  });
});
