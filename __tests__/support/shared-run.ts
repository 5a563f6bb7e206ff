import * as fs from 'fs';
import * as path from 'path';

/** Names the test run's shared folder: global setup makes it, and every worker inherits the variable. */
export const SHARED_DIR_VARIABLE = 'SSK_TEST_SHARED_DIR';

const POLL_MS = 200;

/**
 * Set-up several test files need alike (a synthesis and its offline plans), made once per test run:
 * jest runs each file in a worker process of its own, so the first file to ask makes it in the run's
 * shared folder and the others wait there for its result. `make` gets a folder of its own, which
 * lasts until the run ends, and returns what it made as JSON; a failure reaches every file that asked.
 */
export async function once<T>(name: string, make: (dir: string) => Promise<T>): Promise<T> {
  const root = process.env[SHARED_DIR_VARIABLE];
  if (!root) throw new Error(`${SHARED_DIR_VARIABLE} is not set: the shared folder is made by jest's global setup`);
  const dir = path.join(root, name);
  const resultFile = path.join(root, `${name}.json`);
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return outcomeOf<T>(name, await waitFor(resultFile));
  }
  let outcome: Outcome<T>;
  try {
    outcome = { value: await make(dir) };
  } catch (e) {
    outcome = { error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  // Written under another name, then renamed: a waiting file never reads half of it.
  fs.writeFileSync(`${resultFile}.partial`, JSON.stringify(outcome));
  fs.renameSync(`${resultFile}.partial`, resultFile);
  return outcomeOf(name, outcome);
}

interface Outcome<T> {
  readonly value?: T;
  readonly error?: string;
}

function outcomeOf<T>(name: string, outcome: Outcome<T>): T {
  if (outcome.error !== undefined) throw new Error(`the shared set-up "${name}" failed:\n${outcome.error}`);
  return outcome.value as T;
}

async function waitFor<T>(file: string): Promise<Outcome<T>> {
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Outcome<T>;
}
