// Every TypeScript block in README.md and docs/*.md, run as a reader would paste it into a
// notebook (SimPy's docs run their examples the same way): the blocks of one page are the
// cells of one session, in page order, type-checked and run by the notebook kernel's executor
// from the project root, where cells import './kernel-lib/....js'. A block must run without
// error, unless the line before it says otherwise, with its reason:
//   <!-- doc-test: type-check (why) -->  type-checked against the page's earlier blocks, not run
//                                        (it names a reader's file, or columns of another study);
//   <!-- doc-test: skip (why) -->        not TypeScript on its own (a fragment of a call, an
//                                        interface member, a generator's body).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CellOutputs } from '../../kernel-lib/notebook/cell-outputs.js';
import { Executor } from '../../kernel-lib/notebook/executor.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

interface CodeBlock {
  page: string;
  line: number;
  text: string;
  mode: 'run' | 'type-check' | 'skip';
  reason?: string;
}

function codeBlocks(page: string): CodeBlock[] {
  const lines = fs.readFileSync(path.join(ROOT, page), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { line: number; body: string[]; mode: CodeBlock['mode']; reason?: string } | undefined;
  lines.forEach((l, i) => {
    if (open === undefined) {
      if (!/^\s*```(?:ts|typescript)\s*$/.test(l)) return;
      const marker = /<!--\s*doc-test:\s*(type-check|skip)\s*\((.+)\)\s*-->/.exec(lines[i - 1] ?? '');
      open = { line: i + 1, body: [], mode: (marker?.[1] as CodeBlock['mode'] | undefined) ?? 'run', reason: marker?.[2] };
    } else if (/^\s*```\s*$/.test(l)) {
      blocks.push({ page, line: open.line, text: open.body.join('\n'), mode: open.mode, reason: open.reason });
      open = undefined;
    } else open.body.push(l);
  });
  return blocks;
}

describe('docs/code-blocks: every TypeScript block in README.md and docs/ runs (or type-checks) as a notebook cell', function () {
  // Whole simulations and sweeps (cold: a temporary sweep cache) on a shared machine.
  this.timeout(0);
  const all = PAGES.flatMap(codeBlocks);
  const saved = { cwd: process.cwd(), cache: process.env.DMSIM_CACHE_DIR };
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-doc-code-'));
    process.env.DMSIM_CACHE_DIR = path.join(tmp, 'sweeps');
    process.chdir(ROOT);
  });
  after(() => {
    process.chdir(saved.cwd);
    if (saved.cache === undefined) delete process.env.DMSIM_CACHE_DIR;
    else process.env.DMSIM_CACHE_DIR = saved.cache;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds the blocks, and every block not run says why', () => {
    expect(all.filter((b) => b.mode === 'run').length, 'blocks run').to.be.greaterThan(10);
    for (const b of all) if (b.mode !== 'run') expect(b.reason, `${b.page}:${b.line}`).to.match(/\w{3}/);
    // Exceptions stay exceptions.
    expect(all.filter((b) => b.mode !== 'run').length, all.filter((b) => b.mode !== 'run').map((b) => `${b.page}:${b.line}`).join(', ')).to.be.at.most(5);
  });

  for (const page of PAGES) {
    const blocks = codeBlocks(page).filter((b) => b.mode !== 'skip');
    if (blocks.length === 0) continue;
    it(`${page}: ${blocks.map((b) => `line ${b.line}${b.mode === 'run' ? '' : ` (${b.mode})`}`).join(', ')}`, async () => {
      const executor = new Executor({ displayIdPrefix: 'doc' });
      const problems: string[] = [];
      try {
        for (const b of blocks) {
          // A block only type-checked sits in a branch never taken: checked against the
          // earlier blocks' declarations, never run (its imports stay outside: a block cannot hold them).
          const isImport = (l: string) => /^import\s/.test(l);
          const lines = b.text.split('\n');
          const source = b.mode === 'run' ? b.text : [...lines.filter(isImport), 'if (false as boolean) {', ...lines.filter((l) => !isImport(l)), '}'].join('\n');
          const outputs = new CellOutputs(() => {});
          const outcome = await executor.execute(source, `${page}, block at line ${b.line}`, outputs);
          if (outcome.status === 'error') problems.push(`${page}:${b.line}: ${outcome.error.ename}: ${outcome.error.evalue}\n${outcome.error.traceback.slice(0, 6).join('\n')}`);
          const failed = outputs.outputs.find((o) => o.output_type === 'error');
          if (failed) problems.push(`${page}:${b.line}: shows an error output`);
        }
      } finally {
        executor.close();
      }
      expect(problems, problems.join('\n\n')).to.deep.equal([]);
    });
  }
});
