// Relative links in the project's Markdown (README.md, docs/): every one must name a file that exists
// and, with a `#fragment`, a heading of that file. Checked by test/unit/scripts/markdown-links.test.ts.
import fs from 'node:fs';
import path from 'node:path';

/** A link as written: the file it appears in, its line, and its target. */
export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

/** Text that is not prose: fenced blocks and inline code spans, blanked (lines kept, so numbers hold). */
function withoutCode(markdown: string): string {
  const blank = (text: string): string => text.replace(/[^\n]/g, ' ');
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank).replace(/`[^`\n]*`/g, blank);
}

/** Every inline link and image target of `markdown` (`[text](target)`, `![alt](target "title")`). */
export function linksOf(file: string, markdown: string): MarkdownLink[] {
  const prose = withoutCode(markdown);
  const links: MarkdownLink[] = [];
  for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const before = prose.slice(0, match.index);
    links.push({ file, line: before.split('\n').length, target: match[1] ?? '' });
  }
  return links;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutCode(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = (match[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Whether a target leaves the repository (a URL with a scheme, a protocol-relative URL or an e-mail). */
function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/**
 * What is wrong with each relative link of `files` (paths relative to `root`): a missing file, or a
 * fragment that names no heading. An empty list when every link resolves.
 */
export function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (absolute: string): Set<string> => {
    let found = anchorsOf.get(absolute);
    if (found === undefined) {
      found = headingAnchors(fs.readFileSync(absolute, 'utf8'));
      anchorsOf.set(absolute, found);
    }
    return found;
  };
  for (const file of files) {
    const absoluteFile = path.resolve(root, file);
    for (const link of linksOf(file, fs.readFileSync(absoluteFile, 'utf8'))) {
      if (isExternal(link.target)) continue;
      const [rawPath = '', fragment] = link.target.split('#', 2);
      const where = `${link.file}:${link.line}: ${link.target}`;
      const target = rawPath === '' ? absoluteFile : path.resolve(path.dirname(absoluteFile), decodeURIComponent(rawPath));
      if (!target.startsWith(path.resolve(root) + path.sep)) {
        problems.push(`${where} points outside the repository`);
      } else if (!fs.existsSync(target)) {
        problems.push(`${where} names a file that does not exist`);
      } else if (fragment !== undefined && fragment !== '') {
        if (!target.endsWith('.md')) problems.push(`${where} has a fragment, but the target is not Markdown`);
        else if (!anchors(target).has(decodeURIComponent(fragment).toLowerCase())) {
          problems.push(`${where} names no heading of ${path.relative(root, target)}`);
        }
      }
    }
  }
  return problems;
}

/** README.md and every Markdown file under docs/, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = path.join(root, 'docs');
  const pages = fs.existsSync(docs)
    ? fs
        .readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.md'))
        .map((name) => path.join('docs', name))
    : [];
  return ['README.md', ...pages.sort()];
}
