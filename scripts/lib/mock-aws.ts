import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A stand-in for the AWS APIs the provider calls while planning, on the loopback interface. It
 * answers STS GetCallerIdentity with the account it is given, so that the provider's real
 * `allowed_account_ids` check runs during an offline plan; any other call fails loudly with its name.
 */
export interface MockAws {
  readonly url: string;
  /** `Service.Action` of every request received, in order. */
  readonly calls: readonly string[];
  close(): Promise<void>;
}

export async function startMockAws(accountId: string): Promise<MockAws> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const action = typeof target === 'string' ? target : `STS.${new URLSearchParams(body).get('Action')}`;
      calls.push(action);
      if (action === 'STS.GetCallerIdentity') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(callerIdentity(accountId));
      } else {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(unsupported(action));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function callerIdentity(accountId: string): string {
  return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::${accountId}:assumed-role/offline-validation/terraform</Arn>
    <UserId>AROAOFFLINEVALIDATION:terraform</UserId>
    <Account>${accountId}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
}

function unsupported(action: string): string {
  return `<ErrorResponse><Error><Type>Sender</Type><Code>UnsupportedOperation</Code>
  <Message>The offline validation mock does not answer ${action}; a plan must not need it.</Message>
</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
}
