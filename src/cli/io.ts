import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../domain/errors';
import type { ImageDetail } from '../domain/image';

/** Reads a text file, turning file-system errors into messages that name the file and the fix. */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot be read (${(error as Error).message})`;
    throw new InvalidInputError(`${what} file ${path} ${reason}; check the path`, { cause: error });
  }
}

/** Reads and parses a JSON file; malformed JSON gets a message naming the file and the parser's complaint. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readTextFile(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${what} file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Accepts a JSON array of ImageDetail objects or the output of `aws ecr describe-images`
 * (`{"imageDetails":[…]}`) and checks each entry has an `imageDigest`.
 */
export function toImageList(doc: unknown, source: string): ImageDetail[] {
  const list = Array.isArray(doc)
    ? doc
    : typeof doc === 'object' && doc !== null && Array.isArray((doc as { imageDetails?: unknown }).imageDetails)
      ? (doc as { imageDetails: unknown[] }).imageDetails
      : undefined;
  if (!list) {
    throw new InvalidInputError(
      `${source} must hold a JSON array of images or the output of "aws ecr describe-images" ({"imageDetails":[…]})`,
    );
  }
  list.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { imageDigest?: unknown }).imageDigest !== 'string') {
      throw new InvalidInputError(`${source}: image #${i + 1} has no "imageDigest"; every image needs the digest ECR reports`);
    }
    const tags = (entry as { imageTags?: unknown }).imageTags;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
      throw new InvalidInputError(`${source}: image #${i + 1} has "imageTags" that is not a list of strings`);
    }
  });
  return list as ImageDetail[];
}
