import { randomBytes, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { type ReviewSource, SESSION_ID } from './review-data';

/**
 * The review page's server: on 127.0.0.1 only, at a random port, for whoever holds the one-time token
 * in the link it prints. The token is in the link's fragment, which the browser never sends: the page
 * spends it once (`POST /api/sign-in`) for a session token it keeps in the tab's sessionStorage (another
 * port, another origin, cannot read it, as it could a cookie) and sends in a header with every call, which
 * no other site's page can add without the preflight this server never grants. Every request must name
 * this server as its host (no DNS rebinding), every write come from its own origin, and the page may run
 * only its own scripts (Content-Security-Policy): what a transcript holds is shown, never run.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PAGE = path.join(ROOT, 'scripts', 'review-page');
const PLAYER = path.join(ROOT, 'node_modules', 'asciinema-player', 'dist', 'bundle');

/** The page's files, by the path it asks for them. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: path.join(PAGE, 'index.html'), type: 'text/html; charset=utf-8' },
  '/review.js': { file: path.join(PAGE, 'review.js'), type: 'text/javascript; charset=utf-8' },
  '/review.css': { file: path.join(PAGE, 'review.css'), type: 'text/css; charset=utf-8' },
  '/player.js': { file: path.join(PLAYER, 'asciinema-player.min.js'), type: 'text/javascript; charset=utf-8' },
  '/player.css': { file: path.join(PLAYER, 'asciinema-player.css'), type: 'text/css; charset=utf-8' },
};

/** Scripts from this server only (the player compiles its WebAssembly terminal), nothing inline, no frames. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "connect-src 'self'",
  "img-src 'self'", "font-src 'self'", "worker-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');


export interface ReviewServer {
  /** The URL to open, with the one-time token. */
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

export async function startReviewServer(source: ReviewSource, { port = 0 }: { port?: number } = {}): Promise<ReviewServer> {
  const token = randomBytes(32).toString('hex');
  const session = randomBytes(32).toString('hex');
  let tokenUsed = false;
  let origin = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 500, 'text/plain; charset=utf-8', `review: ${e.message}\n`));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    // Another host name resolving here (DNS rebinding) is another origin: refused.
    if (req.headers.host !== new URL(origin).host) return send(res, 421, 'text/plain; charset=utf-8', 'this server answers to its own address only\n');
    if (req.method !== 'GET' && req.headers.origin !== origin) return send(res, 403, 'text/plain; charset=utf-8', 'refused: not from this page\n');
    // The page and the player hold no data: anyone may load them.
    if (req.method === 'GET' && ASSETS[url.pathname]) {
      const asset = ASSETS[url.pathname];
      return send(res, 200, asset.type, fs.readFileSync(asset.file));
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain; charset=utf-8', '');
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (req.method === 'POST' && url.pathname === '/api/sign-in') {
      if (tokenUsed || !same(bearer, token)) return send(res, 403, 'text/plain; charset=utf-8', 'refused: the link is used or wrong; start npm run review again\n');
      tokenUsed = true;
      return json(res, { session });
    }
    if (!same(bearer, session)) return send(res, 403, 'text/plain; charset=utf-8', 'refused: open the link npm run review printed\n');
    if (req.method === 'GET' && url.pathname === '/api/sessions') return json(res, await source.sessions());
    const match = /^\/api\/sessions\/([^/]+)(\/cast|\/search|\/sign-off)?$/.exec(url.pathname);
    if (!match) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    const id = decodeURIComponent(match[1]);
    if (!SESSION_ID.test(id)) return send(res, 400, 'text/plain; charset=utf-8', 'not a session id\n');
    if (req.method === 'POST' && match[2] === '/sign-off') {
      // JSON only: a form another page submits cannot send it (and carries another Origin anyway).
      if (req.headers['content-type'] !== 'application/json') return send(res, 415, 'text/plain; charset=utf-8', 'JSON only\n');
      const body = await readBody(req, 16_384);
      const note = typeof body?.note === 'string' ? body.note : '';
      try {
        return json(res, await source.signOff(id, note));
      } catch (e) {
        // The bucket's refusal, as S3 gives it: a sign-off of one's own session, or by someone not a reviewer.
        return send(res, 403, 'text/plain; charset=utf-8', `not signed off: ${(e as Error).name}: ${(e as Error).message}\n`);
      }
    }
    if (req.method === 'GET' && match[2] === '/cast') {
      const cast = await source.cast(id);
      return cast === undefined ? send(res, 404, 'text/plain; charset=utf-8', 'nothing recorded\n') : send(res, 200, 'text/plain; charset=utf-8', cast);
    }
    if (req.method === 'GET' && match[2] === '/search') return json(res, await source.search(id, url.searchParams.get('q') ?? ''));
    if (req.method === 'GET' && !match[2]) return json(res, await source.detail(id));
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type });
  res.end(body);
}

function json(res: http.ServerResponse, value: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** A request's JSON body, of at most `limit` bytes. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<any> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Compared in constant time. */
function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
