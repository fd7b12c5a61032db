import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumMissing, chromiumPath } from '../../../../scripts/lib/chromium';

describe('scripts/lib/chromium', () => {
  describe('chromiumPath', () => {
    it.each([
      ['is not set', {}, '/usr/bin/chromium'],
      ['is empty', { CHROMIUM_PATH: '' }, '/usr/bin/chromium'],
      ['names a binary', { CHROMIUM_PATH: '/opt/chrome/chrome' }, '/opt/chrome/chrome'],
    ])("is Debian's unless CHROMIUM_PATH says otherwise, when it %s", (_, env, expected) => {
      expect(chromiumPath(env)).toBe(expected);
    });
  });

  describe('chromiumMissing', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'chromium-test-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('says where it looked and how to install it when there is no browser', () => {
      const where = path.join(dir, 'chromium');

      expect(chromiumMissing(where)).toMatch(
        new RegExp(`^Chromium not found at ${where}: install it with \`sudo bash scripts/install-chromium.sh\`.*CHROMIUM_PATH`),
      );
    });

    it('says so for a file that cannot be run', () => {
      const file = path.join(dir, 'chromium');
      writeFileSync(file, '');
      chmodSync(file, 0o644);

      expect(chromiumMissing(file)).toContain(`Chromium not found at ${file}`);
    });

    it('says nothing when the binary can be run', () => {
      const file = path.join(dir, 'chromium');
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);

      expect(chromiumMissing(file)).toBeUndefined();
    });
  });
});
