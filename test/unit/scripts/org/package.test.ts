import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageOrg } from '../../../../scripts/org/package';

describe('packageOrg', () => {
  describe('packageOrg', () => {
    it.each([['regions=us-east-1,eu-west-1'], ['homeRegion=eu-west-1']])(
      'refuses --param=%s before packaging anything: regions are stack set parameters',
      async (param) => {
        const root = mkdtempSync(path.join(tmpdir(), 'package-org-'));
        await expect(packageOrg(root, { params: ['dryRun=true', param] })).rejects.toThrow(
          `--param=${param} cannot be packaged: in an organization rollout the regions are org.json's Regions parameter`,
        );
      },
    );
  });
});
