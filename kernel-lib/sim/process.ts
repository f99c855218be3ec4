// A process is a generator that yields events and is resumed when they are processed. The
// process is itself an event: it triggers when the generator returns (value: the return
// value) or throws (the error), so a parent can `yield child` to join it.
import type { Scheduled } from './agenda.js';
import { Interrupt, SimulationError, describe } from './errors.js';
import { PENDING, PROCESSED, SimEvent, type Waiter } from './event.js';
import type { Simulation } from './simulation.js';

export type ProcessGenerator<R = unknown> = Generator<SimEvent<any>, R, any>;

type Next = (this: ProcessGenerator<any>, value: unknown) => IteratorResult<SimEvent<any>, any>;

/**
 * Whoever owns the process's CPU (see cpu.ts) is told what the process waits on next, so a
 * thread that goes to sleep gives up its core. Defined here as an interface so the core
 * engine does not depend on the CPU model.
 */
export interface ProcessContext {
  /** `event` is what the process waits on next, or null when the process has ended. */
  _onWait(event: SimEvent<any> | null): void;
}

export class Process<R = unknown> extends SimEvent<R> implements Waiter {
  // @ts-ignore TS2699 in the notebook kernel's TypeScript; why a name getter: see SimEvent.name
  static override get name(): string {
    return 'Process';
  }

  /** The event the process is waiting on, or null while it runs or after it ended. */
  declare target: SimEvent<any> | null;
  /** The simulated thread this process runs as, if any (set by cpu.ts). */
  declare context: ProcessContext | null;
  declare private readonly gen: ProcessGenerator<R>;
  /**
   * The generator's `next`, read once: every generator function has a prototype of its own,
   * so `gen.next` at the one resume site in step() sees as many object shapes as a model has
   * generator functions, a megamorphic lookup at every resumption; the function found is
   * V8's one built-in for all of them (any other iterator keeps its own).
   */
  declare private readonly _next: Next;
  declare readonly name: string;

  constructor(sim: Simulation, gen: ProcessGenerator<R>, name: string) {
    super(sim);
    this.target = null;
    this.context = null;
    this.gen = gen;
    this._next = gen.next as Next;
    this.name = name;
    // Start at the current time, after everything already scheduled for it. The process
    // itself is the agenda item: fired while still pending, it starts (see _fire).
    sim._agenda.pushNow(this);
  }

  get isAlive(): boolean {
    return this.state === PENDING;
  }

  /** Throws an `Interrupt(cause)` into the process at the current time. */
  interrupt(cause?: unknown): void {
    if (this.state !== PENDING) throw new SimulationError(`process ${this.name} has ended and cannot be interrupted`);
    if (this.sim.activeProcess === this) throw new SimulationError(`process ${this.name} cannot interrupt itself`);
    this.sim._agenda.pushNow(new Interruption(this, new Interrupt(cause)));
  }

  _resume(event: SimEvent<any>): void {
    this.target = null;
    this.step(event.value, event.ok, event);
  }

  /**
   * Runs the generator until it waits on an event that is not yet processed. Never re-entered:
   * nothing in here resumes another process synchronously (wake-ups go through the agenda),
   * so `activeProcess` is simply set on entry and cleared on every exit.
   */
  step(value: unknown, ok: boolean, from: SimEvent<any> | null): void {
    const sim = this.sim;
    sim.activeProcess = this;
    for (;;) {
      let r: IteratorResult<SimEvent<any>, R>;
      try {
        if (ok) r = this._next.call(this.gen, value);
        else {
          if (from !== null) from.defused = true;
          r = this.gen.throw(value);
        }
      } catch (err) {
        sim.activeProcess = null;
        if (this.context !== null) this.context._onWait(null);
        this.fail(err instanceof Error ? err : new SimulationError(`process ${this.name} threw ${describe(err)}`));
        return;
      }
      if (r.done === true) {
        sim.activeProcess = null;
        if (this.context !== null) this.context._onWait(null);
        if (this._w0 === null && this._ws === null) {
          // Nobody has joined: the process is done at once, without a trip through the
          // agenda. A later `yield proc` sees it processed and continues immediately.
          this.value = r.value;
          this.state = PROCESSED;
        } else {
          this.succeed(r.value);
        }
        return;
      }
      const next = r.value;
      if (!(next instanceof SimEvent)) {
        // Throw it back into the generator, so a try/catch there sees it and the stack points
        // at the offending yield.
        value = new SimulationError(`process ${this.name} yielded ${describe(next)}, which is not an event`);
        ok = false;
        from = null;
        continue;
      }
      if (this.context !== null) this.context._onWait(next);
      if (next.state === PROCESSED) {
        // Already happened: carry on at once, as SimPy does.
        value = next.value;
        ok = next.ok;
        from = next;
        continue;
      }
      sim.activeProcess = null;
      this.target = next;
      next._addWaiter(this);
      return;
    }
  }

  override _fire(): void {
    if (this.state === PENDING) {
      this.step(undefined, true, null);
      return;
    }
    try {
      super._fire();
    } catch (err) {
      // An error nobody joined on ends the run; say which process it came from.
      if (err === this.value && err instanceof Error && !('processName' in err)) {
        Object.defineProperty(err, 'processName', { value: this.name });
        err.message += ` (in process ${this.name})`;
      }
      throw err;
    }
  }

  protected override label(): string {
    return `process ${this.name}`;
  }
}

class Interruption implements Scheduled {
  constructor(
    private readonly proc: Process<any>,
    private readonly interrupt: Interrupt,
  ) {}
  _fire(): void {
    const proc = this.proc;
    if (proc.state !== PENDING) return; // ended before the interrupt was delivered
    if (proc.target !== null) {
      proc.target._removeWaiter(proc);
      proc.target = null;
    }
    proc.step(this.interrupt, false, null);
  }
}
