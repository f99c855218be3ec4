// struct dm_kcopyd_client: what a target (dm-snapshot, dm-clone, dm-mirror) copies through.
//   const kc = createKcopydClient(sim, cpus, 'snap', params, SNAPSHOT_PAGES);
//   kc.copy({ dev: origin, sector, count }, [{ dev: cow, sector: s2, count }], copyCallback, pe, thread);
// The notify function runs later in the client's kcopyd worker (worker.ts).
//
// Splitting (split_job / segment_complete): a copy longer than the sub-job size becomes a
// master job with 8 sub-jobs, each taking the next sub-job-sized segment when it finishes, so
// at most 8 segments (8 x 64 KiB old, 8 x 512 KiB modern) are in flight per copy. The 2.6
// code dispatched a copy whole only if it was strictly SMALLER than a sub-job; the modern
// code also when equal. That detail goes with the page-pool era (`pool: hard` = 2.6).
import { type CpuSet, type Thread, chargeSoftirq, taskCpu } from '../../sim/cpu.js';
import { Mutex, Workqueue, type ProcessGenerator, type Simulation } from '../../sim/index.js';
import { REQ_SYNC } from '../../block/bio.js';
import { InputError } from '../../base/input-error.js';
import { KcopydJob, MAX_REGIONS, SPLIT_COUNT, type KcopydNotify, type KcopydRegion } from './job.js';
import { KcopydOffload } from './offload.js';
import { PagePool } from './page-pool.js';
import type { KcopydParams } from './params.js';
import { KcopydThrottle } from './throttle.js';
import { KcopydWorker } from './worker.js';

/** What a client asks of kcopyd beyond the parameters (all optional: the public API is unchanged without them). */
export interface KcopydClientOptions {
  /**
   * With per-CPU workers (`threading: per-cpu`), whether the client's notify functions must
   * not run concurrently. The 2022 description (dm-devel, copy-offload thread) says only that
   * callbacks stay serialized for persistent snapshots (the store commits in order) and run in
   * parallel for transient ones. HOW they are serialized is not described: the model ASSUMES a
   * sleeping lock around each callback. Ignored with a single worker, which serializes anyway.
   */
  serializeCallbacks?: boolean;
  /**
   * A throttle shared with other clients: dm-snapshot has ONE (the module parameter
   * snapshot_copy_throttle) for all its snapshots. Default: the client's own.
   */
  throttle?: KcopydThrottle;
}

/** The one machine-wide kcopyd of the 2.6.18-2.6.25 era, per simulated machine. */
const globalWorkers = new WeakMap<CpuSet, KcopydWorker>();

/** The CPU a thread is on (or was last on), 0 without one: task_cpu(). */
export const cpuOf = taskCpu;

