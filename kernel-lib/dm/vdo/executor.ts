// What the three thread designs share: the context a step runs in, and the loop that runs a
// completion and whatever it continues on the same thread (vdo_launch_completion running a
// callback at once instead of enqueueing it). The designs (dedicated-threads.ts,
// kernel-workqueues.ts, structure-locking.ts) differ only in who runs that loop and where a
// launched completion waits; the cost of a step, a queue operation, a wake-up and a lock is
// the same in all three.
import type { Bio } from '../../block/bio.js';
import type { CpuSet, Thread } from '../../sim/cpu.js';
import { Deque } from '../../sim/deque.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';
import type { Mutex } from '../../sim/mutex.js';
import type { VdoCompletion } from './completion.js';
import type { VdoWorkQueue } from './work-queue.js';

/** Where the running step is: which VDO thread's work, on which kernel thread. */
export class ExecContext {
  /** VDO thread id whose callback runs now (-1: none: a submitter, an interrupt). */
  thread = -1;
  /** The completion whose callback runs now. */
  current: VdoCompletion | null = null;
  /** Completions launched onto the running thread: run next, without a handoff. */
  readonly inline = new Deque<VdoCompletion>();
  /** CPU the running step spent beyond its own cost (queue operations, wake-ups); the runner charges it. */
  chargeNs = 0;
  /** Bios the running step submits from its thread (bio submission threads). */
  readonly bios: Bio[] = [];
}

/** What a design needs from the VDO it runs. */
export interface StepRunner {
  readonly ctx: ExecContext;
  costOf(c: VdoCompletion): number;
  /** Runs c's callback (plain code: it launches completions and queues bios, never sleeps). */
  run(c: VdoCompletion): void;
  submit(bio: Bio): ProcessGenerator<void>;
  /** CPU (ns) spent on each VDO thread id's work, whoever ran it. */
  readonly cpuByThread: Float64Array;
  /** Callbacks run per VDO thread id. */
  readonly runsByThread: Float64Array;
}

/** A thread design: how a launched completion reaches a thread. */
export interface VdoExecutor {
  readonly design: string;
  /** vdo_launch_completion_with_priority, called from any context. */
  launch(c: VdoCompletion): void;
  /** Kernel threads of the design (for the report). */
  readonly threads: readonly Thread[];
}

/**
 * Runs `first` on thread `t` as VDO thread `first.thread`, then every completion it launched
 * onto the same thread, each after its CPU cost. `lockOf` gives the lock a step must hold
 * (structure-locking); null for the thread-owning designs. Returns the CPU not yet charged.
 */
export function* runCompletions(
  runner: StepRunner,
  t: Thread,
  first: VdoCompletion,
  carryIn: number,
  lockOf: ((c: VdoCompletion) => Mutex | null) | null,
  lockNs: number,
  /** The kernel thread's own list of completions to run next (the shared context's is moved here before any sleep). */
  local: Deque<VdoCompletion>,
): ProcessGenerator<number> {
  const ctx = runner.ctx;
  let carry = carryIn;
  let c: VdoCompletion | undefined = first;
  while (c !== undefined) {
    let lock: Mutex | null = null;
    const ns = runner.costOf(c);
    if (lockOf !== null) {
      lock = lockOf(c);
      if (lock !== null) {
        // The step takes its lock once it runs, on a core: a kworker still waking up, or
        // waiting for a core, gets there after one that was already running.
        runner.cpuByThread[c.thread] += lockNs;
        yield t.exec(lockNs + carry);
        carry = 0;
        if (!lock.tryLock()) yield lock.lock();
      }
    }
    runner.cpuByThread[c.thread] += ns;
    runner.runsByThread[c.thread]++;
    yield t.exec(ns + carry);
    carry = 0;
    ctx.thread = c.thread;
    ctx.current = c;
    runner.run(c);
    ctx.thread = -1;
    ctx.current = null;
    if (lock !== null) lock.unlock();
    carry = ctx.chargeNs;
    runner.cpuByThread[c.thread] += carry;
    ctx.chargeNs = 0;
    for (let x = ctx.inline.shift(); x !== undefined; x = ctx.inline.shift()) local.push(x);
    if (ctx.bios.length > 0) {
      const bios = ctx.bios.splice(0);
      for (const bio of bios) {
        bio.thread = t;
        yield* runner.submit(bio);
      }
    }
    c = local.shift();
  }
  return carry;
}

/** A handoff: `c` waits on `q` for its thread; the launcher pays the queue operation. */
export function handOff(ctx: ExecContext, c: VdoCompletion, q: VdoWorkQueue, queueNs: number): void {
  c.requeue = false;
  c.handoffs++;
  q.put(c);
  ctx.chargeNs += queueNs;
}

/** Wakes one sleeping server of `q`, if any; the waker pays the wake-up. */
export function wakeOne(ctx: ExecContext, idle: SimEvent<undefined>[], q: VdoWorkQueue, wakeNs: number): void {
  if (idle.length === 0) return;
  q.wakeups++;
  ctx.chargeNs += wakeNs;
  (idle.pop() as SimEvent<undefined>).succeed(undefined);
}

/** A server found its queue empty: it first spends the CPU it still owes, else sleeps until woken. */
export function* idleServer(sim: Simulation, t: Thread, carry: number, idle: SimEvent<undefined>[]): ProcessGenerator<void> {
  if (carry > 0) {
    yield t.exec(carry);
    return;
  }
  const ev = sim.event<undefined>();
  idle.push(ev);
  yield ev;
}

/** The kworkers of a workqueue design's pool (unbound: they float over the cores). */
export function spawnKworkers(cpus: CpuSet, prefix: string, n: number, body: (t: Thread) => ProcessGenerator<void>): Thread[] {
  const out: Thread[] = [];
  for (let k = 0; k < n; k++) {
    const t = cpus.thread(`kworker/u:${prefix}/${k}`);
    out.push(t);
    t.spawn(body(t));
  }
  return out;
}
