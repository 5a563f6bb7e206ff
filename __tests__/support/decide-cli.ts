import { decide, Request } from '../iam-evaluation';

/**
 * Decides a list of requests (JSON on stdin) and prints the decisions. Policies with wildcard actions
 * make the engine load service data by dynamic import, which hangs inside jest's module sandbox, so
 * tests that need them call this in a plain Node process.
 */
async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request[];
  const decisions = [];
  for (const request of requests) decisions.push(await decide(request));
  process.stdout.write(JSON.stringify(decisions));
}

main();
