import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
export const EMULATOR_SCRIPT = path.join(ROOT, 'scripts', 'emulator', 'server.py');
export const FIXTURE_SCRIPT = path.join(ROOT, 'scripts', 'emulator', 'fixture.py');
export const INSTALL_HINT = 'install the AWS emulator with  pip install "moto[server]>=5.1,<6"  (Python 3.9 or later)';

export interface Emulator {
  readonly url: string;
  /** What the server printed, for a failure's message. */
  readonly log: () => string;
  stop(): Promise<void>;
}

/** Fails, never skips, when moto is missing: the walk is the only proof that the stacks apply. */
export function assertEmulatorInstalled(python = 'python3'): void {
  const probe = spawnSync(python, ['-c', 'import moto.server, boto3'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`The AWS emulator is missing (${(probe.error?.message ?? probe.stderr).trim()}): ${INSTALL_HINT}`);
  }
}

/** `npm run emulator` on a free loopback port, until it answers. */
export async function startEmulator(env: NodeJS.ProcessEnv = {}): Promise<Emulator> {
  assertEmulatorInstalled();
  const port = await freePort();
  const child = spawn('python3', [EMULATOR_SCRIPT], {
    env: { ...process.env, ...env, SSK_EMULATOR_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const log = () => output.join('').slice(-20_000);
  const url = `http://127.0.0.1:${port}`;
  // A test runner killed mid-walk must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  try {
    await waitUntilListening(child, port, log);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return { url, log, stop: () => stop(child) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}:\n${log()}`);
    if (await connects(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the emulator did not listen on ${port} within 60 s:\n${log()}`);
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
