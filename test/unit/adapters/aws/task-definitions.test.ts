import { AccessDeniedException, ClientException, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TaskDefinitionReader } from '../../../../src/adapters/aws/task-definitions';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ARN = (family: string, revision: number) => `arn:aws:ecs:${REGION}:123456789012:task-definition/${family}:${revision}`;
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/report:v1';

let client = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecsMock = mockClient(client);

beforeEach(() => {
  client = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecsMock = mockClient(client);
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: {
      taskDefinitionArn: input.taskDefinition.includes(':task-definition/')
        ? input.taskDefinition
        : ARN(input.taskDefinition.split(':')[0] ?? '', 7),
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'app', image: IMAGE }, { name: 'sidecar' }],
    },
  }));
});

describe('TaskDefinitionReader', () => {
  describe('read', () => {
    it("gives a definition's ARN, status and each container's image", async () => {
      await expect(new TaskDefinitionReader({ client }).read(ARN('report', 3))).resolves.toEqual({
        arn: ARN('report', 3),
        status: 'ACTIVE',
        images: [IMAGE],
      });
    });

    it('describes a definition named with its revision once, however often and however many ask', async () => {
      // Arrange
      const reader = new TaskDefinitionReader({ client });

      // Act
      await Promise.all([reader.read(ARN('report', 3)), reader.read(ARN('report', 3))]);
      await reader.read(ARN('report', 3));
      await reader.read('report:3');

      // Assert: the ARN once, the short form once.
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 2);
    });

    it('describes a family named without a revision again on each later read (its latest revision may change), once for those at the same time', async () => {
      // Arrange
      const reader = new TaskDefinitionReader({ client });

      // Act
      const [first] = await Promise.all([reader.read('report'), reader.read('report')]);
      await reader.read('report');

      // Assert
      expect(first?.arn).toBe(ARN('report', 7));
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 2);
    });

    it('answers undefined for a definition ECS cannot describe: nothing starts from it', async () => {
      // Arrange
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .rejects(new ClientException({ message: 'Unable to describe task definition.', $metadata: {} }));

      // Act / Assert
      await expect(new TaskDefinitionReader({ client }).read(ARN('gone', 1))).resolves.toBeUndefined();
    });

    it('throws any other error, and asks again next time instead of remembering it', async () => {
      // Arrange
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .rejectsOnce(new AccessDeniedException({ message: 'not authorized to perform ecs:DescribeTaskDefinition', $metadata: {} }))
        .resolves({ taskDefinition: { containerDefinitions: [{ image: IMAGE }] } });
      const reader = new TaskDefinitionReader({ client });

      // Act
      const first = reader.read(ARN('report', 1));
      await expect(first).rejects.toThrow('ecs:DescribeTaskDefinition');
      const second = await reader.read(ARN('report', 1));

      // Assert
      expect(second?.images).toEqual([IMAGE]);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 2);
    });

    it('keeps at most callsInFlight calls in flight', async () => {
      // Arrange
      let inFlight = 0;
      let most = 0;
      ecsMock.on(DescribeTaskDefinitionCommand).callsFake(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { taskDefinition: { containerDefinitions: [] } };
      });
      const reader = new TaskDefinitionReader({ client, callsInFlight: 2 });

      // Act
      await Promise.all(Array.from({ length: 6 }, (_, i) => reader.read(ARN('f', i + 1))));

      // Assert
      expect(most).toBe(2);
    });
  });
});
