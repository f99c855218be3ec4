// A fio run: parse the job file, expand numjobs into clones, start them all at once (fio
// starts every job of a run together, each after its own startdelay) and, when they are done,
// report them per job or, with group_reporting, per group.
import type { SimEvent } from '../../sim/index.js';
import { FioJob, type JobEnvironment } from './job.js';
import { parseJobFile } from './job-file.js';
import { jobOptions, type JobOptions } from './options.js';
import { JobStats } from './stats.js';

/** What one entry of fio's jobs[] reports: a job clone, or a group summed. */
export interface JobReport {
  jobname: string;
  groupid: number;
  options: JobOptions;
  stats: JobStats;
  /** Simulated ns from the start of the run to the job's end. */
  endedAt: number;
  startedAt: number;
}

export class FioRun {
  readonly jobs: FioJob[] = [];

  constructor(
    private readonly env: JobEnvironment,
    text: string,
    source: string,
    firstLine = 1,
  ) {
    const file = parseJobFile(text, source, firstLine);
    file.jobs.forEach((section, n) => {
      const o = jobOptions(section, source);
      for (let clone = 0; clone < o.numjobs; clone++) this.jobs.push(new FioJob(env, o, clone, n));
    });
  }

  /** Starts every job; the event fires when the last one has finished. */
  start(): SimEvent<unknown> {
    return this.env.sim.allOf(this.jobs.map((j) => j.start()));
  }

  /**
   * The jobs[] entries. Every job is in group 0 (dmsim does not support stonewall/new_group),
   * so with group_reporting set in any job the whole run is one entry named after the first
   * job, as fio prints it.
   */
  reports(): JobReport[] {
    const entry = (j: FioJob, stats: JobStats): JobReport => ({
      jobname: j.options.name,
      groupid: 0,
      options: j.options,
      stats,
      startedAt: j.startedAt,
      endedAt: j.endedAt,
    });
    if (!this.jobs.some((j) => j.options.groupReporting)) return this.jobs.map((j) => entry(j, j.stats));
    const sum = new JobStats();
    sum.jobs = 0;
    for (const j of this.jobs) sum.merge(j.stats);
    const first = this.jobs[0];
    const r = entry(first, sum);
    r.endedAt = Math.max(...this.jobs.map((j) => j.endedAt));
    r.startedAt = Math.min(...this.jobs.map((j) => j.startedAt));
    return [r];
  }
}
