import { spawnSync } from 'child_process';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_HINT = "install Chromium (Debian and Ubuntu: apt-get install chromium) or name its executable in SSK_CHROMIUM";

/** The Chromium the browser tests drive: SSK_CHROMIUM, else `chromium` or `chromium-browser` on the PATH. Fails, never skips, without one. */
export function chromiumExecutable(): string {
  const named = process.env.SSK_CHROMIUM;
  if (named) return named;
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  throw new Error(`No Chromium for the browser tests: ${CHROMIUM_HINT}`);
}

/** Headless Chromium; without its sandbox when run as root, which Chromium refuses to sandbox. */
export function launchChromium(): Promise<Browser> {
  const root = process.getuid?.() === 0;
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: root ? ['--no-sandbox'] : [] });
}
