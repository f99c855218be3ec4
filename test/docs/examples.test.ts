// Every command example in README.md and docs/*.md, and the YAML they show, as a test (as
// SimPy's docs are): a reader who copies one gets what the page promises.
//  - Every `dmsim ...` command line (in a fenced block or inline): its command exists, every
//    --option it names is in that command's --help, every file it names exists.
//  - Fenced commands without placeholders run as written (exit 0), with writes redirected to a
//    temporary folder; `--slurm` runs with --dry-run (no cluster needed); commands that need the
//    reader's machines (`--parallel node1,...`) or write outside the project are only checked.
//  - Concrete `dmsim run FILE [--set ...]` lines not run (long scenarios) are loaded and
//    validated with their overrides, as `dmsim run` does before running.
//  - YAML blocks: a scenario validates, a sweep file loads, a block that names a real file
//    agrees with it on every field the file has; fragments must at least parse.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadSweepSpec } from '../../kernel-lib/analysis/sweep-spec.js';
import { loadScenario } from '../../kernel-lib/scenario/run.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

interface DocCommand {
  file: string;
  line: number;
  /** The command line without `npx`, `$ ` and a trailing `# comment`, continuation lines joined. */
  text: string;
  fenced: boolean;
}

function fencedBlocks(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: { lang: string; line: number; body: string[] } | undefined;
  lines.forEach((l, i) => {
    const fence = /^\s*```\s*([\w-]*)\s*$/.exec(l);
    if (fence && open === undefined) open = { lang: fence[1]!, line: i + 1, body: [] };
    else if (fence && open !== undefined) {
      blocks.push({ file, line: open.line, lang: open.lang, text: open.body.join('\n') });
      open = undefined;
    } else open?.body.push(l);
  });
  return blocks;
}

/** `dmsim ...` with `npx ` and `$ ` dropped and a trailing comment cut. */
function normalise(line: string): string | undefined {
  // `dmsim: ...` is output the docs quote, not a command.
  const m = /^\s*(?:\$\s+)?(?:npx\s+)?(dmsim(?:\s.*)?)$/.exec(line);
  if (!m) return undefined;
  return m[1]!.replace(/\s+#\s.*$/, '').trim();
}

function commands(): DocCommand[] {
  const out: DocCommand[] = [];
  for (const file of DOCS) {
    for (const b of fencedBlocks(file)) {
      if (!['', 'sh', 'bash', 'console', 'shell'].includes(b.lang)) continue;
      const joined = b.text.replace(/\\\n\s*/g, ' ').split('\n');
      joined.forEach((l) => {
        const text = normalise(l);
        if (text !== undefined) out.push({ file, line: b.line, text, fenced: true });
      });
    }
    // Inline spans outside fenced blocks.
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/^\s*```[\s\S]*?^\s*```/gm, (block) => block.replace(/[^\n]/g, ' '));
    text.split('\n').forEach((l, i) => {
      for (const m of l.matchAll(/`((?:npx\s+)?dmsim(?:\s[^`]*)?)`/g)) out.push({ file, line: i + 1, text: normalise(m[1]!)!, fenced: false });
    });
  }
  return out;
}

