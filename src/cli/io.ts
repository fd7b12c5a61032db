// What commands read from files and standard input: JSON, lifecycle policies in any pasted shape, image lists.
import { constants, openSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { InvalidInputError } from '../domain/errors';
import type { ImageDetail } from '../domain/image';
import { parsePolicyOrThrow, unwrapPolicyText, type LifecyclePolicy } from '../domain/policy';
import type { CliContext } from './context';
import { InterruptedError, UsageError } from './errors';

/** The file argument that names standard input. */
export const STDIN = '-';

/** How a file argument is named in messages: its path, or "standard input" for `-`. */
export function inputName(path: string): string {
  return path === STDIN ? 'standard input' : path;
}

/**
 * Reads a pipe (`--in-use <(kubectl …)`, a named FIFO) to its end through a non-blocking socket, so
 * that `signal` can stop the wait: a blocked read of the file system would hold a worker thread,
 * and with it the process, however it is told to stop.
 */
function readPipe(path: string, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    // O_NONBLOCK: the open does not wait for a writer; the socket waits for data without a thread.
    const socket = new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
    const chunks: Buffer[] = [];
    const stop = (): void => {
      socket.destroy();
      reject(new InterruptedError(`interrupted while reading ${path}: nothing was done`));
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    socket.once('end', () => {
      signal?.removeEventListener('abort', stop);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/**
 * Reads a text file, turning file-system errors into messages that name the file and the fix. With
 * `signal`, a SIGINT or SIGTERM stops the read, of a pipe that never ends too, with an
 * {@link InterruptedError}.
 */
export async function readTextFile(path: string, what: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  try {
    const kind = await stat(path);
    if (kind.isFIFO() || kind.isSocket()) return await readPipe(path, options.signal);
    return await readFile(path, { encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    if (options.signal?.aborted) throw new InterruptedError(`interrupted while reading ${path}: nothing was done`, { cause: error });
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

/** Reads a file argument: the file, or standard input when it is `-`. */
export async function readInput(path: string, what: string, ctx?: Pick<CliContext, 'readStdin'>): Promise<string> {
  if (path !== STDIN) return readTextFile(path, what);
  if (ctx?.readStdin === undefined) throw new InvalidInputError(`${what}: standard input ("-") cannot be read here; pass a file`);
  return ctx.readStdin();
}

/**
 * Reads and parses a JSON file (or standard input for `-`), ignoring a UTF-8 byte-order mark;
 * malformed JSON gets a message naming the file and the parser's complaint.
 */
export async function readJsonFile(path: string, what: string, ctx?: Pick<CliContext, 'readStdin'>): Promise<unknown> {
  const text = (await readInput(path, what, ctx)).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${what} file ${inputName(path)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads a lifecycle policy argument in any shape people paste (see `unwrapPolicyText`: the bare
 * policy, AWS CLI input or output, a CloudFormation property, a JSON-encoded string), from a file
 * or from standard input for `-`, and says on stderr which shape it recognised.
 *
 * @example const { text, name } = await readPolicyInput('policy.json', ctx);
 */
export async function readPolicyInput(path: string, ctx: Pick<CliContext, 'err' | 'readStdin'>): Promise<{ text: string; name: string }> {
  const name = inputName(path);
  const raw = await readInput(path, 'policy', ctx);
  let unwrapped;
  try {
    unwrapped = unwrapPolicyText(raw);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(`policy file ${name}: ${error.message}`, { cause: error });
    throw error;
  }
  if (unwrapped.via.length > 0) ctx.err(`${name}: read the lifecycle policy from ${unwrapped.via.join(' holding ')}`);
  return { text: unwrapped.text, name };
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

/** Reads and validates a policy argument (any pasted shape); throws the problems, naming the input. */
export async function readValidPolicy(
  path: string,
  ctx: Pick<CliContext, 'err' | 'readStdin'>,
): Promise<{ policy: LifecyclePolicy; text: string; name: string }> {
  const { text, name } = await readPolicyInput(path, ctx);
  return { policy: parsePolicyOrThrow(text, `policy file ${name}`), text, name };
}

/** Reads an images argument: a JSON array of ImageDetail objects or `aws ecr describe-images` output. */
export async function readImages(path: string, ctx: Pick<CliContext, 'readStdin'>): Promise<ImageDetail[]> {
  return toImageList(await readJsonFile(path, 'images', ctx), `images file ${inputName(path)}`);
}

/** Standard input can feed one argument only. */
export function checkOneStdin(...paths: Array<string | undefined>): void {
  if (paths.filter((p) => p === STDIN).length > 1)
    throw new UsageError('only one argument can be read from standard input ("-"); pass the others as files');
}
