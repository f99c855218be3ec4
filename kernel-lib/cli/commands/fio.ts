// `dmsim fio --scenario STACK.yaml [fio's options] [JOBFILE...]`: fio's own command line, so
// that job files run unchanged on a simulated stack. The scenario gives the devices, volumes
// and targets (its workload, if any, is not run). As in fio (init.c, parse_cmd_line):
// - `--name=value` options that are job options are defaults for every job: a job file's
//   [global] and sections override them (they fill fio's def_thread);
// - without a job file, `--name=x` starts a job on the command line, the options after it
//   being that job's (the ones before the first --name are global);
// - `--section=x` (repeatable) runs only those jobs of the file;
// - `--output-format=normal|json`, `--output=FILE` (written through a temporary file).
// dmsim's own: `--map NAME=DEV` makes fio's file NAME the stack's device DEV (`*=DEV`: any
// name the stack does not know), so `filename=/dev/sdb` or `filename=datafile.tmp` finds a
// device; `--set`, `--seed` as for dmsim run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeTextFile } from '../../base/text-input.js';
import { InputError } from '../../base/input-error.js';
import type { JobOption } from '../../workload/fio/job-file.js';
import type { Command } from '../main.js';
import { checkOutputPath, OutputError, writeAtomically } from '../output-file.js';
import type { RunJob } from '../run-job.js';
import { runOnWorker } from './run.js';

const HELP = `usage: dmsim fio --scenario STACK.yaml [options] [JOBFILE ...]

Runs fio job files, unchanged, on the stack a scenario builds (its devices, volumes and
targets; a workload in the scenario is not run). fio's job options given as --name=value are
defaults for every job (the job file overrides them); without a job file, --name=x starts a
job defined on the command line. The handling of every fio option is listed in
kernel-lib/workload/fio/option-table.ts (docs/fio-options.md).

options:
  --scenario FILE          the stack (required)
  --section=NAME           run only this job of the file (repeatable)
  --output-format=FORMAT   normal (default) or json
  --output=FILE            write the output to FILE (via a temporary file)
  --map NAME=DEV           fio's file NAME is the stack's device DEV; NAME * maps any file
                           name the stack does not know (repeatable)
  --set KEY=VALUE, --seed N   as for dmsim run
  --OPTION=VALUE, --OPTION    any fio job option
  -h, --help               this help

exit status: 0 success, 1 bad input (file, line and option named), 2 bad command line.`;

class UsageError extends Error {}

/** fio's own command-line options that are not job options, and what dmsim does with them. */
const FIO_FLAGS_REFUSED: Record<string, string> = {
  '--client': 'client/server mode', '--server': 'client/server mode', '--daemonize': 'client/server mode', '--remote-config': 'client/server mode',
  '--minimal': 'terse output is not produced', '--append-terse': 'terse output is not produced', '--terse-version': 'terse output is not produced',
  '--bandwidth-log': 'not produced', '--idle-prof': 'idle profiling is not modelled', '--trigger-file': 'triggers', '--trigger-timeout': 'triggers',
  '--trigger': 'triggers', '--trigger-remote': 'triggers', '--inflate-log': 'not produced', '--merge-blktrace-only': 'not produced',
  '--cpuclock-test': 'no CPU clock', '--crctest': 'no checksums', '--cmdhelp': 'see docs/fio-options.md', '--enghelp': 'see docs/fio-options.md',
  '--exec-profile': 'fio\'s built-in profiles are not modelled', '--profile': 'fio\'s built-in profiles are not modelled',
};
/** Accepted, no effect on the simulation or its output. */
const FIO_FLAGS_IGNORED = ['--eta', '--eta-newline', '--eta-interval', '--status-interval', '--readonly', '--warnings-fatal', '--max-jobs', '--alloc-size', '--debug', '--showcmd', '--aux-path', '--timeout'];

interface Args {
  scenario: string;
  jobFiles: string[];
  sections: string[];
  format: 'normal' | 'json';
  output?: string;
  map: Record<string, string>;
  set: Record<string, unknown>;
  seed?: string | number;
  /** Job options from the command line, in order, each with the --name job it belongs to (null: global). */
  options: { key: string; value: string | null }[];
}

