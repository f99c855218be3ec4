// `dmsim notebook run NB.ipynb [-p name=value ...] [-o OUT.ipynb]`: executes a notebook in
// process (no Jupyter, no Python) with the dmsim kernel's executor, papermill-style parameters.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main.js';

const USAGE = `usage: dmsim notebook run NOTEBOOK.ipynb [-p NAME=VALUE ...] [-o OUTPUT.ipynb]

Runs every code cell in order and writes the executed notebook (default: over the input).
-p overrides a value of the cell tagged 'parameters' (VALUE is JSON if it parses, else text);
the overrides go into a new cell tagged 'injected-parameters', as papermill does.`;

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      parameter: { type: 'string', short: 'p', multiple: true },
      output: { type: 'string', short: 'o' },
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
  const { readNotebook, writeNotebook } = await import('../../notebook/nbformat.js');
  const { runNotebook } = await import('../../notebook/runner.js');
  const { PROJECT_ROOT } = await import('../../notebook/versions.js');
  const input = path.resolve(positionals[0]!);
  const output = path.resolve(values.output ?? input);
  const parameters = Object.fromEntries((values.parameter ?? []).map(parseParameterArgument));
  const notebook = readNotebook(input);
  // Cells import ./kernel-lib/...: tslab compiles relative to the working directory.
  process.chdir(PROJECT_ROOT);
  const name = path.relative(PROJECT_ROOT, input);
  const result = await runNotebook(notebook, name, { parameters });
  writeNotebook(output, result.notebook);
  if (result.failure) {
    const f = result.failure;
    console.error(`dmsim notebook: ${f.location}: ${f.ename}: ${f.evalue}\n\n${f.traceback.join('\n')}`);
    console.error(`\nwrote ${path.relative(process.cwd(), output)} (stopped at cell ${f.cell})`);
    return 1;
  }
  console.error(`wrote ${output} in ${result.wallSeconds.toFixed(1)} s`);
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
