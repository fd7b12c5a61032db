// Every relative link of the README and docs/ resolves: to a file that exists, and with a fragment to
// one of its headings. The checker itself is tried on made-up pages first, so a pass means something.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { brokenLinks, documentationFiles, headingAnchors, linksOf } from '../../../scripts/lib/markdown-links';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('linksOf', () => {
  it('finds links and images, with their lines, and skips code', () => {
    const markdown = [
      'See [the CLI](docs/cli.md) and ![a picture](docs/report.png "title").',
      '`[not a link](nowhere.md)`',
      '```sh',
      'echo "[nor this](nowhere.md)"',
      '```',
      'Then [a heading](#quick-start) and [the web](https://example.com).',
    ].join('\n');
    expect(linksOf('README.md', markdown)).toEqual([
      { file: 'README.md', line: 1, target: 'docs/cli.md' },
      { file: 'README.md', line: 1, target: 'docs/report.png' },
      { file: 'README.md', line: 6, target: '#quick-start' },
      { file: 'README.md', line: 6, target: 'https://example.com' },
    ]);
  });
});

describe('headingAnchors', () => {
  it("gives GitHub's anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered", () => {
    const markdown = [
      '# The weekly run: plan, shards, aggregate',
      "## Every configured region's events, within seconds",
      '## Notes',
      '## Notes',
      '```',
      '# not a heading',
      '```',
    ].join('\n');
    expect([...headingAnchors(markdown)]).toEqual([
      'the-weekly-run-plan-shards-aggregate',
      'every-configured-regions-events-within-seconds',
      'notes',
      'notes-1',
    ]);
  });
});

describe('brokenLinks', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs', 'page.md'), '# Page\n\n## A section\n\nBack to [the README](../README.md#top).\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('accepts links to files and headings that exist, and leaves external links alone', () => {
    fs.writeFileSync(path.join(root, 'README.md'), '# Top\n\n[page](docs/page.md#a-section), [web](https://example.com), [me](#top)\n');
    expect(brokenLinks(root, documentationFiles(root))).toEqual([]);
  });

  it('names each missing file, missing heading and link that leaves the repository, with its place', () => {
    fs.writeFileSync(path.join(root, 'README.md'), '# Top\n\n[gone](docs/gone.md)\n[no heading](docs/page.md#nowhere)\n[out](../x.md)\n');
    expect(brokenLinks(root, documentationFiles(root))).toEqual([
      'README.md:3: docs/gone.md names a file that does not exist',
      'README.md:4: docs/page.md#nowhere names no heading of docs/page.md',
      'README.md:5: ../x.md points outside the repository',
    ]);
  });
});

describe("the project's documentation", () => {
  it('has docs pages besides the README', () => {
    expect(documentationFiles(ROOT).length).toBeGreaterThan(5);
  });

  it('has no broken relative link', () => {
    expect(brokenLinks(ROOT, documentationFiles(ROOT))).toEqual([]);
  });
});
