// The malformed-input corpus: every file under test/corpus/<entry point>/ is a small bad
// input, and expected.yaml says, for each command line, the exit status and the one line
// `dmsim run` must print. Each case runs the command in process (a stack trace would escape
// as an exception and fail the case) and checks that nothing on stderr looks like one.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { EventEmitter } from 'node:events';
import { runCommand } from '../../kernel-lib/cli/commands/run.js';

interface Case {
  args: string[];
  exit: number;
  /** The first line of stderr; `{root}` is the checkout's absolute path. */
  message: string;
  /** The message is a prefix (for lists that grow with the model). */
  prefix?: boolean;
}

const CORPUS = path.resolve('test/corpus');
const cases = parse(fs.readFileSync(path.join(CORPUS, 'expected.yaml'), 'utf8')) as Case[];

async function run(args: string[]) {
  const err: string[] = [];
  const out: string[] = [];
  const { log, error } = console;
  const write = process.stdout.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    // On the main thread: the worker `dmsim run` uses would load the library again per case.
    const code = await runCommand(args, new EventEmitter(), 'main');
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
  }
}

describe('test/corpus: malformed inputs to every entry point', () => {
  it('has an expected message for every input file of the corpus', () => {
    const inputs = fs
      .readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml') && f.includes(path.sep) && !f.startsWith(`cli${path.sep}`));
    const covered = new Set(cases.flatMap((c) => c.args.map((a) => path.relative(CORPUS, path.resolve(a)))));
    expect(inputs.filter((f) => !covered.has(f))).to.deep.equal([]);
    const entries = new Set(inputs.map((f) => f.split(path.sep)[0]));
    for (const e of ['scenario', 'fio', 'dd', 'dmsetup', 'trace']) expect(entries.has(e), e).to.equal(true);
  });

  for (const c of cases) {
    it(`dmsim run ${c.args.join(' ')}`, async () => {
      const r = await run(c.args);
      expect(r.stderr, 'no stack trace').to.not.match(/^\s+at .*:\d+:\d+\)?$/m);
      const first = r.stderr.split('\n')[0];
      const message = c.message.replaceAll('{root}', path.resolve('.'));
      if (c.prefix) expect(first.startsWith(message), `${first}\ndoes not start with\n${message}`).to.equal(true);
      else expect(first).to.equal(message);
      expect(r.code, 'exit status').to.equal(c.exit);
      expect(r.stdout, 'nothing on stdout').to.equal('');
    });
  }
});
