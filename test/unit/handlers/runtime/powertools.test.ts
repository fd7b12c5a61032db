import { logger } from '../../../../src/handlers/runtime/powertools';
import { HOSTILE, expectNoRawControls } from '../../../support/hostile-text';
import { captureOutput } from '../../../support/output';

/** The JSON lines `fn` logs. */
async function logged(fn: () => void): Promise<{ text: string; lines: Array<Record<string, unknown>> }> {
  const { output } = await captureOutput(async () => fn());
  const text = output.trim();
  return { text, lines: text.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('handlers/runtime/powertools', () => {
  describe('logger', () => {
    it('writes the bidirectional and C1 characters of a message, its keys and an error as \\uXXXX text, one JSON line each', async () => {
      const { text, lines } = await logged(() => {
        logger.warn(`skipped ${HOSTILE}`, { repositoryName: `team/${HOSTILE}` });
        logger.error('write failed', new Error(`denied ${HOSTILE}`));
      });

      expectNoRawControls(text);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ level: 'WARN', service: 'ecr-janitor' });
      expect(lines[0]?.message).toContain('rtl\\u202e\\u202a');
      expect(lines[0]?.repositoryName).toContain('marks\\u200e\\u200f\\u061c');
      expect((lines[1]?.error as { message: string }).message).toContain('c1\\u007f\\u0085\\u009b');
    });

    it('keeps other text, numbers and line breaks as they are', async () => {
      const { lines } = await logged(() => logger.info('read\ndone', { repositories: 3, region: 'eu-west-1' }));

      expect(lines[0]).toMatchObject({ message: 'read\ndone', repositories: 3, region: 'eu-west-1' });
    });
  });
});
