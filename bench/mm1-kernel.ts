// M/M/1 as a notebook runs it: one cell imports bench/mm1-model.ts, so the engine's files are
// compiled the way the Jupyter kernel compiles them (tslab's converter: TypeScript to
// CommonJS, executor.ts loads the emitted code), not by the loader that started this script.
//   node --import ./bin/register-ts.mjs bench/mm1-kernel.ts N  ->  one JSON line, as bench/mm1.ts
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { Executor, type OutputSink } from '../kernel-lib/notebook/executor.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function runMM1InKernel(customers: number): Promise<string> {
  // The converter roots itself at the working directory; cells import `./bench/...`.
  process.chdir(root);
  const executor = new Executor({ keepStreams: false });
  let out = '';
  let err = '';
  const sink: OutputSink = {
    stream: (name, text) => (name === 'stdout' ? (out += text) : (err += text)),
    displayData: () => {},
    clearOutput: () => {},
  };
  try {
    const cell = `import { runMM1 } from './bench/mm1-model.js';\nconsole.log(JSON.stringify({ ...runMM1(${customers}), maxRssBytes: process.resourceUsage().maxRSS * 1024 }));`;
    const outcome = await executor.execute(cell, 'mm1', sink);
    if (outcome.status !== 'ok') throw new Error(`the M/M/1 cell failed: ${JSON.stringify(outcome.error)}\n${err}`);
  } finally {
    executor.close();
  }
  return out.trim().split('\n').pop() as string;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runMM1InKernel(Number(process.argv[2] ?? 1_000_000)));
}
