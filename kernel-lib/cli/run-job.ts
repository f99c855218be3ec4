// One `dmsim run` simulation, from the parsed command line to a reply that can cross a
// thread boundary (structured clone): the text to print, or the input error to report. The
// worker thread (run-worker.js) runs it so that Ctrl-C can reach the main thread; tests run
// it in process, through the same code.
import { InputError } from '../base/input-error.js';
import { runScenario } from '../scenario/run.js';
import type { WorkloadSpec } from '../scenario/schema.js';

export interface RunJob {
  scenario: string;
  set: Record<string, unknown>;
  seed?: string | number;
  trace: boolean;
  json: boolean;
  /** --power-cut-at, as given. */
  powerCutAt?: string;
  /** dmsim fio: the workload replacing the scenario's, and its file-name map. */
  workload?: WorkloadSpec;
  fileMap?: Record<string, string>;
}

export interface RunReply {
  text?: string;
  /** What the workload's tool prints on stderr: dd's lines (text output only). */
  stderr?: string;
  /** The workload tool's exit status when it failed as the tool would (dd's ENOSPC: 1). */
  toolExitStatus?: number;
  trace?: string | null;
  /** The run stopped early on request (SIGINT). */
  stopped?: boolean;
  simulatedS?: number;
  /** Bad input: the InputError's parts. */
  input?: { reason: string; file?: string; line?: number; field?: string };
  /** A system error (ENOENT...) with its message. */
  system?: string;
}

export function runJob(job: RunJob, stopRequested: () => boolean): RunReply {
  try {
    const result = runScenario(job.scenario, { set: job.set, seed: job.seed, trace: job.trace, stopRequested, powerCutAt: job.powerCutAt, workload: job.workload, fileMap: job.fileMap });
    // dd reports on stderr (its records and transfer lines, an error such as ENOSPC); the
    // JSON document keeps them in its dd block.
    const dd = !job.json && result.dd !== null && result.fio === null ? result.dd : null;
    const text = job.json ? `${JSON.stringify(result.toJSON(), null, 2)}\n` : `${result.text({ ddElsewhere: dd !== null })}\n`;
    return {
      text,
      ...(dd === null || dd.text === '' ? {} : { stderr: `${dd.text}\n` }),
      ...(result.dd !== null && (result.dd.exitStatus ?? 0) !== 0 ? { toolExitStatus: result.dd.exitStatus } : {}),
      trace: job.trace ? result.trace!.text() : null,
      stopped: stopRequested(),
      simulatedS: result.dmsim.simulated_s,
    };
  } catch (err) {
    if (err instanceof InputError) {
      // The cut's time came from the command line, not from the scenario file.
      if (err.field === 'power-cut-at' || err.field === 'powerCutAt') return { input: { reason: err.reason, file: '--power-cut-at' } };
      return { input: { reason: err.reason, file: err.file, line: err.line, field: err.field } };
    }
    const e = err as NodeJS.ErrnoException;
    if (err instanceof Error && e.code !== undefined && e.syscall !== undefined) return { system: err.message };
    throw err;
  }
}
