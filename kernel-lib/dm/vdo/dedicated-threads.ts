// `vdo.threads: dedicated`, VDO's own design: each VDO thread is a kernel thread with its own
// work queue (work-queue.ts), and owns the structures of its zone, so nothing it touches needs
// a lock. A completion launched onto another thread is enqueued there (a handoff: queueNs,
// plus wakeNs when that thread sleeps, paid by the launcher); one launched onto the running
// thread runs next without either. A thread drains its queue before it sleeps, so under load
// one wake-up serves a batch of tens to hundreds of completions. The cpu and ack "threads" are
// round-robin queues: `cpu` (`ack`) kernel threads serve one queue.
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { Simulation } from '../../sim/index.js';
import type { VdoCompletion } from './completion.js';
import { handOff, QueueSource, serveCompletions, wakeOne, type StepRunner, type VdoExecutor } from './executor.js';
import { VdoWorkQueue } from './work-queue.js';

export class DedicatedThreads implements VdoExecutor {
  readonly design = 'dedicated';
  readonly threads: Thread[] = [];
  readonly queues: VdoWorkQueue[];
  /** Where the servers of each queue take their work. */
  private readonly sources: QueueSource[];

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet,
    private readonly runner: StepRunner,
    /** Name of each VDO thread id (its queue), and how many kernel threads serve it. */
    names: readonly string[],
    counts: readonly number[],
    prefix: string,
    private readonly queueNs: number,
    private readonly wakeNs: number,
    /** First thread id this executor serves (the UDS threads follow VDO's own). */
    private readonly firstId = 0,
    /** Callbacks' CPU spent in bursts of at least this (ns; 0: a burst per callback): serveCompletions. */
    burstNs = 0,
  ) {
    this.queues = names.map((n) => new VdoWorkQueue(n));
    this.sources = this.queues.map((q) => new QueueSource(q));
    names.forEach((name, i) => {
      for (let k = 0; k < counts[i]; k++) {
        const t = cpus.thread(`${prefix}:${name}${counts[i] > 1 ? `/${k}` : ''}`);
        this.threads.push(t);
        t.spawn(serveCompletions(runner, t, this.sources[i], null, 0, burstNs));
      }
    });
  }

  launch(c: VdoCompletion): void {
    const ctx = this.runner.ctx;
    if (ctx.thread === c.thread && !c.requeue) {
      ctx.inline.push(c);
      return;
    }
    const i = c.thread - this.firstId;
    handOff(ctx, c, this.queues[i], this.queueNs);
    wakeOne(ctx, this.sources[i].idle, this.queues[i], this.wakeNs);
  }
}
