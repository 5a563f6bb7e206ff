import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../config/load';
import { parseArguments } from '../scripts/review';
import { awsReviewSource } from '../scripts/lib/review-data';
import { startReviewServer, type ReviewServer } from '../scripts/lib/review-server';
import { launchChromium } from './support/browser';
import { startEmulator, type Emulator } from './support/emulator';
import { StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { BATCHES, emulatorVariables, engineers, fromTheInstance, INSTANCE, recordingPlace } from './support/recorded-sessions';

/**
 * `npm run review`: its server against the AWS emulator, holding sessions recorded as the agent
 * records them, and its page in real headless Chromium (playwright-core driving Debian's chromium).
 */
jest.setTimeout(120_000);
// What the page's own scripts see, evaluated in the browser (the project's types leave the DOM out).
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const env = loadConfig().environments.find((e) => e.name === 'dev')!;

// A session's output meant to act on whoever reviews it: markup and script for the page, escape
// sequences for a terminal or the player (OSC 52 writes the clipboard, OSC 0 the window's title).
const HOSTILE = [
  'sh-5.2$ cat notes.html\r\n',
  '<script>window.__pwned = "script"</script>\r\n',
  '<img src=x onerror="window.__pwned = \'img\'">\r\n',
  '\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned title\x07\x1b[6n\r\n',
  'sh-5.2$ exit\r\n',
].join('');

let emulator: Emulator;
let place: Awaited<ReturnType<typeof recordingPlace>>;
let server: ReviewServer;
let browser: Browser;
const saved: Record<string, string | undefined> = {};

/** The sessions' ids, as Session Manager gave them. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  emulator = await startEmulator();
  place = await recordingPlace(env, emulator.url);
  const ssm = engineers(emulator.url, env.region, ['alice', 'bob', 'mallory']);
  for (const [name, client] of Object.entries(ssm)) ids[name] = (await client.send(new StartSessionCommand({ Target: INSTANCE }))).SessionId!;
  await place.stream(ids.alice);
  await place.transcript(ids.alice, BATCHES.map((b) => b.raw).join(''));
  await place.transcript(ids.bob, 'sh-5.2$ whoami\r\nssm-operator\r\n');
  await place.transcript(ids.bob, 'sh-5.2$ whoami\r\nnobody here\r\n');
  await place.transcript(ids.mallory, HOSTILE);
  // 50 MB of output: shown in part, never all at once.
  await place.transcript('trudy-0a1b2c3d4e5f60009', `${'sh-5.2$ yes\r\n'}${'y\r\n'.repeat(50 * 1024 * 1024 / 3)}`);
  // Objects under a session's sign-offs that are not sign-offs: a body of another shape, a key too deep.
  await place.object(`reviews/${ids.mallory}/carol/2026-12-03T10:00:00.000Z.json`, '{"at":1,"note":{"x":1}}');
  await place.object(`reviews/${ids.mallory}/dave/carol/2026-12-03T10:00:00.000Z.json`, '{"at":"2026-12-03T10:00:00.000Z","note":"dave says fine"}');
  for (const name of ['alice', 'bob']) await ssm[name].send(new TerminateSessionCommand({ SessionId: ids[name] }));
  Object.values(ssm).forEach((c) => c.destroy());
  // During mallory's session, a call with the instance's own credentials: an instance profile's role
  // session is named after the instance ("IAM roles for Amazon EC2"). It starts a session elsewhere.
  await fromTheInstance(emulator.url, env.region, (client) => client.send(new StartSessionCommand({ Target: 'i-0fedcba9876543210' })));
  // The server reads with the SDK's own settings, as `npm run review` does.
  for (const [key, value] of Object.entries(emulatorVariables(emulator.url))) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  server = await startReviewServer(awsReviewSource(env, { since: new Date(0) }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  place?.close();
  await emulator?.stop();
});

/** A page signed in through the one-time link, with every script error and dialog it meets recorded. */
async function reviewPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { page, problems };
}

let signedIn: { page: Page; problems: string[] };

