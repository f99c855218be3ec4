// The kcopyd worker: one set of job lists and the single work item that serves them (do_work),
// a KernelWorker (../kernel-worker.ts). A work item never runs concurrently with itself, so
// the worker is a serial server: a client
// callback that sleeps (dm-snapshot's synchronous metadata write) stalls every job on these
// lists. Who shares a worker depends on the era (client.ts): the whole machine (before
// 2.6.26), one client, or one client on one CPU (the 2022 per-CPU design).
//
// The lists (job_lock protects them in the kernel; here nothing runs in between):
//   callback: jobs with no I/O that only run a callback (dm_kcopyd_do_callback; modern)
//   complete: finished jobs waiting for their notify function
//   pages:    jobs waiting for pages
//   io:       jobs with pages waiting to issue their read, or their write after the read
import { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { beforeSleep, blkFinishPlug, blkStartPlug } from '../../block/plug.js';
import { type Thread, smpProcessorId } from '../../sim/cpu.js';
import { Deque, type Mutex, type ProcessGenerator, type Workqueue } from '../../sim/index.js';
import { JOB_DONE, JOB_REQUEUE, KernelWorker } from '../kernel-worker.js';
import { KCOPYD_COSTS } from './costs.js';
import type { KcopydJob, KcopydJobClient, KcopydRegion } from './job.js';
import type { Requeue } from './params.js';

export class KcopydWorker extends KernelWorker {
  readonly callbackJobs = new Deque<KcopydJob>();
  readonly completeJobs = new Deque<KcopydJob>();
  readonly pagesJobs = new Deque<KcopydJob>();
  readonly ioJobs = new Deque<KcopydJob>();
  /** Bios submitted (statistics). */
  bios = 0;
  /**
   * Run do_work through processJobs and the named run_*_job functions instead of the inlined
   * loops (the slow path, kept to show that the two do the same: test/dm/kcopyd/worker.test.ts).
   */
  static inline = true;

  constructor(
    wq: Workqueue,
    name: string,
    readonly requeue: Requeue,
    /** CPU the work item is always queued on (per-cpu threading), or -1: where wake() is called. */
    pinnedCpu: number,
  ) {
    super(wq, name, pinnedCpu);
  }

  /**
   * do_work, in the kernel's order: "complete jobs can free some pages for pages jobs. Pages
   * jobs when successful will jump onto the io jobs list". Each list is drained until empty,
   * so jobs that complete while the pass runs are handled in the same pass. run_complete_job
   * and run_io_job are written out in the loops rather than as helper generators: they run
   * for every job, and each nested generator is an allocation and a level every resume of
   * the worker passes through.
   */
  protected *doWork(t: Thread): ProcessGenerator<void> {
    if (!KcopydWorker.inline) return yield* this.doWorkNamed(t);
    yield t.exec(KCOPYD_COSTS.passNs);
    while (this.callbackJobs.length > 0) this.completeJobs.push(this.callbackJobs.shift() as KcopydJob);
    blkStartPlug(t);
    for (let job = this.completeJobs.shift(); job !== undefined; job = this.completeJobs.shift()) {
      // run_complete_job, inlined (see runCompleteJob): pages back, then the notify function
      // (segment_complete for a sub-job).
      yield t.exec(KCOPYD_COSTS.completeJobNs);
      const client = job.client;
      if (job.pages > 0) {
        client.pool.put(job.pages);
        if (client.workerCount > 1) client.pagesFreed(this);
        job.pages = 0;
      }
      if (!job.isSubJob) client.jobFinished(job);
      if (client.callbackLock !== null) yield* this.notifyLocked(job, client.callbackLock, t);
      else yield* job.fn(job.readErr, job.writeErr, job.context, t);
    }
    for (let job = this.pagesJobs.shift(); job !== undefined; job = this.pagesJobs.shift()) {
      // run_pages_job, inlined (see runPagesJob).
      yield t.exec(KCOPYD_COSTS.pagesJobNs);
      const client = job.client;
      const n = client.pagesNeeded(job);
      if (n > 0 && !client.pool.get(n)) {
        // process_jobs: r > 0 puts the job back and BREAKS, so nothing behind it is tried in
        // this pass. At the tail (2.6) the starved job moves behind every other waiting job
        // and the copies of a sequential stream get reordered; at the head (later) FIFO order
        // holds. Either way it is retried at the next wake(), i.e. the next completion.
        if (this.requeue === 'head') this.pagesJobs.unshift(job);
        else this.pagesJobs.push(job);
        this.requeues++;
        break;
      }
      job.pages = n;
      this.ioJobs.push(job);
    }
    for (let job = this.ioJobs.shift(); job !== undefined; job = this.ioJobs.shift()) {
      // run_io_job, inlined (see runIoJob): the throttle, then an asynchronous dm_io read of
      // the source or write of every destination.
      const client = job.client;
      if (client.throttle.enabled) yield* this.throttle(client, t);
      yield t.exec(KCOPYD_COSTS.ioJobNs);
      if (job.op === 'copy') {
        client.offload.start(job);
        continue;
      }
      // dm_io's countdown, inlined so the hot path allocates only the bios: one reference is
      // held while submitting, so a bio completing during submission cannot end the job early.
      const cpu = smpProcessorId(t);
      const flags = client.ioFlags;
      job.ioCount = 1;
      if (job.op === 'read') {
        const src = job.source as KcopydRegion;
        yield* this.submit(job, 'read', src.dev, src.sector, src.count, flags, t, cpu);
      } else {
        const dests = job.dests;
        for (let i = 0; i < dests.length; i++) yield* this.submit(job, 'write', dests[i].dev, dests[i].sector, dests[i].count, flags, t, cpu);
      }
      if (--job.ioCount === 0) ioJobDone(job, cpu);
    }
    blkFinishPlug(t);
  }

  /**
   * do_work as the kernel writes it: process_jobs over the complete, pages and io lists with
   * run_complete_job, run_pages_job and run_io_job. Same events in the same order as the
   * inlined doWork.
   */
  private *doWorkNamed(t: Thread): ProcessGenerator<void> {
    yield t.exec(KCOPYD_COSTS.passNs);
    while (this.callbackJobs.length > 0) this.completeJobs.push(this.callbackJobs.shift() as KcopydJob);
    blkStartPlug(t);
    yield* this.processJobs(this.completeJobs, this.runCompleteJob, t);
    yield* this.processJobs(this.pagesJobs, this.runPagesJob, t, this.requeue);
    yield* this.processJobs(this.ioJobs, this.runIoJob, t);
    blkFinishPlug(t);
  }

  /** run_complete_job: the job's pages back to the pool, then its notify function. */
  readonly runCompleteJob = function* (this: void, job: KcopydJob, t: Thread): ProcessGenerator<number> {
    const w = job.worker as KcopydWorker;
    yield t.exec(KCOPYD_COSTS.completeJobNs);
    const client = job.client;
    if (job.pages > 0) {
      client.pool.put(job.pages);
      if (client.workerCount > 1) client.pagesFreed(w);
      job.pages = 0;
    }
    if (!job.isSubJob) client.jobFinished(job);
    if (client.callbackLock !== null) yield* w.notifyLocked(job, client.callbackLock, t);
    else yield* job.fn(job.readErr, job.writeErr, job.context, t);
    return JOB_DONE;
  };

  /** run_pages_job: the job's pages from the pool, or JOB_REQUEUE when there are not enough. */
  readonly runPagesJob = function* (this: void, job: KcopydJob, t: Thread): ProcessGenerator<number> {
    yield t.exec(KCOPYD_COSTS.pagesJobNs);
    const client = job.client;
    const n = client.pagesNeeded(job);
    if (n > 0 && !client.pool.get(n)) return JOB_REQUEUE;
    job.pages = n;
    (job.worker as KcopydWorker).ioJobs.push(job);
    return JOB_DONE;
  };

  /** run_io_job: the throttle, then the dm_io read of the source or write of every destination. */
  readonly runIoJob = function* (this: void, job: KcopydJob, t: Thread): ProcessGenerator<number> {
    const w = job.worker as KcopydWorker;
    const client = job.client;
    if (client.throttle.enabled) yield* w.throttle(client, t);
    yield t.exec(KCOPYD_COSTS.ioJobNs);
    if (job.op === 'copy') {
      client.offload.start(job);
      return JOB_DONE;
    }
    const cpu = smpProcessorId(t);
    const flags = client.ioFlags;
    job.ioCount = 1;
    if (job.op === 'read') {
      const src = job.source as KcopydRegion;
      yield* w.submit(job, 'read', src.dev, src.sector, src.count, flags, t, cpu);
    } else {
      const dests = job.dests;
      for (let i = 0; i < dests.length; i++) yield* w.submit(job, 'write', dests[i].dev, dests[i].sector, dests[i].count, flags, t, cpu);
    }
    if (--job.ioCount === 0) ioJobDone(job, cpu);
    return JOB_DONE;
  };

  /** Per-CPU workers of one client: callbacks are still serialized, as clients rely on. */
  private *notifyLocked(job: KcopydJob, lock: Mutex, t: Thread): ProcessGenerator<void> {
    yield beforeSleep(t, lock.lock());
    try {
      yield* job.fn(job.readErr, job.writeErr, job.context, t);
    } finally {
      lock.unlock();
    }
  }

  /** io_job_start's sleeps: while over the throttle, the worker sleeps (and everything of the client waits). */
  private *throttle(client: KcopydJobClient, t: Thread): ProcessGenerator<void> {
    for (let slept = 0; ; slept++) {
      const sleep = client.throttle.start(slept);
      if (sleep === null) break;
      yield beforeSleep(t, sleep);
    }
  }

  /** One bio of the job's dm_io; returns the device's submission (a plain function: no generator of its own per bio). */
  private submit(job: KcopydJob, op: 'read' | 'write', dev: BlockDevice, sector: number, count: number, flags: number, t: Thread, cpu: number): ProcessGenerator<void> {
    const bio = new Bio(op, sector, count, flags);
    bio.thread = t;
    bio.cpu = cpu;
    bio.private = job;
    bio.endIo = completeIo;
    job.ioCount++;
    this.bios++;
    return dev.submit(bio);
  }
}

/** complete_io, in the completing CPU's softirq. */
function completeIo(bio: Bio): void {
  const job = bio.private as KcopydJob;
  if (bio.status !== null) {
    if (bio.op === 'read') job.readErr = true;
    else job.writeErr = true;
  }
  if (--job.ioCount === 0) ioJobDone(job, bio.completionCpu >= 0 ? bio.completionCpu : bio.cpu);
}

/**
 * The job's dm_io finished: a successful read turns the job into a write at the TAIL of the
 * io list (so read and write are two serial phases, the write queued behind other waiting
 * I/O); a write, or an error, goes to the complete list.
 */
export function ioJobDone(job: KcopydJob, cpu: number): void {
  const client = job.client;
  const w = job.worker as KcopydWorker;
  client.throttle.finish();
  client.chargeSoftirq(cpu, KCOPYD_COSTS.completeIoNs);
  if (job.op === 'read' && !job.readErr) {
    job.op = 'write';
    w.ioJobs.push(job);
  } else {
    w.completeJobs.push(job);
  }
  w.wake(cpu);
}
