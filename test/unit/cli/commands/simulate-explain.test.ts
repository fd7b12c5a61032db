import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/program';
import type { ImageExplanation } from '../../../../src/domain/policy';
import { recordingContext } from '../../../support/cli-context';

const NOW = '2026-02-01T00:00:00Z';
const POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep one prod',
      selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'untagged go after a week',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};
const IMAGES = [
  { imageDigest: 'sha256:a', imageTags: ['prod-1'], imagePushedAt: '2026-01-01T00:00:00Z' },
  { imageDigest: 'sha256:b', imageTags: ['prod-2'], imagePushedAt: '2026-01-02T00:00:00Z' },
  { imageDigest: 'sha256:c', imagePushedAt: '2026-01-30T00:00:00Z' },
  { imageDigest: 'sha256:d', imageTags: ['dev'], imagePushedAt: '2026-01-03T00:00:00Z' },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-simulate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function simulate(images: unknown, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const ctx = recordingContext(Date.parse(NOW));
  const code = await runCli(
    ['simulate', '--policy', file('policy.json', POLICY), '--images', file('images.json', images), '--now', NOW, ...flags],
    ctx,
  );
  return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
}

describe('ecr-janitor simulate', () => {
  describe('--explain', () => {
    it('explains every image in input order: matched rules, the acting rule, or why it is kept', async () => {
      const run = await simulate(IMAGES, '--explain');

      expect(run.code).toBe(0);
      const explained = JSON.parse(run.stdout) as ImageExplanation[];
      expect(explained.map((e) => e.imageDigest)).toEqual(['sha256:a', 'sha256:b', 'sha256:c', 'sha256:d']);
      expect(explained[0]).toMatchObject({ matchedRulePriorities: [1], appliedRulePriority: 1, action: { type: 'EXPIRE' } });
      expect(explained[1]).toMatchObject({ matchedRulePriorities: [1], keepReason: 'within-count' });
      expect(explained[2]).toMatchObject({ matchedRulePriorities: [2], keepReason: 'not-old-enough' });
      expect(explained[3]).toMatchObject({ matchedRulePriorities: [], keepReason: 'no-rule-matched' });
    });

    it('prints a table with one line per image and its reason', async () => {
      const run = await simulate(IMAGES, '--explain', '--format', 'table');

      const lines = run.stdout.split('\n');
      expect(lines).toHaveLength(2 + IMAGES.length);
      expect(lines.find((l) => l.startsWith('sha256:a'))).toContain('expired by rule 1');
      expect(lines.find((l) => l.startsWith('sha256:d'))).toContain('kept: no rule selects');
    });
  });

  describe('image indexes without manifests', () => {
    it('warns on stderr that their children cannot be recognised, and still answers', async () => {
      const index = {
        imageDigest: 'sha256:i',
        imageTags: ['multi'],
        imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
        imagePushedAt: '2026-01-01T00:00:00Z',
      };
      const run = await simulate([...IMAGES, index]);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain('1 image index without "imageManifest"');
      expect(JSON.parse(run.stdout)).toHaveProperty('previewResults');
    });

    it('does not warn when every index carries its manifest', async () => {
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
      const index = {
        imageDigest: 'sha256:i',
        imageTags: ['multi'],
        imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
        imageManifest: manifest,
        imagePushedAt: '2026-01-01T00:00:00Z',
      };
      const run = await simulate([...IMAGES, index]);

      expect(run.stderr).toBe('');
    });
  });
});