describe('the review page, in headless Chromium', () => {
  beforeAll(async () => {
    signedIn = await reviewPage();
    await signedIn.page.goto(server.url);
    await signedIn.page.waitForSelector('#sessions tbody tr');
  });

  const session = (id: string) => `#sessions tbody tr[data-session="${id}"]`;
  /** Picks a session and waits until the page shows it (not the one before). */
  async function open(page: Page, id: string): Promise<void> {
    await page.click(session(id));
    await page.waitForFunction((want: string) => document.querySelector('#detail-title').textContent === want, id);
  }

  it('lists the sessions with who, where, when and the findings', async () => {
    const { page } = signedIn;
    // The three engineers', the one started from alice's instance during mallory's, and a transcript of 50 MB nobody started.
    expect(await page.locator('#sessions tbody tr').count()).toBe(5);
    expect(await page.locator(session(ids.alice)).innerText()).toMatch(new RegExp(`^${ids.alice}\\s+user/alice\\s+${INSTANCE}\\s+\\d{4}-\\d{2}-\\d{2} [\\d:]+\\s+\\d{4}-\\d{2}-\\d{2} [\\d:]+\\s+\\d+s\\s+1 version\\s+no\\s+ok$`));
    expect(await page.locator(session(ids.bob)).innerText()).toMatch(/2 versions\s+no\s+rewritten-transcript$/);
    expect(await page.locator('#status').innerText()).toBe('5 sessions, 2 flagged, 5 not reviewed');
    expect(new URL(page.url()).search).toBe('');
  });

  it("plays a session from its stream, with the agent's times", async () => {
    const { page } = signedIn;
    await open(page, ids.alice);
    await page.waitForSelector('#player .ap-player');
    expect(await page.locator('#detail-note').innerText()).toBe('replayed from the CloudWatch stream, with its timing; the S3 transcript agrees');
    await page.locator('#player .ap-player').click();
    await page.waitForFunction(() => document.querySelector('#player')!.textContent!.includes('load average'), undefined, { timeout: 20_000 });
    expect(await page.locator('#player').innerText()).toContain('sh-5.2$ uptime');
  });

  it("lists the session's CloudTrail records: who started it, and who ended it", async () => {
    const rows = await signedIn.page.locator('#events tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(1, 3))).toEqual([['StartSession', 'user/alice'], ['TerminateSession', 'user/alice']]);
  });

  it('lists, beside its records, the calls made with its instance\'s credentials while it was open', async () => {
    const { page } = signedIn;
    await open(page, ids.mallory);
    const rows = (await page.locator('#events tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(1, 3));
    expect(rows).toEqual([['StartSession', 'user/mallory'], ['StartSession (from the instance)', `assumed-role/ssm-session-kit-dev-instance/${INSTANCE}`]]);
    await open(page, ids.alice);
  });

  it('finds a command in the transcript', async () => {
    const { page } = signedIn;
    await page.fill('#search-query', 'UPTIME');
    await page.click('#search button');
    await page.waitForSelector('#search-results li');
    expect(await page.locator('#search-results li').allTextContents()).toEqual(['0.0s  sh-5.2$ uptime']);
  });

  it('shows both versions of a rewritten transcript side by side', async () => {
    const { page } = signedIn;
    await open(page, ids.bob);
    await page.waitForFunction(() => document.querySelectorAll('#versions .version').length === 2);
    const versions = await page.locator('#versions .version pre').allInnerTexts();
    expect(versions.map((v) => v.trim())).toEqual(['sh-5.2$ whoami\nssm-operator', 'sh-5.2$ whoami\nnobody here']);
    expect(await page.locator('#detail-note').innerText()).toMatch(/WITHOUT timing.*written 2 times/);
  });

  it('shows a hostile transcript as text: no script runs, no image loads, the title and clipboard stay', async () => {
    const { page, problems } = signedIn;
    await open(page, ids.mallory);
    await page.waitForSelector('#player .ap-player');
    await page.locator('#player .ap-player').click();
    await page.waitForFunction(() => document.querySelector('#player')!.textContent!.includes('sh-5.2$ exit'), undefined, { timeout: 20_000 });
    const shown = await page.locator('#versions pre').innerText();
    expect(shown).toContain('<script>window.__pwned = "script"</script>');
    expect(shown).toContain('\\x1b]52;c;cm0gLXJmIH4=\\x07');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('#detail img, #detail script').length)).toBe(0);
    expect(await page.title()).toBe('Session review');
    expect(await page.locator('#player').innerText()).not.toContain('pwned title');
    // What is planted under its sign-offs is counted, never shown as one.
    expect(await page.locator('#sign-offs li').allTextContents()).toEqual([
      "2 object(s) under this session's sign-offs that are not sign-offs: look at them in the bucket",
    ]);
    expect(problems).toEqual([]);
  });

  it('shows a transcript of 50 MB in part, and says how much more there is', async () => {
    const { page, problems } = signedIn;
    await open(page, 'trudy-0a1b2c3d4e5f60009');
    await page.waitForSelector('#player .ap-player');
    const text = await page.locator('#versions pre').textContent();
    expect(text!.length).toBeLessThan(1_100_000);
    expect(text).toMatch(/\[\d+ more characters not shown: npm run replay -- <env> <session-id> --cast FILE has it all\]\n$/);
    expect(problems).toEqual([]);
  });

  it('keeps a sign-off, which shows after a reload, its note as text', async () => {
    const { page } = signedIn;
    await open(page, ids.bob);
    await page.fill('#sign-off-note', 'Compared both versions: <b>the second</b> is not the agent\'s');
    await page.click('#sign-off button');
    await page.waitForFunction(() => document.querySelector('#sign-off-status').textContent === 'Signed off.');
    await page.reload();
    await page.waitForSelector('#sessions tbody tr');
    expect(await page.locator(session(ids.bob)).innerText()).toMatch(/2 versions\s+yes\s+rewritten-transcript$/);
    expect(await page.locator('#status').innerText()).toBe('5 sessions, 2 flagged, 4 not reviewed');
    await open(page, ids.bob);
    await page.waitForSelector('#sign-offs li');
    expect(await page.locator('#sign-offs li').allTextContents()).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} [\d:]+  (user\/|assumed-role\/|root)?.*: Compared both versions: <b>the second<\/b> is not the agent's$/),
    ]);
    expect(await page.evaluate(() => document.querySelectorAll('#sign-offs b').length)).toBe(0);
  });

  it('draws the page the guide shows', async () => {
    const { page } = signedIn;
    await open(page, ids.alice);
    await page.waitForSelector('#player .ap-player');
    await page.locator('#player .ap-player').click();
    await page.waitForFunction(() => document.querySelector('#player')!.textContent!.includes('load average'), undefined, { timeout: 20_000 });
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    // SSK_UPDATE_SCREENSHOTS=1 writes it into the guide's images.
    if (process.env.SSK_UPDATE_SCREENSHOTS) fs.writeFileSync(path.join(__dirname, '..', 'docs', 'images', 'review-page.png'), shot);
  });
});

