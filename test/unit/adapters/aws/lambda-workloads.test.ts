import {
  GetFunctionCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { LIST_FUNCTIONS_PAGE_SIZE, LambdaWorkloadScanner } from '../../../../src/adapters/aws/lambda-workloads';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const REGISTRY = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;

function digest(i: number): string {
  return `sha256:${i.toString(16).padStart(64, '0')}`;
}

function fn(name: string, version: string, packageType: 'Image' | 'Zip' = 'Image'): FunctionConfiguration {
  return { FunctionName: name, Version: version, PackageType: packageType };
}

let client = new LambdaClient({ region: REGION, credentials: TEST_CREDENTIALS });
let lambdaMock = mockClient(client);

beforeEach(() => {
  client = new LambdaClient({ region: REGION, credentials: TEST_CREDENTIALS });
  lambdaMock = mockClient(client);
});

describe('LambdaWorkloadScanner', () => {
  describe('scan', () => {
    it('reads every page of every version, 50 a page, and asks GetFunction only for image versions', async () => {
      // Arrange: two pages; a zip function in between.
      lambdaMock
        .on(ListFunctionsCommand)
        .resolvesOnce({ Functions: [fn('api', '$LATEST'), fn('api', '3'), fn('cron', '$LATEST', 'Zip')], NextMarker: 'm2' })
        .resolvesOnce({ Functions: [fn('worker', '$LATEST')] });
      lambdaMock.on(GetFunctionCommand).callsFake((input: { FunctionName: string; Qualifier: string }) => ({
        Code: {
          ImageUri: `${REGISTRY}/${input.FunctionName}:latest`,
          ResolvedImageUri: `${REGISTRY}/${input.FunctionName}@${digest(input.Qualifier === '3' ? 3 : 1)}`,
        },
      }));

      // Act
      const images = (await new LambdaWorkloadScanner({ client, region: REGION }).scan()).images;

      // Assert
      expect(lambdaMock).toHaveReceivedNthCommandWith(1, ListFunctionsCommand, {
        FunctionVersion: 'ALL',
        MaxItems: LIST_FUNCTIONS_PAGE_SIZE,
      });
      expect(lambdaMock).toHaveReceivedNthCommandWith(2, ListFunctionsCommand, { FunctionVersion: 'ALL', MaxItems: 50, Marker: 'm2' });
      expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionCommand, 3);
      expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, { FunctionName: 'api', Qualifier: '3' });
      expect(images).toEqual([
        { image: `${REGISTRY}/api@${digest(1)}`, consumer: 'lambda:api:$LATEST' },
        { image: `${REGISTRY}/api@${digest(3)}`, consumer: 'lambda:api:3' },
        { image: `${REGISTRY}/worker@${digest(1)}`, consumer: 'lambda:worker:$LATEST' },
      ]);
    });

    it('uses the configured image only when it is pinned by digest, when no resolved image is given', async () => {
      // Arrange
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('pinned', '$LATEST'), fn('tagged', '$LATEST')] });
      lambdaMock.on(GetFunctionCommand, { FunctionName: 'pinned' }).resolves({ Code: { ImageUri: `${REGISTRY}/pinned@${digest(5)}` } });
      lambdaMock.on(GetFunctionCommand, { FunctionName: 'tagged' }).resolves({ Code: { ImageUri: `${REGISTRY}/tagged:v1` } });

      // Act
      const images = (await new LambdaWorkloadScanner({ client, region: REGION }).scan()).images;

      // Assert
      expect(images).toEqual([{ image: `${REGISTRY}/pinned@${digest(5)}`, consumer: 'lambda:pinned:$LATEST' }]);
    });

    it('uses a digest-pinned configured image when the resolved one does not parse', async () => {
      // Arrange
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('odd', '1')] });
      lambdaMock.on(GetFunctionCommand).resolves({
        Code: { ImageUri: `${REGISTRY}/odd@${digest(6)}`, ResolvedImageUri: `${REGISTRY}/odd@sha256@sha256:${'0'.repeat(64)}` },
      });

      // Act / Assert
      await expect(new LambdaWorkloadScanner({ client, region: REGION }).scan()).resolves.toEqual({
        images: [{ image: `${REGISTRY}/odd@${digest(6)}`, consumer: 'lambda:odd:1' }],
        warnings: [],
      });
    });

    it('skips a function deleted between the listing and GetFunction', async () => {
      // Arrange
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('gone', '$LATEST')] });
      lambdaMock.on(GetFunctionCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));

      // Act / Assert
      await expect(new LambdaWorkloadScanner({ client, region: REGION }).scan()).resolves.toEqual({ images: [], warnings: [] });
    });

    it('throws when Lambda denies access, so the region is judged unknown', async () => {
      // Arrange
      const denied = Object.assign(new Error('User is not authorized to perform lambda:GetFunction'), { name: 'AccessDeniedException' });
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('api', '$LATEST')] });
      lambdaMock.on(GetFunctionCommand).rejects(denied);

      // Act / Assert
      await expect(new LambdaWorkloadScanner({ client, region: REGION }).scan()).rejects.toThrow('lambda:GetFunction');
    });

    it('keeps at most the configured number of GetFunction calls in flight', async () => {
      // Arrange: 12 image versions, each answer held until released.
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: Array.from({ length: 12 }, (_, i) => fn(`f${i}`, '$LATEST')) });
      let inFlight = 0;
      let most = 0;
      lambdaMock.on(GetFunctionCommand).callsFake(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return { Code: { ResolvedImageUri: `${REGISTRY}/f@${digest(1)}` } };
      });

      // Act
      const images = (await new LambdaWorkloadScanner({ client, region: REGION, callsInFlight: 3 }).scan()).images;

      // Assert
      expect(images).toHaveLength(12);
      expect(most).toBe(3);
    });
  });

  describe('throttling, through the real retry stack', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a throttled ListFunctions and counts the retry', async () => {
      // Arrange: Lambda's REST calls carry no target header; the fake transport scripts them by path.
      const { requestHandler, received } = fakeEcrTransport({
        '/2015-03-31/functions': [
          { status: 429, error: 'TooManyRequestsException', message: 'Rate exceeded' },
          { body: { Functions: [] } },
        ],
      });
      const counter = new CallCounter();
      const [lambda] = createWorkloadScannerPool({ sources: ['lambda'], counter, credentials: TEST_CREDENTIALS, requestHandler })(REGION);

      // Act
      const images = (await settleWithFakeTimers((lambda as LambdaWorkloadScanner).scan())).images;

      // Assert
      expect(images).toEqual([]);
      expect(received).toHaveLength(2);
      expect(counter.snapshot()).toEqual({ calls: { ListFunctions: 1, total: 1 }, retries: { ListFunctions: 1 } });
    });
  });
});
