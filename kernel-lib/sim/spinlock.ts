// Spinlock: like a mutex, but a waiter spins on its core instead of sleeping, so contention
// burns CPU time (the waiting thread keeps its core; see SpinWait in cpu.ts).
import { SpinWait } from './cpu.js';
import type { SimEvent } from './event.js';
import { Mutex } from './mutex.js';
import type { Simulation } from './simulation.js';

export class SpinLock extends Mutex {
  constructor(sim: Simulation, name = 'spinlock') {
    super(sim, name);
  }

  override get lockKind(): string {
    return 'spinlock';
  }

  protected override makeEvent(): SimEvent<undefined> {
    return new SpinWait<undefined>(this.sim);
  }
}
