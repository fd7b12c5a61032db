import { aggregateInput, planEvent, shardEvent, stepInput } from '../../../../src/adapters/events/weekly-steps';

describe('weekly-steps', () => {
  describe('stepInput', () => {
    it('passes an input of the expected shape through', () => {
      expect(stepInput(shardEvent, { Items: [1, 2], BatchInput: { runId: 'run-1' } }, 'shard')).toEqual({
        Items: [1, 2],
        BatchInput: { runId: 'run-1' },
      });
    });

    it('throws a StepInputError naming the step and the field', () => {
      expect(() => stepInput(planEvent, { runId: '../x' }, 'Plan')).toThrow(
        expect.objectContaining({ name: 'StepInputError', message: expect.stringMatching(/^the Plan step's input .*runId/) }),
      );
    });
  });

  describe('aggregateInput', () => {
    it('reads the key of the map result manifest', () => {
      expect(
        aggregateInput({ runId: 'run-1', map: { ResultWriterDetails: { Bucket: 'b', Key: 'runs/run-1/results/manifest.json' } } }),
      ).toEqual({
        runId: 'run-1',
        resultManifestKey: 'runs/run-1/results/manifest.json',
      });
    });

    it("reads the map's error, with the state machine's defaults for what it left out", () => {
      expect(aggregateInput({ runId: 'run-1', mapError: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'too many' } })).toEqual({
        runId: 'run-1',
        mapError: { error: 'States.ExceedToleratedFailureThreshold', cause: 'too many' },
      });
      expect(aggregateInput({ runId: 'run-1', mapError: {} })).toEqual({ runId: 'run-1', mapError: { error: 'States.Failed', cause: '' } });
    });

    it('is the run id alone when the map said nothing', () => {
      expect(aggregateInput({ runId: 'run-1' })).toEqual({ runId: 'run-1' });
    });
  });
});
