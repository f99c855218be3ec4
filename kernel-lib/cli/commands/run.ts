// `dmsim run SCENARIO [--set key=value ...] [--json] [--trace FILE] [--seed N] [--output FILE]`
// Runs a scenario and prints fio's output (or dd's), or with --json fio's JSON document plus
// a `dmsim` block. Bad input is one line on stderr naming the file, line and key, and exit
// status 1; a bad command line is exit status 2.
import { parseDocument } from 'yaml';
import { Worker } from 'node:worker_threads';
import { InputError } from '../../base/input-error.js';
import type { Command } from '../main.js';
import { checkOutputPath, OutputError, writeAtomically } from '../output-file.js';
import type { RunJob, RunReply } from '../run-job.js';

const HELP = `usage: dmsim run SCENARIO [options]

Runs a scenario file (YAML or JSON, see docs/scenario.md): builds its devices, volumes and
device-mapper targets, runs its workload (a fio job file, dd operands or a block trace) and
prints the results the way fio (or dd) prints them: fio's on stdout, dd's lines on stderr
(where dd prints them), dmsim's summary on stdout.

options:
  --set KEY=VALUE   override a parameter by dotted path, e.g. --set block.nr_requests=64,
                    --set devices.sda.write_cache=false, --set seed=7 (repeatable; VALUE is
                    read as YAML: 64 is a number, true a boolean, "64" a string)
  --seed N          the run's seed (same as --set seed=N)
  --json            print fio's JSON output (--output-format=json) plus a "dmsim" block
  --trace FILE      write blkparse-style text of the Q, D and C events the devices saw
  --power-cut-at T  cut the power at simulated time T (12.5s, 800ms; from the start of the
                    run): the run stops, each device loses what its volatile write cache held,
                    each target re-opens and checks its metadata (docs/power-cut.md)
  --output FILE     write the output to FILE instead of stdout (via a temporary file)
  -h, --help        this help

exit status: 0 success, 1 bad scenario or input (the message names file, line and key) or
a dd that failed as dd does (No space left on device at the end of the output device),
2 bad command line (an unknown option, a --set value that is not YAML, an --output or
--trace destination that cannot be written: checked before the run).
The same scenario, options and seed give the same output, apart from wall-time fields
(dmsim.wall_ms) and the "dmsim:" summary line's wall time.`;

