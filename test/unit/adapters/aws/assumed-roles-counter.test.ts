import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { AssumedRoles, type AssumedRolesOptions } from '../../../../src/adapters/aws/accounts';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';

const IDENTITY_XML =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<Arn>arn:aws:iam::222222222222:user/x</Arn><UserId>x</UserId><Account>222222222222</Account>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

describe('aws/accounts AssumedRoles', () => {
  it("counts the role's STS calls with the run's counter, through the plugin it gives the provider's client", async () => {
    const counter = new CallCounter();
    let plugins: NonNullable<Parameters<NonNullable<AssumedRolesOptions['provider']>>[0]['clientPlugins']> = [];
    const provider: NonNullable<AssumedRolesOptions['provider']> = (options) => {
      plugins = options.clientPlugins ?? [];
      return () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' });
    };
    await new AssumedRoles({
      caller: { accountId: '111111111111', arn: 'arn', partition: 'aws' },
      region: 'eu-west-1',
      counter,
      provider,
    }).open({
      accountId: '222222222222',
    });
    // The provider's STS client, played by one whose transport answers GetCallerIdentity.
    const client = new STSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: (_request: HttpRequest): Promise<{ response: HttpResponse }> =>
          Promise.resolve({
            response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: new TextEncoder().encode(IDENTITY_XML) },
          }),
      },
    });
    for (const plugin of plugins) client.middlewareStack.use(plugin);

    await client.send(new GetCallerIdentityCommand({}));

    expect(counter.snapshot().calls).toEqual({ GetCallerIdentity: 1, total: 1 });
  });
});
