import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A stand-in for the AWS APIs the provider calls while planning, on the loopback interface. It
 * answers STS GetCallerIdentity with the account of the caller's access key, so that the provider's
 * real `allowed_account_ids` check runs during an offline plan, and SSM GetParameter for the public
 * Amazon Linux image parameters, and the IAM Identity Center instance and the ids of its groups by
 * name. Any other call, or an unknown access key, fails loudly.
 */
export interface MockAws {
  readonly url: string;
  /** `Service.Action` of every request received, in order. */
  readonly calls: readonly string[];
  /** The body of each of those requests (form-encoded for STS, JSON for SSM). */
  readonly bodies: readonly string[];
  close(): Promise<void>;
}

/** @param accounts the account each access key belongs to */
export async function startMockAws(accounts: ReadonlyMap<string, string>): Promise<MockAws> {
  const calls: string[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const action = typeof target === 'string' ? target : `STS.${new URLSearchParams(body).get('Action')}`;
      calls.push(action);
      bodies.push(body);
      const accountId = accounts.get(accessKeyOf(req.headers.authorization));
      if (action === 'STS.GetCallerIdentity' && accountId) {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(callerIdentity(accountId));
      } else if (action === 'AmazonSSM.GetParameter' && isPublicImageParameter(body)) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(imageParameter(body));
      } else if (IDENTITY_CENTER_READS[action] && accountId) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(IDENTITY_CENTER_READS[action](JSON.parse(body), accountId)));
      } else if (target) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ __type: 'UnsupportedOperation', message: unsupportedMessage(action) }));
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
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The access key id of a Signature Version 4 `Authorization` header (`...Credential=<key>/<date>/...`). */
function accessKeyOf(authorization: string | undefined): string {
  return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1] ?? '';
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

const PUBLIC_IMAGE_PARAMETER = /^\/aws\/service\/ami-amazon-linux-latest\/[a-z0-9._-]+$/;

function isPublicImageParameter(body: string): boolean {
  return PUBLIC_IMAGE_PARAMETER.test((JSON.parse(body) as { Name: string }).Name);
}

/** A realistic image id, distinct per parameter so that x86_64 and arm64 images differ. */
function imageParameter(body: string): string {
  const { Name } = JSON.parse(body) as { Name: string };
  const digits = [...Name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(8, '0');
  return JSON.stringify({
    Parameter: {
      Name,
      Type: 'String',
      Value: `ami-0${digits}00000000`,
      Version: 1,
      DataType: 'aws:ec2:image',
      ARN: `arn:aws:ssm:us-east-1::parameter${Name}`,
      LastModifiedDate: 1767225600,
    },
  });
}

/** A stand-in identity store id and group ids, as "ListInstances" and "GetGroupId"/"DescribeGroup" shape them. */
const IDENTITY_STORE_ID = 'd-0123456789';
const groupIdOf = (name: string) => {
  const hex = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-000000000000`;
};
type Read = (request: any, accountId: string) => object;
const IDENTITY_CENTER_READS: Record<string, Read> = {
  'SWBExternalService.ListInstances': (_request, accountId) => ({
    Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef', IdentityStoreId: IDENTITY_STORE_ID, OwnerAccountId: accountId, Status: 'ACTIVE' }],
  }),
  'AWSIdentityStore.GetGroupId': (request) => ({ GroupId: groupIdOf(request.AlternateIdentifier.UniqueAttribute.AttributeValue), IdentityStoreId: request.IdentityStoreId }),
  'AWSIdentityStore.DescribeGroup': (request) => ({ GroupId: request.GroupId, DisplayName: request.GroupId, ExternalIds: [], IdentityStoreId: request.IdentityStoreId }),
};

function unsupportedMessage(action: string): string {
  return `The offline validation mock does not answer ${action}; a plan must not need it.`;
}

function unsupported(action: string): string {
  return `<ErrorResponse><Error><Type>Sender</Type><Code>UnsupportedOperation</Code>
  <Message>${unsupportedMessage(action)}</Message>
</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
}
