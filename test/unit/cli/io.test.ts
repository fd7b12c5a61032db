import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, UsageError } from '../../../src/cli/errors';
import { checkOneStdin, readImages, readJsonFile, readPolicyInput, readTextFile, readValidPolicy, toImageList } from '../../../src/cli/io';
import { InvalidInputError, InvalidPolicyError } from '../../../src/domain/errors';
import { tempFilesEachTest } from '../../support/cli-context';

const FIXTURES = join(__dirname, '../../fixtures/policy/aws-cli');

const files = tempFilesEachTest('ecr-janitor-cli-io-');

/** A context whose standard input holds `stdin`, recording what is said on stderr. */
function context(stdin?: string): { err(line: string): void; readStdin?: () => Promise<string>; said: string[] } {
  const said: string[] = [];
  return { said, err: (line) => void said.push(line), ...(stdin === undefined ? {} : { readStdin: () => Promise.resolve(stdin) }) };
}

describe('cli io', () => {
  describe('readTextFile', () => {
    it.each([
      ['does not exist', (): string => join(files.dir, 'absent.txt'), 'does not exist; check the path'],
      ['is a directory', (): string => files.dir, 'is a directory, not a file; check the path'],
    ])('names the file and what is wrong when it %s', async (_case, path, reason) => {
      // Act
      const act = readTextFile(path(), 'in-use list');

      // Assert
      await expect(act).rejects.toThrow(InvalidInputError);
      await expect(act).rejects.toThrow(`in-use list file ${path()} ${reason}`);
    });

    it('reads a pipe to its end when its writer closes it', async () => {
      // Arrange
      const fifo = join(files.dir, 'list.fifo');
      execFileSync('mkfifo', [fifo]);

      // Act: the read opens the pipe first, the writer then writes and closes.
      const reading = readTextFile(fifo, 'in-use list');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(writer, 'web@sha256:' + 'a'.repeat(64) + '\n');
      closeSync(writer);

      // Assert
      await expect(reading).resolves.toBe(`web@sha256:${'a'.repeat(64)}\n`);
    });

    it('stops waiting for a pipe that never ends when the run is interrupted', async () => {
      // Arrange: a writer that holds the pipe open and never writes.
      const fifo = join(files.dir, 'forever.fifo');
      execFileSync('mkfifo', [fifo]);
      const writer = openSync(fifo, constants.O_RDWR);
      const controller = new AbortController();
      try {
        // Act
        const reading = readTextFile(fifo, 'in-use list', { signal: controller.signal });
        setTimeout(() => controller.abort('interrupted'), 50);

        // Assert
        await expect(reading).rejects.toBeInstanceOf(InterruptedError);
        await expect(reading).rejects.toThrow(`interrupted while reading ${fifo}: nothing was done`);
      } finally {
        closeSync(writer);
      }
    });

    it('stops reading a file when the run was interrupted before', async () => {
      const controller = new AbortController();
      controller.abort('interrupted');

      await expect(readTextFile(files.write('list.txt', 'x'), 'in-use list', { signal: controller.signal })).rejects.toBeInstanceOf(
        InterruptedError,
      );
    });
  });

  describe('readJsonFile', () => {
    it('ignores a UTF-8 byte-order mark', async () => {
      // Arrange
      const path = files.write('bom.json', '\uFEFF{"a":1}');

      // Act
      const doc = await readJsonFile(path, 'snapshot');

      // Assert
      expect(doc).toEqual({ a: 1 });
    });

    it('names the file, or standard input, when the JSON is malformed', async () => {
      // Arrange
      const path = files.write('broken.json', '{"a":');

      // Act
      const fromFile = await readJsonFile(path, 'snapshot').catch((error: unknown) => error);
      const fromStdin = await readJsonFile('-', 'images', context('[1,')).catch((error: unknown) => error);

      // Assert
      expect(fromFile).toBeInstanceOf(InvalidInputError);
      expect((fromFile as Error).message).toMatch(`snapshot file ${path} is not valid JSON: `);
      expect((fromStdin as Error).message).toMatch(/^images file standard input is not valid JSON: /);
    });

    it('refuses "-" where there is no standard input to read', async () => {
      // Act
      const act = readJsonFile('-', 'images', context());

      // Assert
      await expect(act).rejects.toThrow('images: standard input ("-") cannot be read here; pass a file');
    });
  });

  describe('readPolicyInput', () => {
    it('reads the policy inside AWS CLI output and says on stderr which shape it recognised', async () => {
      // Arrange
      const path = join(FIXTURES, 'get-lifecycle-policy.json');
      const ctx = context();

      // Act
      const { text, name } = await readPolicyInput(path, ctx);

      // Assert
      expect(name).toBe(path);
      expect(JSON.parse(text)).toHaveProperty('rules');
      expect(ctx.said).toEqual([expect.stringContaining(`${path}: read the lifecycle policy from the "lifecyclePolicyText"`)]);
    });

    it('says nothing about the shape of a bare policy', async () => {
      // Arrange
      const ctx = context(JSON.stringify({ rules: [] }));

      // Act
      const { name } = await readPolicyInput('-', ctx);

      // Assert
      expect(name).toBe('standard input');
      expect(ctx.said).toEqual([]);
    });
  });

  describe('readValidPolicy', () => {
    it('gives the parsed policy with its text', async () => {
      // Arrange
      const fixture = JSON.parse(readFileSync(join(FIXTURES, 'get-lifecycle-policy.json'), 'utf8')) as { lifecyclePolicyText: string };
      const path = files.write('policy.json', fixture.lifecyclePolicyText);

      // Act
      const { policy, text } = await readValidPolicy(path, context());

      // Assert
      expect(policy.rules).toHaveLength(1);
      expect(text).toBe(fixture.lifecyclePolicyText);
    });

    it('throws the problems of an invalid policy, naming the file', async () => {
      // Arrange
      const path = files.write('invalid.json', { rules: [{ rulePriority: 0 }] });

      // Act
      const act = readValidPolicy(path, context());

      // Assert
      await expect(act).rejects.toThrow(InvalidPolicyError);
      await expect(act).rejects.toThrow(`policy file ${path}`);
    });
  });

  describe('toImageList', () => {
    const image = { imageDigest: 'sha256:a', imageTags: ['v1'] };

    it.each([
      ['a JSON array of images', [image]],
      ['"aws ecr describe-images" output', { imageDetails: [image] }],
    ])('accepts %s', (_case, doc) => {
      // Act
      const images = toImageList(doc, 'images file i.json');

      // Assert
      expect(images).toEqual([image]);
    });

    it.each([
      ['anything else', { images: [image] }, 'images file i.json must hold a JSON array of images'],
      ['an image without a digest', [image, { imageTags: [] }], 'images file i.json: image #2 has no "imageDigest"'],
      [
        'tags that are not strings',
        [{ ...image, imageTags: [1] }],
        'images file i.json: image #1 has "imageTags" that is not a list of strings',
      ],
    ])('refuses %s, naming the source', (_case, doc, message) => {
      // Act
      const act = (): unknown => toImageList(doc, 'images file i.json');

      // Assert
      expect(act).toThrow(InvalidInputError);
      expect(act).toThrow(message);
    });
  });

  describe('readImages', () => {
    it('reads the images of a file', async () => {
      // Arrange
      const path = files.write('images.json', { imageDetails: [{ imageDigest: 'sha256:a' }] });

      // Act
      const images = await readImages(path, context());

      // Assert
      expect(images).toEqual([{ imageDigest: 'sha256:a' }]);
    });
  });

  describe('checkOneStdin', () => {
    it('lets one argument read standard input, and refuses two', () => {
      // Act
      const one = (): void => checkOneStdin('-', 'images.json', undefined);
      const two = (): void => checkOneStdin('-', '-');

      // Assert
      expect(one).not.toThrow();
      expect(two).toThrow(UsageError);
      expect(two).toThrow('only one argument can be read from standard input ("-"); pass the others as files');
    });
  });
});
