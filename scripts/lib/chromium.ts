/**
 * The flags headless Chromium runs with here (see TOOLCHAIN.md): without the networking ones it
 * keeps trying to reach the internet. Shared by the browser test and the screenshot script.
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