function parseArgs(argv: string[]): Args | 'help' {
  const a: Args = { scenario: '', jobFiles: [], sections: [], format: 'normal', map: {}, set: {}, options: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--scenario') a.scenario = value();
    else if (flag === '--section') a.sections.push(value());
    else if (flag === '--output-format') {
      const f = value();
      if (f !== 'normal' && f !== 'json') throw new UsageError(`--output-format=${f}: dmsim writes normal or json (terse and json+ are not produced)`);
      a.format = f;
    } else if (flag === '--output' || flag === '-o') a.output = value();
    else if (flag === '--map') {
      const kv = value();
      const k = kv.lastIndexOf('=');
      if (k <= 0 || k === kv.length - 1) throw new UsageError(`--map needs NAME=DEVICE, got '${kv}'`);
      a.map[kv.slice(0, k)] = kv.slice(k + 1);
    } else if (flag === '--set') {
      const kv = value();
      const k = kv.indexOf('=');
      if (k <= 0) throw new UsageError(`--set needs KEY=VALUE, got '${kv}'`);
      Object.defineProperty(a.set, kv.slice(0, k), { value: kv.slice(k + 1), enumerable: true, writable: true, configurable: true });
    } else if (flag === '--seed') a.seed = /^-?\d+$/.test(value()) ? Number(inline ?? argv[i]) : (inline ?? argv[i]);
    else if (flag === '--version') throw new UsageError('--version: dmsim fio reports fio-3.x as fio-shaped output; see dmsim --help');
    else if (FIO_FLAGS_REFUSED[flag] !== undefined) throw new UsageError(`${flag}: ${FIO_FLAGS_REFUSED[flag]}`);
    else if (FIO_FLAGS_IGNORED.includes(flag)) continue;
    else if (arg.startsWith('--')) a.options.push({ key: arg.slice(2, eq > 0 ? eq : undefined), value: inline ?? null });
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else a.jobFiles.push(arg);
  }
  if (a.scenario === '') throw new UsageError('--scenario STACK.yaml is required (the devices the jobs run on)');
  if (a.jobFiles.length > 1) throw new UsageError('one job file per run (fio runs several one after the other: run dmsim fio once per file)');
  if (a.jobFiles.length === 0 && !a.options.some((o) => o.key === 'name')) throw new UsageError('no job file and no --name=job on the command line');
  return a;
}

/** The job text and command-line defaults for the run: the file, or the jobs the command line defines. */
function workloadOf(a: Args): RunJob['workload'] {
  const CMDLINE = '<command line>';
  if (a.jobFiles.length === 0) {
    // Jobs on the command line: written out as a job file, one line per option, so errors name the option.
    const lines: string[] = ['[global]'];
    for (const o of a.options) lines.push(o.key === 'name' ? `[${o.value}]` : o.value === null ? o.key : `${o.key}=${o.value}`);
    return { kind: 'fio', text: `${lines.join('\n')}\n`, source: CMDLINE, firstLine: 1, sections: a.sections };
  }
  const file = a.jobFiles[0];
  let text: string;
  try {
    text = decodeTextFile(fs.readFileSync(file), file, 'a fio job file');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read job file: ${(err as NodeJS.ErrnoException).code ?? err}`, { file });
  }
  const defaults: JobOption[] = a.options.map((o) => ({ key: o.key, value: o.value, line: 0 }));
  return { kind: 'fio', text, source: path.relative(process.cwd(), path.resolve(file)) || file, firstLine: 1, defaults, sections: a.sections };
}

export async function fioCommand(argv: string[], signals: NodeJS.EventEmitter = process, thread: 'worker' | 'main' = 'worker'): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`dmsim fio: ${err.message}\n\n${HELP}`);
    return 2;
  }
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  let workload: RunJob['workload'];
  try {
    if (args.output !== undefined) checkOutputPath(args.output, '--output');
    workload = workloadOf(args);
  } catch (err) {
    if (err instanceof OutputError) {
      console.error(`dmsim fio: ${err.message}`);
      return 2;
    }
    if (!(err instanceof InputError)) throw err;
    console.error(`dmsim fio: ${err.message}`);
    return 1;
  }
  const job: RunJob = { scenario: args.scenario, set: args.set, seed: args.seed, trace: false, json: args.format === 'json', workload, fileMap: args.map };
  const reply = await runOnWorker(job, signals, thread);
  if (reply.input !== undefined) {
    const { reason, ...where } = reply.input;
    // A command-line option (line 0) is located on the command line, not in the file.
    const at = where.line === 0 ? { file: '<command line>', field: where.field } : where;
    console.error(`dmsim fio: ${new InputError(reason, at).message}`);
    return 1;
  }
  if (reply.system !== undefined) {
    console.error(`dmsim fio: ${reply.system}`);
    return 1;
  }
  try {
    if (args.output !== undefined) writeAtomically(args.output, reply.text!, '--output');
    else process.stdout.write(reply.text!);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    console.error(`dmsim fio: ${err.message}`);
    return 1;
  }
  return reply.stopped ? 130 : 0;
}

export const command: Command = {
  summary: 'run fio job files unchanged on a scenario\'s stack (fio\'s own command line)',
  main: (argv: string[]) => fioCommand(argv),
};
