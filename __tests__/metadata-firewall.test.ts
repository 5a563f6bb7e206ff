import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { METADATA_ADDRESSES, metadataFirewallRules } from '../modules/ssm-instance';
import { tempDir } from './helpers';

/**
 * The metadata firewall every instance and fleet boots with, loaded by real nftables into a network
 * namespace of its own beside a stand-in metadata service on 169.254.169.254: root gets its token
 * (the agent, which records with the instance role's credentials), any other user is refused (a
 * session's OS user), as "Limit access to the Instance Metadata Service" (EC2 User Guide) has it with
 * iptables' owner match. Needs nftables (`nft`), iproute2 and root, as CI has (README, Set-up), or
 * passwordless sudo.
 */

const STAND_IN = String.raw`
import http.server, socketserver
class Metadata(http.server.BaseHTTPRequestHandler):
    # IMDSv2: PUT /latest/api/token answers a token ("Use the Instance Metadata Service to access instance metadata").
    def do_PUT(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"a-token")
    def log_message(self, *args): pass
socketserver.TCPServer(("${METADATA_ADDRESSES.ipv4}", 80), Metadata).serve_forever()
`;

const PROBE = String.raw`
import urllib.request
try:
    request = urllib.request.Request("http://${METADATA_ADDRESSES.ipv4}/latest/api/token", method="PUT", headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})
    print("token:" + urllib.request.urlopen(request, timeout=2).read().decode())
except Exception as e:
    print("refused:" + type(e).__name__)
`;

/** Root's and another user's answers from the stand-in, in a fresh network namespace, with the rules loaded or not. */
function probe(rules: string | undefined): { root: string; other: string } {
  const dir = tempDir('metadata-firewall');
  fs.chmodSync(dir, 0o755);
  const files = { rules: path.join(dir, 'rules.nft'), standIn: path.join(dir, 'stand-in.py'), probe: path.join(dir, 'probe.py') };
  fs.writeFileSync(files.rules, rules ?? '');
  fs.writeFileSync(files.standIn, STAND_IN);
  fs.writeFileSync(files.probe, PROBE);
  for (const file of Object.values(files)) fs.chmodSync(file, 0o644);
  // The system's Python, which any user may run (a per-user install may be unreadable to nobody).
  const script = [
    'set -e',
    'ip link set lo up',
    `ip addr add ${METADATA_ADDRESSES.ipv4}/32 dev lo`,
    `/usr/bin/python3 ${files.standIn} & server=$!`,
    `for i in $(seq 50); do /usr/bin/python3 -c 'import socket; socket.create_connection(("${METADATA_ADDRESSES.ipv4}", 80), 1)' 2>/dev/null && break; sleep 0.1; done`,
    ...(rules ? [`nft -f ${files.rules}`] : []),
    `echo "root=$(/usr/bin/python3 ${files.probe})"`,
    `echo "other=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 ${files.probe})"`,
    'kill $server',
  ].join('\n');
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = spawnSync(asRoot[0] ?? 'unshare', [...asRoot.slice(1), ...(asRoot.length ? ['unshare'] : []), '--net', 'bash', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`the namespace run failed (it needs nft, ip, setpriv and root or passwordless sudo):\n${run.stderr}`);
  const answer = (who: string) => /^(\w+)=(.*)$/m.exec(run.stdout.split('\n').find((l) => l.startsWith(`${who}=`)) ?? '')?.[2] ?? '';
  return { root: answer('root'), other: answer('other') };
}

describe('the metadata firewall, loaded by real nftables', () => {
  it('lets root get a token and refuses every other user', () => {
    expect(probe(metadataFirewallRules())).toEqual({ root: 'token:a-token', other: 'refused:URLError' });
  });

  it('is what refuses them: without the rules, the other user gets a token too', () => {
    expect(probe(undefined)).toEqual({ root: 'token:a-token', other: 'token:a-token' });
  });
});
