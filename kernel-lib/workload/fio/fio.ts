// A fio run: parse the job file, expand numjobs into clones, and run them as fio does: every
// job starts at once (each after its own startdelay), except that a job with `stonewall`
// (wait_for_previous) waits until all the jobs before it have finished. A stonewall or
// new_group starts a new reporting group (groupid). With group_reporting a group is reported
// as one entry summing its jobs; without, each clone is its own entry. wait_for=NAME starts a
// job once every clone of the (earlier) job NAME has finished; exitall stops every job when a
// job that has it finishes.
import type { ProcessGenerator, SimEvent } from '../../sim/index.js';
import { FioJob, type JobEnvironment } from './job.js';
import { parseJobFile, type JobFileVariables, type JobOption } from './job-file.js';
import { InputError } from '../../base/input-error.js';
import { jobOptions, type JobOptions } from './options.js';
import { JobStats } from './stats.js';
import { writeJobLogs } from './logs.js';

/** What one entry of fio's jobs[] reports: a job clone, or a group summed. */
export interface JobReport {
  jobname: string;
  groupid: number;
  options: JobOptions;
  stats: JobStats;
  /** Simulated ns from the start of the run to the job's start (after startdelay) and end. */
  startedAt: number;
  endedAt: number;
  /** The job's own options as written (fio's "job options"). */
  given: JobOption[];
}

interface Phase {
  /** Clones that start together once the previous phases are done. */
  jobs: FioJob[];
}

export class FioRun {
  readonly jobs: FioJob[] = [];
  /** The [global] options as written (fio's "global options"). */
  readonly globalOptions: JobOption[];
  /** groupid of each clone in `jobs`. */
  private readonly groupOf = new Map<FioJob, number>();
  private readonly phases: Phase[] = [];
  private readonly given = new Map<FioJob, JobOption[]>();
  private logsWritten = false;

  constructor(
    private readonly env: JobEnvironment,
    text: string,
    source: string,
    firstLine = 1,
    vars?: JobFileVariables,
    /** fio's command line: option defaults for every job, and --section's job names. */
    cmdline: { defaults?: JobOption[]; sections?: string[] } = {},
  ) {
    const file = parseJobFile(text, source, firstLine, vars, cmdline.defaults);
    if (cmdline.sections !== undefined && cmdline.sections.length > 0) {
      const missing = cmdline.sections.find((name) => !file.jobs.some((j) => j.name === name));
      if (missing !== undefined) throw new InputError(`--section=${missing}: no job [${missing}] in the file`, { file: source });
      file.jobs = file.jobs.filter((j) => cmdline.sections!.includes(j.name));
    }
    this.globalOptions = file.global;
    let group = 0;
    file.jobs.forEach((section, n) => {
      const o = jobOptions(section, source);
      if (o.waitFor !== null && !file.jobs.slice(0, n).some((j) => j.name === o.waitFor)) {
        throw new InputError(`wait_for=${o.waitFor}: no job of that name before this one`, { file: source, line: o.lines.wait_for, field: 'wait_for' });
      }
      if (n > 0 && (o.stonewall || o.newGroup)) group++;
      if (n === 0 || o.stonewall) this.phases.push({ jobs: [] });
      const phase = this.phases[this.phases.length - 1];
      for (let clone = 0; clone < o.numjobs; clone++) {
        const job = new FioJob(env, o, clone, n, this.jobs.length);
        this.jobs.push(job);
        this.groupOf.set(job, group);
        this.given.set(job, section.options.slice(section.inherited));
        phase.jobs.push(job);
      }
    });
  }

  /** Starts the run; the event fires when the last job has finished. */
  start(): SimEvent<unknown> {
    const sim = this.env.sim;
    const phases = this.phases;
    const self = this;
    const doneOf = new Map<string, SimEvent<unknown>[]>();
    const startJob = (j: FioJob): SimEvent<unknown> => {
      const after = j.options.waitFor !== null ? doneOf.get(j.options.waitFor) ?? [] : [];
      const exitall = j.options.exitall;
      const done =
        after.length === 0 && !exitall
          ? j.start()
          : sim.process(function* (): ProcessGenerator<void> {
              if (after.length > 0) yield sim.allOf(after);
              yield j.start();
              if (exitall) for (const other of self.jobs) other.stopped = true;
            }, `fio/${j.options.name}.${j.clone}/wait`);
      if (!doneOf.has(j.options.name)) doneOf.set(j.options.name, []);
      doneOf.get(j.options.name)!.push(done);
      return done;
    };
    return sim.process(function* (): ProcessGenerator<void> {
      for (const phase of phases) yield sim.allOf(phase.jobs.map(startJob));
      self.writeLogs();
    }, 'fio');
  }

  /**
   * Writes the jobs' write_bw_log / write_iops_log / write_lat_log files once the run is over
   * (relative names under `dir`, the current directory as with fio). Returns the files written.
   */
  writeLogs(dir: string = process.cwd()): string[] {
    if (this.logsWritten) return [];
    this.logsWritten = true;
    return writeJobLogs(dir, this.jobs);
  }

  /** Ctrl-C: every running job ends its accounting now (see FioJob.interrupt). */
  interrupt(): void {
    for (const j of this.jobs) j.interrupt();
    this.writeLogs();
  }

  /** The jobs[] entries, in job order. */
  reports(): JobReport[] {
    const out: JobReport[] = [];
    const groups = new Map<number, FioJob[]>();
    for (const j of this.jobs) {
      const g = this.groupOf.get(j)!;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(j);
    }
    for (const [groupid, jobs] of groups) {
      if (!jobs.some((j) => j.options.groupReporting)) {
        for (const j of jobs) {
          out.push({ jobname: j.options.name, groupid, options: j.options, stats: j.stats, startedAt: j.startedAt, endedAt: j.endedAt, given: this.given.get(j)! });
        }
        continue;
      }
      const sum = new JobStats();
      sum.jobs = 0;
      for (const j of jobs) sum.merge(j.stats);
      out.push({
        jobname: jobs[0].options.name,
        groupid,
        options: jobs[0].options,
        stats: sum,
        startedAt: Math.min(...jobs.map((j) => j.startedAt)),
        endedAt: Math.max(...jobs.map((j) => j.endedAt)),
        given: this.given.get(jobs[0])!,
      });
    }
    return out;
  }
}
