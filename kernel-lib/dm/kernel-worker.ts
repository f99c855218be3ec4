// A device-mapper kernel worker: the pattern kcopyd's do_work, dm-thin's and dm-clone's
// do_worker, dm-cache's and the snapshot store's work all follow. Named job lists, filled from
// any context under one spinlock (job_lock), and a single work item that drains them in a
// fixed order each time it runs. A work item never runs concurrently with itself, so the
// worker is a serial server: whatever one pass sleeps on (a metadata commit, a throttle, a
// lock) stalls everything on its lists. Who shares a worker, and on which CPU it runs, is the
// target's business (kcopyd: one per machine, per client or per CPU by era).
//
// A subclass writes its pass (`doWork`), usually as a series of `processJobs` calls, one per
// list, in the order the kernel's worker drains them. The base class counts passes and the
// CPU they used (the thread report in results) and holds the work item.
import { blkFinishPlug, blkStartPlug } from '../block/plug.js';
import type { Thread } from '../sim/cpu.js';
import type { Deque, ProcessGenerator, Simulation, Work, Workqueue } from '../sim/index.js';

/** What a job function tells process_jobs: done (0), or put back and stop this list (> 0). */
export const JOB_DONE = 0;
export const JOB_REQUEUE = 1;

export type JobFn<J> = (job: J, worker: Thread) => ProcessGenerator<number>;

export abstract class KernelWorker {
  readonly work: Work;
  /** Runs of the work item (passes over the lists). */
  passes = 0;
  /** CPU time the passes used (ns), as charged to the worker thread. */
  cpuNs = 0;
  /** Jobs put back on their list by process_jobs (page starvation and the like). */
  requeues = 0;

  constructor(
    readonly wq: Workqueue,
    /** The work item's name, as the kernel's report would show the worker ("kcopyd"). */
    readonly name: string,
    /** CPU the work item is always queued on, or -1: the CPU wake() is called from. */
    readonly pinnedCpu: number,
  ) {
    this.work = wq.work(name, (t) => this.runPass(t));
    registerWorker(wq.cpus.sim, this);
  }

  /** wake(): queue_work() of the work item (a no-op while it is already pending). */
  wake(cpu: number): void {
    const n = this.wq.cpus.cores.length;
    this.wq.queueWork(this.work, this.pinnedCpu >= 0 ? this.pinnedCpu : this.wq.bound ? cpu % n : 0);
  }

  /** One pass over the lists, in the kernel's order. */
  protected abstract doWork(worker: Thread): ProcessGenerator<void>;

  private *runPass(t: Thread): ProcessGenerator<void> {
    this.passes++;
    const cpu0 = t.cpuNs;
    yield* this.doWork(t);
    this.cpuNs += t.cpuNs - cpu0;
  }

  /**
   * process_jobs(list, fn): runs `fn` on each job from the head until the list is empty. A
   * job for which `fn` answers JOB_REQUEUE (it could not get its resources) goes back on the
   * list, at the head or at the tail, and the list is left for this pass: nothing behind it
   * is tried until the next wake(). Jobs added while the list is drained are handled in the
   * same pass. Returns the number of jobs done.
   */
  *processJobs<J>(list: Deque<J>, fn: JobFn<J>, t: Thread, requeue: 'head' | 'tail' = 'head'): ProcessGenerator<number> {
    let done = 0;
    for (let job = list.shift(); job !== undefined; job = list.shift()) {
      const r = yield* fn(job, t);
      if (r > 0) {
        if (requeue === 'head') list.unshift(job);
        else list.push(job);
        this.requeues++;
        break;
      }
      done++;
    }
    return done;
  }

  /** blk_start_plug around a pass's submissions (the caller pairs it with finishPlug). */
  startPlug(t: Thread): void {
    blkStartPlug(t);
  }

  finishPlug(t: Thread): void {
    blkFinishPlug(t);
  }
}

const registries = new WeakMap<Simulation, KernelWorker[]>();

function registerWorker(sim: Simulation, w: KernelWorker): void {
  let r = registries.get(sim);
  if (r === undefined) registries.set(sim, (r = []));
  r.push(w);
}

/** Every kernel worker of a simulation, in creation order (for the thread report). */
export function kernelWorkers(sim: Simulation): readonly KernelWorker[] {
  return registries.get(sim) ?? [];
}
