// Runs one of fio's example job files on the examples' stack, as `dmsim fio --scenario
// test/fio-examples/stack.yaml --map /dev/ng0n1=nvme0n1 --map '*=sda' FILE` would, but for at
// most `events` simulated events (the run then stops as on Ctrl-C and reports what it did):
// the examples' runtimes are minutes of simulated time, the test needs only their start.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../kernel-lib/base/input-error.js';
import { runScenario } from '../../kernel-lib/scenario/run.js';

export const EXAMPLES = path.resolve('test/fio-examples/examples');
export const FILE_MAP = { '/dev/ng0n1': 'nvme0n1', '*': 'sda' };

export type Outcome = { runs: true; jobs: number; warnings: string[]; idle: string[] } | { refused: string };

export function runExample(file: string, env: Record<string, string> = {}, events = 20 * 4096): Outcome {
  const rel = path.relative(process.cwd(), path.join(EXAMPLES, file));
  const stack = path.resolve('test/fio-examples/stack.yaml');
  // The logs an example asks for (write_bw_log=NAME, relative to the current directory as in
  // fio) go to a directory of their own, not into the checkout.
  const cwd = process.cwd();
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-fio-example-'));
  let polls = 0;
  try {
    process.chdir(logs);
    const r = runScenario(stack, {
      workload: { kind: 'fio', text: fs.readFileSync(path.join(EXAMPLES, file), 'utf8'), source: rel, firstLine: 1, env },
      fileMap: FILE_MAP,
      stopRequested: () => ++polls * 4096 > events,
    });
    const jobs = (r.fio as { jobs: { jobname: string; read: { io_bytes: number }; write: { io_bytes: number }; trim: { io_bytes: number } }[] }).jobs;
    // A job that did no I/O at all in the window: reported, so that a silently empty job shows.
    const idle = jobs.filter((j) => j.read.io_bytes + j.write.io_bytes + j.trim.io_bytes === 0).map((j) => j.jobname);
    return { runs: true, jobs: jobs.length, warnings: r.dmsim.warnings.filter((w) => !w.startsWith('interrupted')), idle };
  } catch (err) {
    if (err instanceof InputError) return { refused: err.message };
    throw err;
  } finally {
    process.chdir(cwd);
    fs.rmSync(logs, { recursive: true, force: true });
  }
}
