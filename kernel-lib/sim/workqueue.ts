// Workqueues (kernel/workqueue.c, reduced to what timing depends on):
// - a work item is queued with queueWork(); queueing a pending item does nothing (returns
//   false), and an item never runs concurrently with itself: queued while running, it runs
//   again once the current run ends, on the same pool, by the same worker;
// - a bound (per-CPU) workqueue runs an item on worker threads pinned to the CPU it was
//   queued from; an unbound one on floating threads;
// - at most `maxActive` items run at once per CPU (bound) or in all (unbound); `ordered`
//   means one at a time in queueing order (alloc_ordered_workqueue).
// Worker threads are simulated threads, so items compete for cores with everything else.
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { SimEvent } from './event.js';
import type { CpuSet, Thread } from './cpu.js';
import type { ProcessGenerator } from './process.js';
import { Tally } from './stats/tally.js';

export interface WorkqueueOptions {
  name: string;
  /** Per-CPU workers (true, the default) or floating ones. */
  bound?: boolean;
  /** Items running at once per CPU (bound) or overall (unbound); default 256 (WQ_DFL_ACTIVE). */
  maxActive?: number;
  /** One item at a time, in order (implies unbound, maxActive 1). */
  ordered?: boolean;
}

export type WorkFn = (worker: Thread) => ProcessGenerator<void>;

export class Work {
  pending = false;
  running = false;
  /** Queued while running: it goes back on the pool it runs on once the current run ends. */
  requeued = false;
  queuedAt = 0;
  executions = 0;

  constructor(
    readonly wq: Workqueue,
    readonly name: string,
    readonly fn: WorkFn,
  ) {}
}

class WorkerPool {
  readonly queue = new Deque<Work>();
  readonly idle: SimEvent<undefined>[] = [];
  workers = 0;
  active = 0;

  constructor(
    readonly wq: Workqueue,
    /** Core the workers are pinned to, or -1. */
    readonly cpu: number,
  ) {}
}

export class Workqueue {
  readonly name: string;
  readonly bound: boolean;
  readonly maxActive: number;
  /** ns from queueWork() to the item starting. */
  readonly queueDelay = new Tally();
  private readonly pools: WorkerPool[];

  constructor(
    readonly cpus: CpuSet,
    options: WorkqueueOptions,
  ) {
    this.name = options.name;
    const ordered = options.ordered ?? false;
    this.bound = ordered ? false : (options.bound ?? true);
    this.maxActive = ordered ? 1 : (options.maxActive ?? 256);
    if (!(Number.isInteger(this.maxActive) && this.maxActive >= 1)) {
      throw new SimulationError(`workqueue ${this.name}: maxActive must be a positive integer, got ${describe(options.maxActive)}`);
    }
    this.pools = this.bound ? cpus.cores.map((c) => new WorkerPool(this, c.index)) : [new WorkerPool(this, -1)];
  }

  /** INIT_WORK: a work item of this workqueue. */
  work(name: string, fn: WorkFn): Work {
    return new Work(this, name, fn);
  }

  /** queue_work_on(cpu) / queue_work: false if the item was already pending. */
  queueWork(work: Work, cpu = 0): boolean {
    if (work.wq !== this) throw new SimulationError(`work ${work.name} belongs to workqueue ${work.wq.name}, not ${this.name}`);
    if (work.pending) return false;
    work.pending = true;
    work.queuedAt = this.cpus.sim.now;
    if (work.running) {
      // __queue_work: an item running on some pool is queued there again, whatever CPU asks,
      // so that it never runs concurrently with itself.
      work.requeued = true;
      return true;
    }
    this.enqueue(work, cpu);
    return true;
  }

  private enqueue(work: Work, cpu: number): void {
    const pool = this.bound ? this.pools[cpu] : this.pools[0];
    if (pool === undefined) throw new SimulationError(`workqueue ${this.name}: no CPU ${describe(cpu)}`);
    pool.queue.push(work);
    if (pool.idle.length > 0) (pool.idle.pop() as SimEvent<undefined>).succeed(undefined);
    else if (pool.workers < this.maxActive) this.startWorker(pool);
  }

  private startWorker(pool: WorkerPool): void {
    const id = pool.workers++;
    const name = pool.cpu >= 0 ? `kworker/${pool.cpu}:${id} (${this.name})` : `kworker/u:${id} (${this.name})`;
    const thread = this.cpus.thread(name, pool.cpu >= 0 ? { pin: pool.cpu } : {});
    thread.spawn(this.workerLoop(pool, thread));
  }

  private *workerLoop(pool: WorkerPool, thread: Thread): ProcessGenerator<void> {
    const sim = this.cpus.sim;
    for (;;) {
      const work = pool.queue.shift();
      if (work === undefined) {
        const wake = new SimEvent<undefined>(sim);
        pool.idle.push(wake);
        yield wake;
        continue;
      }
      // Clear pending before running, so the item can be queued again while it runs.
      work.pending = false;
      work.running = true;
      work.executions++;
      this.queueDelay.add(sim.now - work.queuedAt);
      pool.active++;
      try {
        yield* work.fn(thread);
      } finally {
        pool.active--;
        work.running = false;
      }
      if (work.requeued) {
        // Back on this pool's worklist, and this worker, still running, takes it next (the
        // kernel wakes another worker only when none of the pool is running).
        work.requeued = false;
        pool.queue.push(work);
      }
    }
  }
}