export class KcopydClient {
  readonly pool: PagePool;
  readonly throttle: KcopydThrottle;
  readonly offload: KcopydOffload;
  /** Sub-job size in sectors. */
  readonly subJobSectors: number;
  /** Flags of kcopyd's bios. */
  readonly ioFlags: number;
  /** The workers this client's jobs go to: one, or one per CPU. */
  readonly workers: KcopydWorker[];
  /**
   * Serializes notify functions across per-CPU workers when the client asks for it (null:
   * a single worker, or parallel callbacks). See KcopydClientOptions.serializeCallbacks.
   */
  readonly callbackLock: Mutex | null;
  readonly stats = { copies: 0, subJobs: 0, callbacks: 0, sectorsCopied: 0, jobsInFlight: 0, maxJobsInFlight: 0 };
  private readonly splitWhenEqual: boolean;

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet,
    readonly name: string,
    readonly params: KcopydParams,
    options: KcopydClientOptions = {},
  ) {
    this.subJobSectors = params.subJobKiB * 2;
    this.splitWhenEqual = params.pool === 'hard';
    const subJobPages = PagePool.pagesFor(this.subJobSectors);
    const pages = params.pages > 0 ? params.pages : subJobPages;
    if (params.offload === 'none' && params.pool === 'hard' && pages < subJobPages) {
      throw new InputError(`${pages} pages cannot hold one ${params.subJobKiB} KiB sub-job (${subJobPages} pages): every large copy would wait forever`, { field: 'kcopyd.pages' });
    }
    this.pool = new PagePool(params.pool, pages, params.memoryPressure);
    this.throttle = options.throttle ?? new KcopydThrottle(sim, params.throttle);
    this.offload = new KcopydOffload(sim, params.offloadLatencyUs * 1e3, params.offloadMBps);
    this.ioFlags = params.syncIo ? REQ_SYNC : 0;
    // Where the work item runs is `kcopyd.bound` (the era's workqueue), not the threading:
    // create_singlethread_workqueue("kcopyd") is one floating thread (ordered, unbound);
    // alloc_workqueue("kcopyd", WQ_MEM_RECLAIM, 0) runs the item on the CPU it was queued from.
    const wqOptions = (wqName: string) => (params.bound ? { name: wqName, bound: true } : { name: wqName, ordered: true });
    if (params.threading === 'global') {
      let w = globalWorkers.get(cpus);
      if (w === undefined) {
        // One work item and one set of lists, shared by every client of the machine.
        w = new KcopydWorker(new Workqueue(cpus, wqOptions('kcopyd')), 'kcopyd', params.requeue, -1);
        globalWorkers.set(cpus, w);
      }
      this.workers = [w];
      this.callbackLock = null;
    } else if (params.threading === 'per-client') {
      this.workers = [new KcopydWorker(new Workqueue(cpus, wqOptions(`kcopyd-${name}`)), `kcopyd-${name}`, params.requeue, -1)];
      this.callbackLock = null;
    } else {
      // The 2022 design: lists and a work item per CPU, each queued on its own CPU.
      const wq = new Workqueue(cpus, { name: `kcopyd-${name}`, bound: true });
      this.workers = cpus.cores.map((c) => new KcopydWorker(wq, `kcopyd-${name}/${c.index}`, params.requeue, c.index));
      this.callbackLock = options.serializeCallbacks === true ? new Mutex(sim, `kcopyd-${name}.callbacks`) : null;
    }
  }

  /** dm_kcopyd_copy: copies `from` to up to 8 destinations; `fn` runs in the worker when done. */
  copy(from: KcopydRegion, dests: KcopydRegion[], fn: KcopydNotify, context: unknown, thread: Thread | null): KcopydJob {
    if (dests.length === 0 || dests.length > MAX_REGIONS) throw new Error(`kcopyd ${this.name}: 1..${MAX_REGIONS} destinations, got ${dests.length}`);
    const job = new KcopydJob(this, from, dests, fn, context, null);
    if (this.params.offload === 'device') job.op = 'copy';
    this.stats.copies++;
    this.stats.sectorsCopied += from.count;
    this.startJob(job, cpuOf(thread));
    return job;
  }

  /** dm_kcopyd_zero: writes zeroes to the destinations. */
  zero(dests: KcopydRegion[], fn: KcopydNotify, context: unknown, thread: Thread | null): KcopydJob {
    const job = new KcopydJob(this, null, dests, fn, context, null);
    this.startJob(job, cpuOf(thread));
    return job;
  }

  /** dm_kcopyd_prepare_callback: a job that will only run `fn` in the worker. */
  prepareCallback(fn: KcopydNotify, context: unknown, thread: Thread | null): KcopydJob {
    const job = new KcopydJob(this, null, [], fn, context, null);
    job.cpu = cpuOf(thread);
    this.jobStarted();
    return job;
  }

  /** dm_kcopyd_do_callback: queue the prepared job's callback with the given errors. */
  doCallback(job: KcopydJob, readErr: boolean, writeErr: boolean, cpu: number): void {
    job.readErr = readErr;
    job.writeErr = writeErr;
    const w = this.workerFor(job.cpu);
    job.worker = w;
    this.stats.callbacks++;
    w.callbackJobs.push(job);
    w.wake(cpu);
  }

  /** Pages a job needs: none for zeroing (the zero page), offload or a bare callback. */
  pagesNeeded(job: KcopydJob): number {
    if (job.op === 'copy' || job.source === null) return 0;
    return PagePool.pagesFor(job.count);
  }

  /** @internal a master job left the complete list. */
  jobFinished(_job: KcopydJob): void {
    this.stats.jobsInFlight--;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * Whether notify functions of this client may run at the same time on several workers
   * (per-CPU workers, callbacks not serialized). A client whose callbacks share state without
   * a lock of their own (dm-snapshot's in-order completion) cannot rely on it then.
   */
  get parallelCallbacks(): boolean {
    return this.workers.length > 1 && this.callbackLock === null;
  }

  /**
   * @internal pages went back to the shared pool from worker `by`. With one worker per CPU
   * (the 2022 design) a job starved of pages on another CPU's list would otherwise wait for
   * a completion on its own CPU that may never come (nothing else of the client runs
   * there): wake the workers that have page-starved jobs. With a single worker, the pass
   * that freed the pages goes on to the pages list itself, as do_work does.
   */
  pagesFreed(by: unknown): void {
    for (const w of this.workers) if (w !== by && w.pagesJobs.length > 0) w.wake(w.pinnedCpu >= 0 ? w.pinnedCpu : 0);
  }

  /** @internal softirq time on a CPU (complete_io). */
  chargeSoftirq(cpu: number, ns: number): void {
    chargeSoftirq(this.cpus, cpu, ns);
  }

  private jobStarted(): void {
    const s = this.stats;
    if (++s.jobsInFlight > s.maxJobsInFlight) s.maxJobsInFlight = s.jobsInFlight;
  }

  private workerFor(cpu: number): KcopydWorker {
    const ws = this.workers;
    return ws.length === 1 ? ws[0] : ws[cpu % ws.length];
  }

  private startJob(job: KcopydJob, cpu: number): void {
    job.cpu = cpu;
    this.jobStarted();
    const count = job.count;
    const whole = this.splitWhenEqual ? count < this.subJobSectors : count <= this.subJobSectors;
    if (whole || job.op === 'copy') {
      this.dispatch(job, cpu);
      return;
    }
    // split_job: 8 sub-jobs, each given its first segment now (segment_complete in the caller).
    job.progress = 0;
    job.subJobs = SPLIT_COUNT;
    for (let i = 0; i < SPLIT_COUNT; i++) {
      const sub = new KcopydJob(this, job.source, job.dests, segmentComplete, null, job);
      sub.context = sub;
      sub.cpu = cpu;
      this.nextSegment(sub, cpu);
    }
  }

  /**
   * dispatch_job: onto the pages list, or (modern) straight onto the io list for a job that
   * needs no pages, and wake the worker.
   */
  private dispatch(job: KcopydJob, cpu: number): void {
    const w = this.workerFor(job.cpu);
    job.worker = w;
    job.dispatchedAt = this.sim.now;
    if (this.pagesNeeded(job) === 0) w.ioJobs.push(job);
    else w.pagesJobs.push(job);
    w.wake(cpu);
  }

  /**
   * segment_complete's core: give the sub-job the master's next segment, or, when nothing is
   * left and it was the last sub-job running, put the master on the complete list.
   */
  nextSegment(sub: KcopydJob, cpu: number): void {
    const master = sub.master;
    const total = master.count;
    if (master.progress < total && !(master.readErr || master.writeErr)) {
      const offset = master.progress;
      const n = Math.min(total - offset, this.subJobSectors);
      master.progress += n;
      const src = master.source as KcopydRegion;
      sub.source = { dev: src.dev, sector: src.sector + offset, count: n };
      sub.dests = master.dests.map((d) => ({ dev: d.dev, sector: d.sector + offset, count: n }));
      sub.op = 'read';
      sub.readErr = false;
      sub.writeErr = false;
      this.stats.subJobs++;
      this.dispatch(sub, cpu);
    } else if (--master.subJobs === 0) {
      const w = this.workerFor(master.cpu);
      master.worker = w;
      w.completeJobs.push(master);
      w.wake(cpu);
    }
  }
}

/** segment_complete as a sub-job's notify function (the sub-job is its own context). */
function* segmentComplete(readErr: boolean, writeErr: boolean, context: unknown, worker: Thread): ProcessGenerator<void> {
  const sub = context as KcopydJob;
  const master = sub.master;
  if (readErr) master.readErr = true;
  if (writeErr) master.writeErr = true;
  (sub.client as KcopydClient).nextSegment(sub, cpuOf(worker));
}
