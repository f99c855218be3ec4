// dm-clone's worker (do_worker) on the shared KernelWorker: one work item on the target's own
// workqueue, draining in the kernel's order
//   1. deferred bios (writes whose region finished hydrating), submitted under a plug;
//   2. deferred discards (regions marked hydrated, then passed down or completed);
//   3. flush bios and FUA completions: one metadata commit for all of them (or, with none,
//      a commit when the region map changed and the last commit is a second old);
//   4. background hydration.
// A pass that commits sleeps on the metadata and destination I/O, and everything queued
// behind it waits: a serial server, as the kernel's work item is.
import type { Bio } from '../../block/bio.js';
import type { Thread } from '../../sim/cpu.js';
import type { Deque, ProcessGenerator, Workqueue } from '../../sim/index.js';
import { KernelWorker, type JobFn } from '../kernel-worker.js';

/** What the worker drains: struct clone's lists and steps (clone.ts). */
export interface CloneWork {
  readonly deferredBios: Deque<Bio>;
  readonly submitDeferred: JobFn<Bio>;
  processDeferredDiscards(t: Thread): ProcessGenerator<void>;
  processDeferredFlushBios(t: Thread): ProcessGenerator<void>;
  doHydration(t: Thread): ProcessGenerator<void>;
}

export class CloneWorker extends KernelWorker {
  constructor(
    wq: Workqueue,
    readonly clone: CloneWork,
  ) {
    super(wq, wq.name, -1);
  }

  protected *doWork(t: Thread): ProcessGenerator<void> {
    const c = this.clone;
    // process_deferred_bios
    if (c.deferredBios.length > 0) {
      this.startPlug(t);
      yield* this.processJobs(c.deferredBios, c.submitDeferred, t);
      this.finishPlug(t);
    }
    yield* c.processDeferredDiscards(t);
    yield* c.processDeferredFlushBios(t);
    yield* c.doHydration(t);
  }
}
