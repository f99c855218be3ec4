// `dmsim notebook run NB.ipynb [-p name=value ...] [-o OUT.ipynb | --inplace]`: executes a
// notebook in process (no Jupyter, no Python) with the dmsim kernel's executor, papermill-style
// parameters. The input is never written unless asked (--inplace): a failing run would empty
// the outputs of the cells after the failure, and -p values left in a source would be what the
// next `make report` computes with.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main.js';

const USAGE = `usage: dmsim notebook run NOTEBOOK.ipynb [-p NAME=VALUE ...] [-o OUTPUT.ipynb | --inplace]
                         [--cell-timeout S] [--notebook-timeout S]

Runs every code cell in order and writes the executed notebook to OUTPUT (default: NAME.out.ipynb
beside the input). The input itself is written only with --inplace.
-p overrides a value of the cell tagged 'parameters' (VALUE is JSON if it parses, else text);
the overrides go into a new cell tagged 'injected-parameters', as papermill does, in the output
only (so -p and --inplace do not go together).
--cell-timeout S, --notebook-timeout S: time limits in seconds (defaults 900 and 1800; 'none').
Ctrl-C stops the running cell and writes the part that ran (exit 130). Exit 1 if a cell failed.`;

/** A command-line mistake: exit 2, no traceback. */
class UsageError extends Error {}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      parameter: { type: 'string', short: 'p', multiple: true },
      output: { type: 'string', short: 'o' },
      inplace: { type: 'boolean' },
      'cell-timeout': { type: 'string' },
      'notebook-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const { parseParameterArgument } = await import('../../notebook/parameters.js');
  const { checkWritable, readNotebook, writeNotebook } = await import('../../notebook/nbformat.js');
  const { runNotebook } = await import('../../notebook/runner.js');
  const { PROJECT_ROOT } = await import('../../notebook/versions.js');
  const { parseSeconds } = await import('./report.js');
  const cellTimeoutMs = parseSeconds('cell-timeout', values['cell-timeout']);
  const timeoutMs = parseSeconds('notebook-timeout', values['notebook-timeout']);
  const given = positionals[0]!;
  const input = path.resolve(given);
  const parameters = Object.fromEntries((values.parameter ?? []).map(parseParameterArgument));
  if (values.inplace && Object.keys(parameters).length > 0) {
    throw new UsageError(`-p cannot be combined with --inplace: ${given} would keep the injected values as its source; write to -o instead`);
  }
  const shownOutput = values.output ?? (values.inplace ? given : given.replace(/(\.ipynb)?$/, '.out.ipynb'));
  const output = path.resolve(shownOutput);
  if (output === input && !values.inplace) {
    throw new UsageError(`-o ${shownOutput} is the input notebook: pass --inplace to overwrite it`);
  }
  const notebook = readNotebook(input);
  // Checked before the run, which may take an hour, rather than after.
  checkWritable(shownOutput);
  // Cells import ./kernel-lib/...: tslab compiles relative to the working directory.
  const cwd = process.cwd();
  process.chdir(PROJECT_ROOT);
  const name = path.relative(PROJECT_ROOT, input);
  // Ctrl-C: the running cell stops (a KeyboardInterrupt), and the part that ran is written.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await runNotebook(notebook, name, { parameters, cellTimeoutMs, timeoutMs, signal: abort.signal });
  } finally {
    process.off('SIGINT', onSigint);
    process.chdir(cwd);
  }
  writeNotebook(output, result.notebook);
  if (abort.signal.aborted) {
    console.error(`dmsim notebook: interrupted at ${result.failure?.location ?? name}; wrote the part that ran to ${shownOutput}`);
    return 130;
  }
  if (result.failure) {
    const f = result.failure;
    console.error(`dmsim notebook: ${f.location}: ${f.ename}: ${f.evalue}\n\n${f.traceback.join('\n')}`);
    console.error(`\nwrote ${shownOutput} (stopped at cell ${f.cell})`);
    return 1;
  }
  console.error(`wrote ${shownOutput} in ${result.wallSeconds.toFixed(1)} s`);
  return 0;
}

export const command: Command = {
  summary: 'run a notebook in process (papermill-style -p parameters)',
  async main(args) {
    const [sub, ...rest] = args;
    if (sub !== 'run') {
      console.error(USAGE);
      return sub === '--help' || sub === '-h' ? 0 : 2;
    }
    try {
      return await run(rest);
    } catch (e) {
      console.error(`dmsim notebook run: ${(e as Error).message}`);
      return 2;
    }
  },
};