interface Args {
  scenario: string;
  set: Record<string, unknown>;
  seed?: string | number;
  json: boolean;
  trace?: string;
  output?: string;
  powerCutAt?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' {
  const out: Partial<Args> & { set: Record<string, unknown> } = { set: {}, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') out.json = true;
    else if (a === '--set' || a.startsWith('--set=')) {
      const kv = a === '--set' ? value() : a.slice(6);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--set needs KEY=VALUE, got '${kv}'`);
      const key = kv.slice(0, eq);
      // Defined, not assigned: a key such as `__proto__` must arrive as data, to be refused
      // by the scenario layer with its path, not set the prototype of this object.
      Object.defineProperty(out.set, key, { value: setValue(key, kv.slice(eq + 1)), enumerable: true, writable: true, configurable: true });
    } else if (a === '--seed') {
      const v = value();
      if (/^-?\d+$/.test(v) && !Number.isSafeInteger(Number(v))) {
        throw new UsageError(`--seed ${v}: beyond 2^53, where integers stop being exact (the run would use ${Number(v)})`);
      }
      out.seed = /^-?\d+$/.test(v) ? Number(v) : v;
    } else if (a === '--trace') out.trace = value();
    else if (a === '--power-cut-at') out.powerCutAt = value();
    else if (a === '--output' || a === '-o') out.output = value();
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (out.scenario === undefined) out.scenario = a;
    else throw new UsageError(`only one scenario per run (got '${out.scenario}' and '${a}')`);
  }
  if (out.scenario === undefined) throw new UsageError('missing SCENARIO');
  return out as Args;
}

/** A --set value read as YAML (64 a number, true a boolean); an empty or null value is the text itself. */
function setValue(key: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UsageError(`--set ${key}: the value is not valid YAML (${doc.errors[0].message.split('\n')[0]}); quote it for a string: --set '${key}="..."'`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(`--set ${key}: ${(err as Error).message}`);
  }
  return value ?? text;
}

/**
 * An error about a value given with --set (or --seed) is located there, not at whatever line
 * of the scenario happens to enclose the key: the file never said it.
 */
function fromCommandLine(err: InputError, args: Args): InputError {
  const field = err.field;
  if (field === undefined || err.file === '--set') return err;
  const given = (key: string) => field === key || field === `params.${key}` || key === `params.${field}` || field.startsWith(`${key}.`);
  if (args.seed !== undefined && given('seed')) return new InputError(err.reason, { file: '--seed', field });
  if (Object.keys(args.set).some(given)) return new InputError(err.reason, { file: '--set', field });
  return err;
}

/**
 * Runs the scenario on a worker thread (run-worker.js) while this thread listens for SIGINT
 * on `signals`: the first one asks the run to stop and report what it did, a second one ends
 * the process at once.
 */
export function runOnWorker(job: RunJob, signals: NodeJS.EventEmitter, thread: 'worker' | 'main'): Promise<RunReply> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const onSigint = () => {
    if (Atomics.load(flag, 0) === 1) process.exit(130);
    Atomics.store(flag, 0, 1);
  };
  // Before the worker starts, so that no Ctrl-C falls between the two.
  signals.on('SIGINT', onSigint);
  if (thread === 'main') {
    // Tests: the same job without a thread's start-up (which loads the library again).
    return import('../run-job.js')
      .then(({ runJob }) => runJob(job, () => Atomics.load(flag, 0) === 1))
      .finally(() => signals.off('SIGINT', onSigint));
  }
  const worker = new Worker(new URL('../run-worker.js', import.meta.url), { workerData: { job, flag } });
  return new Promise<RunReply>((resolve, reject) => {
    // The reply is all there is to wait for: the worker's loader (esbuild's service) would
    // keep it alive for seconds after the run.
    worker.once('message', (m: RunReply) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`dmsim run: the simulation thread exited with status ${code} without a result`)));
  }).finally(() => signals.off('SIGINT', onSigint));
}

/**
 * `dmsim run` with the SIGINT source given (the process; an emitter in tests) and the thread
 * the simulation runs on (a worker, so that Ctrl-C is heard; `main` in tests, faster).
 */
export async function runCommand(argv: string[], signals: NodeJS.EventEmitter = process, thread: 'worker' | 'main' = 'worker'): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`dmsim run: ${err.message}\n\n${HELP}`);
    return 2;
  }
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  try {
    if (args.output !== undefined) checkOutputPath(args.output, '--output');
    if (args.trace !== undefined) checkOutputPath(args.trace, '--trace');
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    console.error(`dmsim run: ${err.message}`);
    return 2;
  }
  const job: RunJob = { scenario: args.scenario, set: args.set, seed: args.seed, trace: args.trace !== undefined, json: args.json, powerCutAt: args.powerCutAt };
  const reply = await runOnWorker(job, signals, thread);
  if (reply.input !== undefined) {
    const { reason, ...where } = reply.input;
    console.error(`dmsim run: ${fromCommandLine(new InputError(reason, where), args).message}`);
    return 1;
  }
  if (reply.system !== undefined) {
    console.error(`dmsim run: ${reply.system}`);
    return 1;
  }
  try {
    if (args.trace !== undefined) writeAtomically(args.trace, reply.trace!, '--trace');
    if (reply.stderr !== undefined) process.stderr.write(reply.stderr);
    if (args.output !== undefined) writeAtomically(args.output, reply.text!, '--output');
    else process.stdout.write(reply.text!);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    console.error(`dmsim run: ${err.message}`);
    return 1;
  }
  if (reply.stopped) {
    // As fio and dd do on SIGINT: the report of what was done, then 128 + SIGINT.
    console.error(`dmsim run: interrupted (SIGINT) after ${reply.simulatedS!.toFixed(6)} s of simulated time; the output covers the run so far`);
    return 130;
  }
  // dd's own exit status (1 after ENOSPC), as a script running dd would see it.
  return reply.toolExitStatus ?? 0;
}

export const command: Command = {
  summary: 'run a scenario file and print fio-shaped results (--json, --set, --trace)',
  main: (argv: string[]) => runCommand(argv),
};
