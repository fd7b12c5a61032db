// Jest globalSetup of the 'integration' project: installs moto if needed (scripts/moto.sh), starts one
// moto server on a free 127.0.0.1 port and publishes its URL as MOTO_ENDPOINT. Jest starts the test
// processes after globalSetup, so they inherit the variable. global-teardown.ts stops the server.
// Starting and stopping are shared with `npm run emulator` (scripts/emulator/moto-server.ts).
import type { ChildProcess } from 'node:child_process';
import type { GlobalConfig, ProjectConfig } from 'jest';
import { installMoto, startMotoServer, waitUntilAnswering } from '../../../scripts/emulator/moto-server';

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

const START_ATTEMPTS = 3;

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

  const python = installMoto(project.rootDir);
  let lastError: unknown;
  // Another process may take the free port between our probe and moto's bind: try a new port.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      const { child, endpoint, logFile } = await startMotoServer(python);
      holder[MOTO_STATE_KEY] = { child, logFile };
      process.env.MOTO_ENDPOINT = endpoint;
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