/** A raw request, as any local process or another site in the reviewer's browser could send it. */
function request(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: pathname, method, headers: { Host: `${hostname}:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the review page's server", () => {
  const sessionToken = () => signedIn.page.evaluate(() => sessionStorage.getItem('ssk-review-session'));
  const origin = () => ({ Origin: server.origin });

  it('answers on 127.0.0.1 only, and only to the holder of its one-time link', async () => {
    expect(new URL(server.origin).hostname).toBe('127.0.0.1');
    // The token is in the fragment, which a browser never sends, nor puts in a Referer.
    expect(new URL(server.url).hash).toMatch(/^#token=[0-9a-f]{64}$/);
    expect((await request('/api/sessions')).status).toBe(403);
    expect((await request('/api/sessions', { Authorization: `Bearer ${new URL(server.url).hash.slice(7)}` })).status).toBe(403);
    expect((await request('/api/sign-in', { ...origin(), Authorization: 'Bearer 0000' }, 'POST')).status).toBe(403);
    // The page's link was spent once, by the browser above: it opens nothing again.
    expect((await request('/api/sign-in', { ...origin(), Authorization: `Bearer ${new URL(server.url).hash.slice(7)}` }, 'POST')).status).toBe(403);
  });

  it('sets no cookie, which any other port of 127.0.0.1 would be sent: the session token stays in the tab', async () => {
    const page = await request('/');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(await signedIn.page.context().cookies()).toEqual([]);
    expect(await sessionToken()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses another host name (DNS rebinding) and writes from another origin, even with the session token', async () => {
    const bearer = { Authorization: `Bearer ${await sessionToken()}` };
    expect((await request('/api/sessions', bearer)).status).toBe(200);
    expect((await request('/api/sessions', { ...bearer, Host: `rebound.example:${new URL(server.origin).port}` })).status).toBe(421);
    expect((await request(`/api/sessions/${ids.bob}/sign-off`, { ...bearer, Origin: 'https://evil.example', 'Content-Type': 'application/json' }, 'POST')).status).toBe(403);
    expect((await request(`/api/sessions/${ids.bob}/sign-off`, { ...bearer, ...origin(), 'Content-Type': 'text/plain' }, 'POST')).status).toBe(415);
    expect((await request('/api/sessions/..%2F..%2Fetc', bearer)).status).toBe(400);
  });

  it('sends its page under a policy that runs its own scripts only, and the player no host strings', async () => {
    const page = await request('/');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const cast = await request(`/api/sessions/${ids.mallory}/cast`, { Authorization: `Bearer ${await sessionToken()}` });
    expect(cast.status).toBe(200);
    expect(cast.body).not.toMatch(/\\u001b\]/);
  });
});

describe('npm run review, its command line', () => {
  it('takes an environment, a window and a port, and refuses what it cannot use', () => {
    const now = new Date('2026-12-03T00:00:00Z');
    expect(parseArguments(['dev', '--since', '7d', '--port', '8123'], now)).toEqual({ environment: 'dev', since: new Date('2026-11-26T00:00:00Z'), port: 8123 });
    expect(() => parseArguments([], now)).toThrow('name an environment');
    expect(() => parseArguments(['dev', '--port', '70000'], now)).toThrow('--port 70000');
  });
});
