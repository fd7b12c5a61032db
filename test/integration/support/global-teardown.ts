// Jest globalTeardown of the 'integration' project: stops the moto server that global-setup.ts started.
// Jest runs it after the tests whatever their outcome; if jest itself dies, the server's stdin
// watchdog (see scripts/emulator/moto-server.ts) ends it instead.
import { removeLog, stopMotoServer } from '../../../scripts/emulator/moto-server';
import { MOTO_STATE_KEY, type MotoServerState } from './global-setup';

/** Stops moto (jest globalTeardown); a server the user started by hand is left running. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { [MOTO_STATE_KEY]?: MotoServerState };
  const state = holder[MOTO_STATE_KEY];
  delete holder[MOTO_STATE_KEY];
  if (!state?.child) return;
  delete process.env.MOTO_ENDPOINT;
  await stopMotoServer(state.child);
  removeLog(state.logFile);
}
