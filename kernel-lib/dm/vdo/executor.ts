// What the three thread designs share: the context a step runs in, and the loop that runs a
// completion and whatever it continues on the same thread (vdo_launch_completion running a
// callback at once instead of enqueueing it). The designs (dedicated-threads.ts,
// kernel-workqueues.ts, structure-locking.ts) differ only in who runs that loop and where a
// launched completion waits; the cost of a step, a queue operation, a wake-up and a lock is
// the same in all three.
import type { Bio } from '../../block/bio.js';
import type { CpuSet, Thread } from '../../sim/cpu.js';
import { Deque } from '../../sim/deque.js';
import type { ProcessGenerator, SimEvent } from '../../sim/index.js';
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
  bios: Bio[] = [];
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
 * Where a server (a kernel thread of a design) finds its work: the design's queue(s)
 * (funnel-workqueue.c's poll_for_completion for a dedicated thread; the pool's worklist for
 * the kworkers).
 */
export interface CompletionSource {
  /** The next completion for a free server (counted as served), null when none: it sleeps. */
  take(): VdoCompletion | null;
  /** Sleeping servers, each waiting on its own event (wakeOne wakes the last). */
  readonly idle: SimEvent<undefined>[];
  /**
   * The completion taken from VDO thread `id`'s queue has run, with everything it continued on
   * that thread: the CPU the server owes for what the design does then (0 for most).
   */
  finished(id: number): number;
}

/** One work queue whose servers drain it, one completion after another (a dedicated thread's; the structure-locking design's one workqueue). */
export class QueueSource implements CompletionSource {
  /** Sleeping servers of the queue, each waiting on its own event. */
  readonly idle: SimEvent<undefined>[] = [];

  constructor(private readonly q: VdoWorkQueue) {}

  take(): VdoCompletion | null {
    const c = this.q.poll();
    if (c !== null) this.q.served++;
    return c;
  }

  finished(): number {
    return 0;
  }
}

/**
 * A server's whole life (service_work_queue): takes a completion, runs it on thread `t` as VDO
 * thread `first.thread`, then every completion it launched onto the same thread, each after
 * its CPU cost (the loop of vdo_run_completion); sleeps when the source is empty, after it has
 * spent the CPU it still owes. `lockOf` gives the lock a step must hold (structure-locking);
 * null for the thread-owning designs. One generator per server, with its own lists, reused:
 * nothing is allocated per completion or per bio here (the hot path of a VDO run).
 *
 * `burstNs` > 0 (the dedicated threads' `vdo.burstNs`): the thread runs the callbacks it finds
 * back to back, as service_work_queue does (docs/references.md#vdo-sources), and spends their CPU in bursts of at least
 * burstNs (or when its queue is empty) instead of one burst per callback; a callback's effects
 * (completions launched, bios queued for submission) come up to one burst early, the bios it
 * queued are submitted once the burst is spent. The CPU spent, per thread and in all, is the
 * same; a run takes one event per burst instead of one per callback.
 */
export function* serveCompletions(
  runner: StepRunner,
  t: Thread,
  source: CompletionSource,
  lockOf: ((c: VdoCompletion) => Mutex | null) | null,
  lockNs: number,
  burstNs = 0,
): ProcessGenerator<void> {
  const ctx = runner.ctx;
  const sim = t.cpus.sim;
  // The kernel thread's own list of completions to run next (the shared context's is moved
  // here before any sleep), and of bios to submit (swapped with the shared context's).
  // What does not sleep is in plain functions (startStep, runStep): a generator saves and
  // restores its whole frame at every yield, so this one keeps few locals.
  const local = new Deque<VdoCompletion>();
  let bios: Bio[] = [];
  /** Bursts: bios queued by callbacks whose CPU is not spent yet. */
  const held: Bio[] = [];
  let carry = 0;
  for (;;) {
    const first = source.take();
    if (first === null) {
      // idle: first spend the CPU still owed (and submit what waited for it), else sleep until woken.
      if (carry > 0 || held.length > 0) {
        if (carry > 0) yield t.exec(carry);
        carry = 0;
        for (let i = 0; i < held.length; i++) yield* runner.submit(held[i]);
        held.length = 0;
        continue;
      }
      const ev = sim.event<undefined>();
      source.idle.push(ev);
      yield ev;
      continue;
    }
    const id = first.thread;
    for (let c: VdoCompletion | undefined = first; c !== undefined; c = local.shift()) {
      const ns = runner.costOf(c);
      if (burstNs > 0) {
        // Run now, pay in the burst; but not before the thread has a core (after a sleep it
        // waits for one, with the wake-up latency, as before any callback).
        if (t.core === null) {
          yield t.exec(carry);
          carry = 0;
        }
        carry += startStep(runner, c, ns);
        carry += runStep(runner, c, null, local);
        if (ctx.bios.length > 0) holdBios(ctx, held, t);
        if (carry >= burstNs) {
          yield t.exec(carry);
          carry = 0;
          for (let i = 0; i < held.length; i++) yield* runner.submit(held[i]);
          held.length = 0;
        }
        continue;
      }
      const lock = lockOf === null ? null : lockOf(c);
      if (lock !== null) {
        // The step takes its lock once it runs, on a core: a kworker still waking up, or
        // waiting for a core, gets there after one that was already running.
        runner.cpuByThread[c.thread] += lockNs;
        yield t.exec(lockNs + carry);
        carry = 0;
        if (!lock.tryLock()) yield lock.lock();
      }
      yield t.exec(startStep(runner, c, ns) + carry);
      carry = runStep(runner, c, lock, local);
      if (ctx.bios.length > 0) {
        // vdo_submit_vio's bios, submitted from this thread: take the shared list (another
        // server may run steps while this one sleeps in submit_bio) and leave an empty one.
        const mine = ctx.bios;
        ctx.bios = bios;
        for (let i = 0; i < mine.length; i++) {
          mine[i].thread = t;
          yield* runner.submit(mine[i]);
        }
        mine.length = 0;
        bios = mine;
      }
    }
    carry += source.finished(id);
  }
}

/** The bios the step just queued join the server's held ones (another server may run steps before they are submitted). */
function holdBios(ctx: ExecContext, held: Bio[], t: Thread): void {
  const mine = ctx.bios;
  for (let i = 0; i < mine.length; i++) {
    mine[i].thread = t;
    held.push(mine[i]);
  }
  mine.length = 0;
}

/** The step's CPU cost is counted to its VDO thread; returns it (ns) for the server to spend. */
function startStep(runner: StepRunner, c: VdoCompletion, ns: number): number {
  runner.cpuByThread[c.thread] += ns;
  runner.runsByThread[c.thread]++;
  return ns;
}

/**
 * vdo_run_completion: runs c's callback as its VDO thread; what it launched onto the same
 * thread joins `local`. Returns the CPU the callback spent beyond its cost (queue operations,
 * wake-ups), for the server to spend next.
 */
function runStep(runner: StepRunner, c: VdoCompletion, lock: Mutex | null, local: Deque<VdoCompletion>): number {
  const ctx = runner.ctx;
  ctx.thread = c.thread;
  ctx.current = c;
  runner.run(c);
  ctx.thread = -1;
  ctx.current = null;
  if (lock !== null) lock.unlock();
  const carry = ctx.chargeNs;
  runner.cpuByThread[c.thread] += carry;
  ctx.chargeNs = 0;
  for (let x = ctx.inline.shift(); x !== undefined; x = ctx.inline.shift()) local.push(x);
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
