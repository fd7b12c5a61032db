// Jest globalSetup of the 'integration' project: installs moto if needed (scripts/moto.sh), starts one
// moto server on a free 127.0.0.1 port and publishes its URL as MOTO_ENDPOINT. Jest starts the test
// processes after globalSetup, so they inherit the variable. global-teardown.ts stops the server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GlobalConfig, ProjectConfig } from 'jest';

/** What globalTeardown needs; both run in jest's main process and share its `globalThis`. */
export interface MotoServerState {
  /** The moto process, or undefined when an external server (MOTO_ENDPOINT set by the user) is used. */
  child?: ChildProcess;
  /** Where moto's output goes (removed by globalTeardown). */
  logFile?: string;
}

/** The `globalThis` property that carries {@link MotoServerState} from setup to teardown. */
export const MOTO_STATE_KEY = '__ecrJanitorMotoServer';

type StateHolder = { [MOTO_STATE_KEY]?: MotoServerState };

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

// Runs moto.server's own entry point, plus a watchdog thread that exits when stdin reaches EOF, i.e.
// when the jest process that holds the other end of the pipe is gone however it ended (crash, Ctrl-C,
// SIGKILL): globalTeardown does not run then, and the server must not outlive the test run.
const LAUNCHER = [
  'import os, sys, threading',
  'def _exit_when_parent_goes():',
  '    sys.stdin.buffer.read()',
  '    os._exit(0)',
  'threading.Thread(target=_exit_when_parent_goes, daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** Starts moto for the integration tests (jest globalSetup). */
export default async function globalSetup(_global: GlobalConfig, project: ProjectConfig): Promise<void> {
  const holder = globalThis as StateHolder;
  const external = process.env.MOTO_ENDPOINT;
  if (external) {
    // A server started by hand (scripts/moto.sh serve): use it, and leave it running afterwards.
    try {
      await waitUntilAnswering(external, 5_000, () => undefined);
    } catch (error) {
      throw new Error(
        `MOTO_ENDPOINT=${external} is set but no server answers there: start it (scripts/moto.sh serve PORT) ` +
          'or unset MOTO_ENDPOINT to let the tests start their own',
        { cause: error },
      );
    }
    holder[MOTO_STATE_KEY] = {};
    return;
  }

  const root = project.rootDir;
  // Fast (a marker check) when the pinned versions are already in .venv; the first run needs PyPI.
  execFileSync('bash', [path.join(root, 'scripts', 'moto.sh'), 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });

  const python = path.join(root, '.venv', 'bin', 'python');
  let lastError: unknown;
  // Another process may take the free port between our probe and moto's bind: try a new port.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      const { child, endpoint, logFile } = await startServer(python);
      holder[MOTO_STATE_KEY] = { child, logFile };
      process.env.MOTO_ENDPOINT = endpoint;
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startServer(python: string): Promise<{ child: ChildProcess; endpoint: string; logFile: string }> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  // A file, not a pipe: moto logs every request, and an unread pipe would fill up and stall it.
  const logFile = path.join(tmpdir(), `ecr-janitor-moto-${process.pid}-${port}.log`);
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(python, ['-c', LAUNCHER, '-H', HOST, '-p', String(port)], {
      stdio: ['pipe', log, log],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  // Neither the process nor its stdin pipe may keep jest alive; the watchdog handles jest's exit.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));

  try {
    await waitUntilAnswering(endpoint, READY_TIMEOUT_MS, () =>
      child.exitCode !== null || child.signalCode !== null
        ? `moto exited (${child.exitCode ?? child.signalCode}) before answering`
        : undefined,
    );
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

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
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
 */
async function waitUntilAnswering(endpoint: string, timeoutMs: number, dead: () => string | undefined): Promise<void> {
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

/** Removes the log of a server that has stopped; used by globalTeardown. */
export function removeLog(file: string | undefined): void {
  if (file) rmSync(file, { force: true });
}