/** Words a reader replaces: SPEC, NAME, X.yaml, <file>, [--opt ...], ... */
const PLACEHOLDER = /\b[A-Z][A-Z0-9_]+\b|<[^>]*>|\[|\.\.\.|\bX\.yaml\b|\$/;

/** Shell-style words (single and double quotes). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** The command path (`sweep merge`, `notebook run`, `kernel install`) and the rest. */
const SUBCOMMANDS: Record<string, string[]> = { sweep: ['merge', 'status', 'plan'], notebook: ['run'], kernel: ['install', 'start'] };

function commandOf(argv: string[]): { command: string[]; rest: string[] } {
  const [name, next, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) return { command: [], rest: argv };
  if (next !== undefined && SUBCOMMANDS[name]?.includes(next)) return { command: [name, next], rest };
  return { command: [name], rest: next === undefined ? rest : [next, ...rest] };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function dmsim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['bin/dmsim.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 1 << 26 }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** Options the docs name that are not for readers (so not in --help), and why. */
const INTERNAL_OPTIONS: Record<string, string> = {
  'report --child': 'how `dmsim report` runs the notebooks in its child process (docs/notebooks.md says so)',
};

/** Commands that are checked but not run, and why. */
function notRun(c: DocCommand, argv: string[]): string | undefined {
  if (!c.fenced) return 'inline mention';
  if (PLACEHOLDER.test(c.text)) return 'has placeholders';
  if (argv.includes('--parallel')) return "needs the reader's ssh hosts";
  if (argv[0] === 'kernel') return "writes the reader's Jupyter folders";
  return undefined;
}

describe('docs/examples: every command and YAML example in README.md and docs/', function () {
  // Commands and scenarios run as child processes on a shared machine.
  this.timeout(0);
  const all = commands();
  const where = (c: DocCommand) => `${c.file}:${c.line}: ${c.text}`;
  const helpOf = new Map<string, Promise<Result>>();
  // A subcommand without a help of its own (`kernel install`) is described by its command's.
  const help = (command: string[]) => {
    const key = command.join(' ');
    if (!helpOf.has(key)) helpOf.set(key, dmsim([...command, '--help']).then((r) => (r.code !== 0 && command.length > 1 ? dmsim([command[0]!, '--help']) : r)));
    return helpOf.get(key)!;
  };
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-doc-examples-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the examples (the extraction itself works)', () => {
    const fencedRuns = all.filter((c) => notRun(c, words(c.text).slice(1)) === undefined);
    expect(all.length, 'dmsim commands found').to.be.greaterThan(20);
    expect(fencedRuns.length, 'fenced commands to run').to.be.greaterThan(4);
  });

  it('every command exists, every option it names is in its --help, every file it names exists', async () => {
    const problems: string[] = [];
    for (const c of all) {
      const argv = words(c.text).slice(1);
      const { command, rest } = commandOf(argv);
      if (command.length === 0) continue; // `dmsim --help` itself: run below
      const h = await help(command);
      if (h.code !== 0) {
        problems.push(`${where(c)}: 'dmsim ${command.join(' ')} --help' exits ${h.code}: ${h.stderr.split('\n')[0]}`);
        continue;
      }
      for (const w of rest) {
        const option = /^(--[a-z][\w-]*)/.exec(w)?.[1];
        if (option !== undefined && !(h.stdout + h.stderr).includes(option) && !(`${command.join(' ')} ${option}` in INTERNAL_OPTIONS)) problems.push(`${where(c)}: ${option} is not an option of dmsim ${command.join(' ')}`);
        if (/^(examples|sweeps|notebooks|test|bench)\/[\w./-]+\.(ya?ml|ipynb|fio|ts)$/.test(w) && !PLACEHOLDER.test(w) && !fs.existsSync(path.join(ROOT, w))) {
          problems.push(`${where(c)}: no such file: ${w}`);
        }
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('fenced commands without placeholders run as written and exit 0 (--slurm as --dry-run)', async () => {
    const problems: string[] = [];
    const env = { DMSIM_CACHE_DIR: path.join(tmp, 'cache'), DMSIM_SWEEP_DIR: path.join(tmp, 'jobs') };
    let ran = 0;
    for (const c of all) {
      const argv = words(c.text).slice(1);
      if (notRun(c, argv) !== undefined) continue;
      // Files the example writes go to the temporary folder, not the reader's /tmp.
      const args = argv.map((w) => (w.startsWith('/tmp/') ? path.join(tmp, path.basename(w)) : w));
      if (args.includes('--slurm')) args.push('--dry-run');
      const r = await dmsim(args, env);
      ran++;
      if (r.code !== 0) problems.push(`${where(c)}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(0, 3).join(' / ')}`);
      else if (args.includes('--dry-run') && !r.stdout.includes('sbatch --parsable')) problems.push(`${where(c)}: --dry-run printed no sbatch command`);
      else if (args.includes('--trace') && !fs.existsSync(args[args.indexOf('--trace') + 1]!)) problems.push(`${where(c)}: wrote no trace`);
    }
    expect(ran).to.be.greaterThan(4);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('concrete `dmsim run FILE` lines not run here load and validate with their --set overrides', () => {
    const problems: string[] = [];
    for (const c of all) {
      const argv = words(c.text).slice(1);
      if (argv[0] !== 'run' || PLACEHOLDER.test(c.text) || argv[1] === undefined || argv[1].startsWith('-')) continue;
      const set: Record<string, unknown> = {};
      argv.forEach((w, i) => {
        if (w === '--set' && argv[i + 1] !== undefined) {
          const [k, ...v] = argv[i + 1]!.split('=');
          set[k!] = parseYaml(v.join('='));
        }
      });
      try {
        loadScenario(path.join(ROOT, argv[1]), { set });
      } catch (e) {
        problems.push(`${where(c)}: ${(e as Error).message}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('YAML blocks: scenarios validate, sweep files load and agree with the file they name, fragments parse', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of DOCS) {
      for (const b of fencedBlocks(file).filter((x) => x.lang === 'yaml' || x.lang === 'yml')) {
        const at = `${b.file}:${b.line}`;
        let data: unknown;
        try {
          data = parseYaml(b.text);
        } catch (e) {
          problems.push(`${at}: not YAML: ${(e as Error).message}`);
          continue;
        }
        checked++;
        if (data === null || typeof data !== 'object' || Array.isArray(data)) continue;
        const d = data as Record<string, unknown>;
        // A first comment naming a file of the project: the block shows that file.
        const named = /^#\s*((?:examples|sweeps)\/[\w.-]+\.ya?ml)(.*)$/m.exec(b.text.split('\n')[0] ?? '');
        const abridged = named !== null && /abridged/.test(named[2]!);
        try {
          if ('scenario' in d || 'runner' in d) {
            const spec = path.join(tmp, `doc-${path.basename(b.file, '.md')}-${b.line}.yaml`);
            fs.writeFileSync(spec, b.text);
            loadSweepSpec(spec);
          } else if ('devices' in d) {
            loadScenario(structuredClone(d));
          }
        } catch (e) {
          problems.push(`${at}: ${(e as Error).message}`);
        }
        if (named && !abridged) {
          if (!fs.existsSync(path.join(ROOT, named[1]!))) problems.push(`${at}: names ${named[1]}, which does not exist`);
          else {
            const real = parseYaml(fs.readFileSync(path.join(ROOT, named[1]!), 'utf8')) as Record<string, unknown>;
            for (const [k, v] of Object.entries(real)) {
              if (JSON.stringify(d[k]) !== JSON.stringify(v)) problems.push(`${at}: ${k} is ${JSON.stringify(d[k])} here, ${JSON.stringify(v)} in ${named[1]}`);
            }
          }
        }
      }
    }
    expect(checked).to.be.greaterThan(3);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
