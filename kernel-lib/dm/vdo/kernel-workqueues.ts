// `vdo.threads: workqueue`: what upstream reviewers first asked for. Each VDO thread becomes an
// ordered kernel workqueue (alloc_ordered_workqueue: at most one work item active, FIFO) and
// every completion is a work item; kworkers of one shared unbound pool run them. An ordered
// workqueue hands the pool one item at a time: when it ends, the next one is activated and
// goes to the back of the pool's worklist (pwq_activate_inactive_work), behind the other
// queues' items, so a busy zone is served one item per turn instead of in batches, and the
// kworker that runs the next item is whichever is free. Unbound pools are not
// concurrency-managed, so queueing work wakes an idle kworker whenever there is one. The
// costs are the same as the dedicated design's: queueNs per queued (or activated) item,
// wakeNs per wake-up, paid by whoever queues.
import type { CpuSet, Thread } from '../../sim/cpu.js';
import { Deque } from '../../sim/deque.js';
import type { SimEvent, Simulation } from '../../sim/index.js';
import type { VdoCompletion } from './completion.js';
import { handOff, serveCompletions, spawnKworkers, wakeOne, type CompletionSource, type StepRunner, type VdoExecutor } from './executor.js';
import { VdoWorkQueue } from './work-queue.js';

export class KernelWorkqueues implements VdoExecutor, CompletionSource {
  readonly design = 'workqueue';
  readonly threads: Thread[];
  /** One ordered workqueue per VDO thread id. */
  readonly queues: VdoWorkQueue[];
  private readonly active: boolean[];
  /** The pool's worklist: ordered workqueues with an activated item, in activation order. */
  private readonly worklist = new Deque<number>();
  /** Idle kworkers of the pool. */
  readonly idle: SimEvent<undefined>[] = [];

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet,
    private readonly runner: StepRunner,
    names: readonly string[],
    kworkers: number,
    prefix: string,
    private readonly queueNs: number,
    private readonly wakeNs: number,
  ) {
    this.queues = names.map((n) => new VdoWorkQueue(n));
    this.active = names.map(() => false);
    this.threads = spawnKworkers(cpus, prefix, kworkers, (t) => serveCompletions(runner, t, this, null, 0));
  }

  launch(c: VdoCompletion): void {
    const ctx = this.runner.ctx;
    if (ctx.thread === c.thread && !c.requeue) {
      ctx.inline.push(c);
      return;
    }
    handOff(ctx, c, this.queues[c.thread], this.queueNs);
    if (!this.active[c.thread]) {
      this.active[c.thread] = true;
      this.activate(c.thread);
    }
  }

  /** The ordered workqueue's next item goes onto the pool's worklist; an idle kworker is woken for it. */
  private activate(id: number): void {
    this.worklist.push(id);
    wakeOne(this.runner.ctx, this.idle, this.queues[id], this.wakeNs);
  }

  /** A free kworker takes the first item of the pool's worklist (the next ordered queue's). */
  take(): VdoCompletion | null {
    const id = this.worklist.shift();
    if (id === undefined) return null;
    const q = this.queues[id];
    const c = q.poll() as VdoCompletion;
    q.served++;
    return c;
  }

  /** The item ended: activate the ordered queue's next one (a queue operation), or idle it. */
  finished(id: number): number {
    const ctx = this.runner.ctx;
    if (this.queues[id].size > 0) {
      ctx.chargeNs = this.queueNs;
      this.activate(id);
      const ns = ctx.chargeNs;
      this.runner.cpuByThread[id] += ns;
      ctx.chargeNs = 0;
      return ns;
    }
    this.active[id] = false;
    return 0;
  }
}
