// `vdo.threads: structure-locking`, the dual proposed on dm-devel in 2023: no thread owns a
// zone. A data_vio runs on one concurrent (unbound) workqueue and carries itself from step to
// step on the same kworker, taking, for each step, the lock of the structure that step touches
// (a logical zone's block map and LBN locks, a physical zone's slabs and PBN locks, a hash
// zone's hash locks, the recovery journal, the packer); steps that touch no shared structure
// (hashing, compressing, acknowledging, submitting a bio) take none. It only goes back to the
// workqueue (a handoff) when it has to wait: for I/O, for another data_vio (a hash lock's
// agent, an LBN lock holder, a page being read, the journal commit) or for its turn.
//
// What the proposal admits is hard, and how this model keeps it:
// - Journal order. Recovery-journal entries must reach each slab journal (and the block map) in
//   journal order. The thread designs get it for free: the journal thread continues committed
//   data_vios in order and a physical zone's thread serves its queue FIFO. Here data_vios race
//   for the zone lock on different kworkers, so each committed entry gets a ticket per
//   physical zone (recovery-journal.ts) and a data_vio whose ticket is not the zone's next
//   parks and is relaunched when the entry before it has been applied (slab-depot.ts). That
//   costs a lock round and a step each time it parks, and a handoff when it is relaunched.
// - Priorities. VDO's queues serve higher-priority completions first (reads' completions,
//   verifies, the pool's releases); the one workqueue's worklist keeps the same priority
//   levels (as a WQ_HIGHPRI queue beside a normal one would).
// The locks are spinlocks: no step sleeps while it holds one (I/O is issued after the step),
// and the sections are a microsecond long, too short to pay a sleep and a wake-up for; a
// waiter burns its core meanwhile. Costs are the thread designs': queueNs per enqueue, wakeNs
// per kworker woken, lockNs per lock taken (uncontended; contention shows in the lock report).
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { Simulation } from '../../sim/index.js';
import type { Mutex } from '../../sim/mutex.js';
import { SpinLock } from '../../sim/spinlock.js';
import type { VdoCompletion } from './completion.js';
import { handOff, QueueSource, serveCompletions, spawnKworkers, wakeOne, type StepRunner, type VdoExecutor } from './executor.js';
import { VdoWorkQueue } from './work-queue.js';

export class StructureLocking implements VdoExecutor {
  readonly design = 'structure-locking';
  readonly threads: Thread[];
  readonly queue: VdoWorkQueue;
  /** One lock per structure id. */
  readonly locks: Mutex[];
  /** Where the kworkers take their work (the queue), and sleep (its idle list). */
  private readonly source: QueueSource;
  private readonly lockOf = (c: VdoCompletion): Mutex | null => (c.structure >= 0 ? this.locks[c.structure] : null);

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet,
    private readonly runner: StepRunner,
    /** Lock name of each structure id (lock_stat groups by name: `vdo-logical-zone` x L). */
    structureNames: readonly string[],
    kworkers: number,
    prefix: string,
    private readonly queueNs: number,
    private readonly wakeNs: number,
    private readonly lockNs: number,
  ) {
    this.queue = new VdoWorkQueue(`${prefix}-wq`);
    this.source = new QueueSource(this.queue);
    this.locks = structureNames.map((n) => new SpinLock(sim, n));
    this.threads = spawnKworkers(cpus, prefix, kworkers, (t) => serveCompletions(runner, t, this.source, this.lockOf, lockNs));
  }

  launch(c: VdoCompletion): void {
    const ctx = this.runner.ctx;
    if (ctx.current === c && !c.requeue) {
      ctx.inline.push(c);
      return;
    }
    handOff(ctx, c, this.queue, this.queueNs);
    wakeOne(ctx, this.source.idle, this.queue, this.wakeNs);
  }
}
