// Jest globalTeardown of the 'integration' project: stops the moto server that global-setup.ts started.
// Jest runs it after the tests whatever their outcome; if jest itself dies, the server's stdin
// watchdog (see global-setup.ts) ends it instead.
import type { ChildProcess } from 'node:child_process';
import { MOTO_STATE_KEY, removeLog, type MotoServerState } from './global-setup';

const STOP_TIMEOUT_MS = 5_000;

/** Stops moto (jest globalTeardown); a server the user started by hand is left running. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { [MOTO_STATE_KEY]?: MotoServerState };
  const state = holder[MOTO_STATE_KEY];
  delete holder[MOTO_STATE_KEY];
  if (!state?.child) return;
  delete process.env.MOTO_ENDPOINT;
  await stop(state.child);
  removeLog(state.logFile);
}

async function stop(child: ChildProcess): Promise<void> {
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
