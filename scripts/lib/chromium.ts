// Where headless Chromium is and how it runs here: shared by the HTML report's browser test, the
// test run's note on why that test was skipped, and the screenshot script.
import { accessSync, constants } from 'node:fs';

/**
 * The flags headless Chromium runs with here (see TOOLCHAIN.md): without the networking ones it
 * keeps trying to reach the internet.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's package puts the browser here; `CHROMIUM_PATH` points elsewhere. */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium binary to drive: `CHROMIUM_PATH` when set, else Debian's.
 *
 * @example chromiumPath({}) // '/usr/bin/chromium'
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CHROMIUM_PATH;
  return given === undefined || given === '' ? DEFAULT_CHROMIUM : given;
}

/** Why the browser cannot be used: undefined when `path` is an executable file. */
export function chromiumMissing(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return (
      `Chromium not found at ${path}: install it with \`sudo bash scripts/install-chromium.sh\` ` +
      '(Debian/Ubuntu: it runs `apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core`), ' +
      'or point CHROMIUM_PATH at a Chromium binary; `npx playwright install` cannot download one here'
    );
  }
}
