// Every reference the code cites resolves inside the repository: a `docs/references.md#anchor`
// in kernel-lib/ names an anchor docs/references.md has, every evidence tag ([S], [D], [R],
// [C]) and source version ([S K-mid]) is one it defines, and nothing points at a document
// outside the repository or at a bare section number of one.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const REFERENCES = readFileSync(join(ROOT, 'docs/references.md'), 'utf8');

/** The anchors of a markdown text: its `<a id="...">` tags. */
function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/<a id="([\w-]+)"><\/a>/g)].map((m) => m[1]));
}

/**
 * The anchors a source text cites: `docs/references.md#a`, and the `#b` of a list continued
 * after it (`docs/references.md#a, #b,\n// #c`).
 */
function citedAnchors(text: string): { anchor: string; line: number }[] {
  const out: { anchor: string; line: number }[] = [];
  for (const m of text.matchAll(/docs\/references\.md#([\w-]+)((?:[\s,/*]+(?:and\s+)?#[\w-]+)*)/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ anchor: m[1], line });
    for (const more of m[2].matchAll(/#([\w-]+)/g)) out.push({ anchor: more[1], line });
  }
  return out;
}

/** Names of documents outside the repository, and section signs (a section number is not an anchor). */
const OUTSIDE = [/calibration\.md/, /kernel-mechanisms/, /conventions\.md/, /design\.md/, /reference\//, /\.\.\/shared/, /§/];

/** The evidence tags of a source text: `[S]`, `[R for the end]`, `[S K-old, K-mid]`, `[R: why]`. */
function evidenceTags(text: string): { tag: string; versions: string[]; line: number }[] {
  const out: { tag: string; versions: string[]; line: number }[] = [];
  for (const m of text.matchAll(/\[([A-Z])(?=[\]\s:,])([^\]\n]*)\]/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ tag: m[1], versions: [...m[2].matchAll(/\b([A-Z]{1,2}-(?:old|mid|new|\d+|\*))/g)].map((v) => v[1]), line });
  }
  return out;
}

/** Letters defined in the tags table (`| **[S]** | ...`) and version tags in the versions table (`| K-old | ...`). */
function definedTags(markdown: string): { tags: Set<string>; versions: Set<string> } {
  return {
    tags: new Set([...markdown.matchAll(/^\| \*\*\[([A-Z])\]\*\* \|/gm)].map((m) => m[1])),
    versions: new Set([...markdown.matchAll(/^\| ([A-Z]{1,2}-(?:old|mid|new|\d+|\*)) \|/gm)].map((m) => m[1])),
  };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

const KERNEL_LIB = sourceFiles(join(ROOT, 'kernel-lib')).map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('docs/references.md', () => {
  const anchors = anchorsOf(REFERENCES);
  const defined = definedTags(REFERENCES);

  it('the scanners find what they look for (so the checks below can fail)', () => {
    const sample = '// see docs/references.md#kcopyd-pages, #no-such-anchor,\n// #uncertain [S K-mid, D] [R: a guess] x[i]';
    expect(citedAnchors(sample)).to.deep.equal([
      { anchor: 'kcopyd-pages', line: 1 },
      { anchor: 'no-such-anchor', line: 1 },
      { anchor: 'uncertain', line: 1 },
    ]);
    expect(citedAnchors(sample).filter((c) => !anchors.has(c.anchor)).map((c) => c.anchor)).to.deep.equal(['no-such-anchor']);
    expect(evidenceTags(sample)).to.deep.equal([
      { tag: 'S', versions: ['K-mid'], line: 2 },
      { tag: 'R', versions: [], line: 2 },
    ]);
    expect(anchors.size).to.be.above(20);
    expect([...defined.tags].sort()).to.deep.equal(['C', 'D', 'R', 'S']);
    expect(defined.versions).to.include.members(['K-old', 'K-mid', 'K-new', 'S-old', 'S-new', 'P-29']);
  });

  it('resolves every docs/references.md#anchor cited in kernel-lib/', () => {
    const unresolved: string[] = [];
    let cited = 0;
    for (const { file, text } of KERNEL_LIB) {
      for (const c of citedAnchors(text)) {
        cited++;
        if (!anchors.has(c.anchor)) unresolved.push(`${file}:${c.line}: #${c.anchor}`);
      }
    }
    expect(unresolved, 'citations with no such anchor').to.deep.equal([]);
    expect(cited).to.be.above(10);
  });

  it('defines every evidence tag and source version used in kernel-lib/', () => {
    const unknown: string[] = [];
    for (const { file, text } of KERNEL_LIB) {
      for (const t of evidenceTags(text)) {
        if (!defined.tags.has(t.tag)) unknown.push(`${file}:${t.line}: [${t.tag}]`);
        for (const v of t.versions) if (!defined.versions.has(v)) unknown.push(`${file}:${t.line}: [${t.tag} ${v}]`);
      }
    }
    expect(unknown, 'tags docs/references.md#tags does not define').to.deep.equal([]);
  });

  it('kernel-lib/ cites no document outside the repository and no section number', () => {
    const outside: string[] = [];
    for (const { file, text } of KERNEL_LIB) {
      text.split('\n').forEach((line, i) => {
        for (const re of OUTSIDE) if (re.test(line)) outside.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(outside).to.deep.equal([]);
  });

  it('resolves the links into it from docs/, README, examples, notebooks, bench and test/, and its own links', () => {
    const files = execFileSync('git', ['ls-files', '-z', 'docs', 'README.md', 'examples', 'notebooks', 'bench', 'test'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && f !== 'test/docs/references.test.ts');
    const unresolved: string[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, f), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      const links = f === 'docs/references.md' ? [...text.matchAll(/\]\(#([\w-]+)\)/g)] : [...text.matchAll(/references\.md#([\w-]+)/g)];
      for (const m of links) if (!anchors.has(m[1])) unresolved.push(`${f}: #${m[1]}`);
    }
    expect(unresolved).to.deep.equal([]);
  });

  it('no tracked file points at the shared folder outside the repository', () => {
    const shared = ['..', 'shared'].join('/');
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
    const pointing = files.filter((f) => {
      try {
        return readFileSync(join(ROOT, f), 'utf8').includes(shared);
      } catch {
        return false; // deleted in the work tree
      }
    });
    expect(pointing).to.deep.equal([]);
  });
});
