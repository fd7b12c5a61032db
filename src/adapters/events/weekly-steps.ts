import * as z from 'zod';
import { RUN_ID } from '../../domain/weekly';

// What the state machine gives the weekly run's functions, and what Plan hands it back (see the state
// machine in serverless.yml).

const runId = z.string().regex(RUN_ID, 'a run id: 1 to 80 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Plan: the execution's name as the run id. */
export const planEvent = z.looseObject({ runId });

/** A shard: one Distributed Map batch (ItemBatcher): the items, and the run id as the batch input. */
export const shardEvent = z.looseObject({ Items: z.array(z.unknown()), BatchInput: z.looseObject({ runId }) });

/** Aggregate: the state after the map — its ResultWriter details, or the error it failed with. */
export const aggregateEvent = z.looseObject({
  runId,
  map: z.looseObject({ ResultWriterDetails: z.looseObject({ Key: z.string().min(1) }) }).optional(),
  mapError: z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

/** What Plan hands the state machine: where the items are, for the map's ItemReader. */
export interface PlanStepOutput {
  runId: string;
  bucket: string;
  itemsKey: string;
  itemCount: number;
}

/** A step input that is not what the state machine sends: retrying cannot mend it, so the state machine does not retry it. */
export class StepInputError extends Error {
  override readonly name: string = 'StepInputError';
}

/**
 * Checks a step's input.
 *
 * @throws StepInputError naming what is wrong
 */
export function stepInput<T>(schema: z.ZodType<T>, event: unknown, step: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StepInputError(
      `the ${step} step's input is not what the state machine sends: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/**
 * Aggregate's input as the run reads it: the run id, the key of the map's result manifest (when the
 * map wrote one) and the map's own error (when it failed as a whole).
 *
 * @throws StepInputError naming what is wrong
 */
export function aggregateInput(event: unknown): {
  runId: string;
  resultManifestKey?: string;
  mapError?: { error: string; cause: string };
} {
  const { runId, map, mapError } = stepInput(aggregateEvent, event, 'Aggregate');
  return {
    runId,
    ...(map ? { resultManifestKey: map.ResultWriterDetails.Key } : {}),
    ...(mapError ? { mapError: { error: mapError.Error ?? 'States.Failed', cause: mapError.Cause ?? '' } } : {}),
  };
}
