// Starts and stops a moto server on 127.0.0.1 from the project's virtual environment (.venv, installed
// by scripts/moto.sh). Shared by `npm run emulator` (scripts/emulator/main.ts) and the integration
// tests' globalSetup/globalTeardown (test/integration/support/).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The only address the server listens on: nothing here is reachable from another machine. */
const MOTO_HOST = '127.0.0.1';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

// Runs moto.server's own entry point, plus a watchdog thread that exits when stdin reaches EOF, i.e.
// when the Node process that holds the other end of the pipe is gone however it ended (crash, Ctrl-C,
// SIGKILL): the server must not outlive the process that started it.
const LAUNCHER = [
  'import os, sys, threading',
  'def _exit_when_parent_goes():',
  '    sys.stdin.buffer.read()',
  '    os._exit(0)',
  'threading.Thread(target=_exit_when_parent_goes, daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** A running moto server. */
export interface MotoServer {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Where moto's output goes; remove it with {@link removeLog} once the server has stopped. */
  logFile: string;
}

/**
 * Installs the pinned moto into `<root>/.venv` if it is not there yet (fast when it is: a marker
 * check) and returns the path of the venv's Python. The first install needs PyPI.
 *
 * @example const python = installMoto(process.cwd());
 */
export function installMoto(root: string): string {
  execFileSync('bash', [path.join(root, 'scripts', 'moto.sh'), 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
  return path.join(root, '.venv', 'bin', 'python');
}

/**
 * Starts moto with `python` on 127.0.0.1 at `port` (default: a free port the OS picks) and waits
 * until it answers. The child is unreferenced (it does not keep Node alive; call `child.ref()` to
 * keep running for it) and is killed when this process exits.
 *
 * @example const server = await startMotoServer(installMoto(root)); // server.endpoint
 */
export async function startMotoServer(python: string, port?: number): Promise<MotoServer> {
  // A port someone else holds would make moto exit while the other program answers our probes.
  if (port !== undefined) await assertPortFree(port);
  const chosen = port ?? (await freePort());
  const endpoint = `http://${MOTO_HOST}:${chosen}`;
  // A file, not a pipe: moto logs every request, and an unread pipe would fill up and stall it.
  const logFile = path.join(tmpdir(), `ecr-janitor-moto-${process.pid}-${chosen}.log`);
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(python, ['-c', LAUNCHER, '-H', MOTO_HOST, '-p', String(chosen)], {
      stdio: ['pipe', log, log],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  // Neither the process nor its stdin pipe may keep Node alive; the watchdog handles Node's exit.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));

  try {
    const exited = (): string | undefined =>
      child.exitCode !== null || child.signalCode !== null
        ? `moto exited (${child.exitCode ?? child.signalCode}) before answering`
        : undefined;
    await waitUntilAnswering(endpoint, READY_TIMEOUT_MS, exited);
    // What answered must be this moto: another program may have taken the port meanwhile.
    await assertMoto(endpoint);
    const gone = exited();
    if (gone !== undefined) throw new Error(gone);
    return { child, endpoint, logFile };
  } catch (error) {
    child.kill('SIGKILL');
    const message = error instanceof Error ? error.message : String(error);
    const output = tail(logFile);
    removeLog(logFile); // its tail is in the message
    throw new Error(`could not start moto on ${endpoint}: ${message}\n--- moto's output (tail) ---\n${output}`, {
      cause: error,
    });
  }
}

/**
 * Stops a server: SIGTERM, then SIGKILL if it has not exited within 5 seconds.
 *
 * @example await stopMotoServer(server.child); removeLog(server.logFile);
 */
export async function stopMotoServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** A port on 127.0.0.1 that another program holds, or that this user may not take: a message with the fix. */
export class PortUnavailableError extends Error {
  constructor(
    readonly port: number,
    readonly code: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} on ${MOTO_HOST} is in use by another program: stop it, or pass another port (npm run emulator -- --port ${port === 65_535 ? 5001 : port + 1}; 0 for any free port)`
        : `port ${port} on ${MOTO_HOST} cannot be used (${code}): pass another port (npm run emulator -- --port 5001; 0 for any free port)`,
    );
    this.name = 'PortUnavailableError';
  }
}

function listenOnce(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: MOTO_HOST, exclusive: true }, () => resolve());
  });
}

/**
 * Resolves when `port` can be listened on at 127.0.0.1; otherwise throws a {@link PortUnavailableError}
 * (EADDRINUSE: another program holds it) that says what to do.
 *
 * @example await assertPortFree(5000);
 */
export async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  try {
    await listenOnce(server, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new PortUnavailableError(port, code);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Throws unless moto answers at `endpoint`: its state API (`/moto-api/data.json`) gives a JSON
 * object. Another HTTP server on the port would otherwise surface later as an SDK deserialization error.
 *
 * @example await assertMoto('http://127.0.0.1:5000');
 */
export async function assertMoto(endpoint: string): Promise<void> {
  let answer: string;
  try {
    const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5_000) });
    answer = response.ok ? await response.text() : `HTTP ${response.status}`;
  } catch (error) {
    answer = String(error instanceof Error ? (error.cause ?? error.message) : error);
  }
  try {
    const parsed = JSON.parse(answer) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return;
  } catch {
    // not JSON: not moto
  }
  const port = new URL(endpoint).port;
  throw new Error(
    `something other than moto answers at ${endpoint} (${answer.slice(0, 80)}): the port is in use by another program; ` +
      `stop it, or pass another port (npm run emulator -- --port ${Number(port) + 1}; 0 for any free port)`,
  );
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, MOTO_HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}

/**
 * Polls until the server answers HTTP at all (any status). `dead` returns a reason to give up early,
 * e.g. when the process has exited.
 *
 * @example await waitUntilAnswering('http://127.0.0.1:5000', 5_000, () => undefined);
 */
export async function waitUntilAnswering(endpoint: string, timeoutMs: number, dead: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = dead();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cause = lastError instanceof Error ? (lastError.cause ?? lastError) : lastError;
  throw new Error(`moto at ${endpoint} did not answer within ${timeoutMs} ms (last error: ${String(cause)})`);
}

function tail(file: string, chars = 4_000): string {
  if (!existsSync(file)) return '(no log)';
  const text = readFileSync(file, 'utf8');
  return text.length > chars ? text.slice(-chars) : text;
}

/** Removes the log of a server that has stopped. */
export function removeLog(file: string | undefined): void {
  if (file) rmSync(file, { force: true });
}
