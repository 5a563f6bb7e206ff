import { spawnSync } from 'child_process';
import * as path from 'path';
import { assertEmulatorInstalled } from './support/emulator';

/**
 * The AWS emulator's closures (scripts/emulator/closures.py): each shown against in-process moto, the
 * gap without it and AWS's behaviour with it. The deploy walk (`npm run test:deploy`) depends on them.
 */
test('every closure of an emulator gap is shown against unpatched moto and closes it', () => {
  assertEmulatorInstalled();
  const run = spawnSync('python3', ['-m', 'unittest', '-v', path.join('scripts', 'emulator', 'test_closures.py')], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
  });
  const report = run.stderr;
  expect({ status: run.status, report }).toEqual({ status: 0, report: expect.stringMatching(/\nOK\n?$/) });
  expect(report).toMatch(/^Ran (\d+) tests/m);
}, 120_000);

test('a missing emulator fails the walk with how to install it, rather than skipping it', () => {
  expect(() => assertEmulatorInstalled('python3-that-does-not-exist')).toThrow(/emulator is missing .*pip install "moto\[server\]/);
});
