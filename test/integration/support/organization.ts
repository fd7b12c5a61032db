// An AWS Organization on moto: accounts made with Organizations `CreateAccount`, each with its own
// registry reached by assuming a role in it (moto gives every account its own resources, and lets any
// role be assumed, existing or not), and a proxy in front of moto that refuses to let chosen accounts'
// roles be assumed, as IAM refuses a role that does not exist or does not trust the caller.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { MOTO_ACCOUNT_ID, MOTO_REGION, motoClientConfig, motoEndpoint, type MotoClientConfig } from './moto';

/** One account of the test organization. */
export interface TestAccount {
  accountId: string;
  name: string;
}

/**
 * Creates the organization (moto's default account is its management account) and one account per
 * name, in the order given.
 *
 * @example const [plain, teams, busy] = await createOrganization(['plain', 'teams', 'busy']);
 */
export async function createOrganization(names: readonly string[]): Promise<TestAccount[]> {
  const organizations = new OrganizationsClient(motoClientConfig());
  try {
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const accounts: TestAccount[] = [];
    for (const name of names) {
      const out = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      const accountId = out.CreateAccountStatus?.AccountId;
      if (accountId === undefined) throw new Error(`moto created no account for ${name}`);
      accounts.push({ accountId, name });
    }
    return accounts;
  } finally {
    organizations.destroy();
  }
}

/**
 * Client settings for moto as `accountId`: the management account's own keys for it, else the
 * credentials of `OrganizationAccountAccessRole` assumed in it.
 *
 * @example const ecr = new ECRClient(await configIn(account.accountId, 'eu-west-1'));
 */
export async function configIn(accountId: string, region: string = MOTO_REGION): Promise<MotoClientConfig> {
  const base = motoClientConfig(region);
  if (accountId === MOTO_ACCOUNT_ID) return base;
  const sts = new STSClient(base);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'seed' }),
    );
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new Error(`moto gave no credentials for ${accountId}`);
    return {
      ...base,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    } as MotoClientConfig;
  } finally {
    sts.destroy();
  }
}

/** An ECR client of `accountId` on moto. Destroy it when done. */
export async function ecrClientIn(accountId: string, region: string = MOTO_REGION): Promise<ECRClient> {
  return new ECRClient(await configIn(accountId, region));
}

/**
 * An ECS service in `accountId` that runs `image` (a cluster `prod` made if needed): what the in-use
 * guard reads in that account.
 */
export async function createServiceIn(accountId: string, name: string, image: string, region: string = MOTO_REGION): Promise<void> {
  const ecs = new ECSClient(await configIn(accountId, region));
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: name, containerDefinitions: [{ name: 'app', image, memory: 128 }] }));
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: name, taskDefinition: name, desiredCount: 1 }));
  } finally {
    ecs.destroy();
  }
}

/** The image reference of `digest` in `repository` of `accountId`'s registry. */
export function imageIn(accountId: string, repository: string, digest: string, region: string = MOTO_REGION): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`;
}

/** A running proxy: its endpoint, the AssumeRole calls it refused, and how to stop it. */
export interface RefusingProxy {
  endpoint: string;
  readonly refused: string[];
  close(): Promise<void>;
}

/** STS's answer to an AssumeRole the caller may not make (the shape of real STS, query protocol). */
function accessDenied(roleArn: string): string {
  return (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
    `<Message>User: arn:aws:iam::${MOTO_ACCOUNT_ID}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message>` +
    '</Error><RequestId>refused-by-test-proxy</RequestId></ErrorResponse>'
  );
}

/**
 * A proxy in front of moto that forwards every request unchanged, except `AssumeRole` into one of
 * `refusedAccounts`, which it answers as STS answers a role that does not exist or does not trust the
 * caller: HTTP 403, `AccessDenied`.
 *
 * @example const proxy = await refusingProxy([busy.accountId]); … ['--endpoint', proxy.endpoint] …; await proxy.close();
 */
export async function refusingProxy(refusedAccounts: readonly string[]): Promise<RefusingProxy> {
  const target = new URL(motoEndpoint());
  const refused: string[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const roleArn = form.get('RoleArn') ?? '';
      if (form.get('Action') === 'AssumeRole' && refusedAccounts.some((id) => roleArn.includes(`::${id}:`))) {
        refused.push(roleArn);
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(accessDenied(roleArn));
        return;
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
