// CPUs and threads. Storage models charge their CPU work here, so contention for cores is
// simulated rather than assumed:
// - a thread runs a process; `yield thread.exec(ns)` spends ns of CPU time on a core;
// - a thread keeps its core between exec() calls while it does not sleep; when its process
//   waits on anything that has not happened yet (a lock, an I/O, a timer), it gives the core
//   up, and pays the wakeup and context-switch costs when it next runs;
// - a thread is pinned to one core or floats over all of them;
// - interrupt work (`irq()`) runs at once on a core, ahead of threads: it is accounted as busy
//   time and the thread running there is delayed by it (charged to its next burst, an
//   approximation that keeps timers immutable).
// - where a runnable thread waits follows the scheduler: a thread that wakes goes to an idle
//   core if there is one (select_idle_sibling), its last core first; a thread that is
//   PREEMPTED stays on its core's runqueue, and only load balancing moves it to an idle core,
//   and not while it is cache-hot (it ran within sched_migration_cost). So a kworker bound to
//   the CPU its work was queued on shares that CPU with the submitter, as on a real machine,
//   instead of chasing it over idle cores.
import { SimulationError, describe } from './errors.js';
import { PENDING, PROCESSED, SimEvent, TRIGGERED } from './event.js';
import type { Scheduled } from './agenda.js';
import { Deque } from './deque.js';
import type { Process, ProcessContext, ProcessGenerator } from './process.js';
import type { Simulation } from './simulation.js';
import { TimeWeighted } from './stats/time-weighted.js';

/**
 * The most CPUs a machine may have: Linux's largest NR_CPUS (CONFIG_MAXSMP on x86-64). Beyond
 * it no real kernel runs, and a set-up would spend minutes and gigabytes creating cores.
 */
export const MAX_CORES = 8192;

export interface CpuSetOptions {
  cores: number;
  /** Cost of switching a core from one thread to another (ns). */
  contextSwitchNs?: number;
  /**
   * A thread that has run this long (ns) while others wait for its core is preempted at its
   * next exec() and goes to the back of the run queue (the scheduler tick). Default 3 ms.
   */
  timesliceNs?: number;
  /** Latency from a sleeping thread becoming runnable to it running (ns). */
  wakeupNs?: number;
  /**
   * CFS wakeup preemption (2.6.23+): a thread that wakes while its core is busy preempts the
   * running thread (at that thread's next exec()) when it has used less CPU time by more
   * than the wakeup granularity — the sleeper's advantage that lets a woken kworker cut in
   * front of the thread that queued its work. Off by default.
   */
  wakeupPreemption?: boolean;
  /** sched_wakeup_granularity_ns; default 1 ms x (1 + log2(cores)), as CFS scales it. */
  wakeupGranularityNs?: number;
  /**
   * sysctl_sched_migration_cost (the O(1) scheduler's cache_hot_time before 2.6.23): a
   * preempted thread that ran this recently is cache-hot and load balancing leaves it on its
   * core's runqueue. Default 0.5 ms.
   */
  migrationCostNs?: number;
  name?: string;
}

/** An event a waiting thread spins on: it keeps its core busy meanwhile (spinlocks). */
export class SpinWait<T = unknown> extends SimEvent<T> {
  // @ts-ignore TS2699 in the notebook kernel's TypeScript; why a name getter: see SimEvent.name
  static override get name(): string {
    return 'SpinWait';
  }
}

export class Core {
  current: Thread | null = null;
  lastThread: Thread | null = null;
  /** 1 while a thread holds the core, time-averaged. */
  readonly busy: TimeWeighted;
  /** Interrupt time spent on this core (ns). */
  irqNs = 0;
  /** Interrupt time not yet charged to the thread running here. */
  debtNs = 0;
  /** This core's runqueue: threads pinned here, and floating threads preempted here. */
  readonly localQueue = new Deque<Thread>();
  /** A woken thread asked to preempt the one running here (at its next exec()). */
  preemptRequested = false;
  /** When the core last went idle. */
  idleSince = -1;
  /** Floating threads preempted here and still waiting on this runqueue (idle balancing skips a core without any). */
  stranded = 0;

  constructor(
    readonly set: CpuSet,
    readonly index: number,
  ) {
    this.busy = new TimeWeighted(set.sim);
  }

  /** Busy time in ns (threads and interrupts) since the statistics started. */
  get busyNs(): number {
    return this.busy.mean * (this.set.sim.now - this.busy.start) + this.irqNs;
  }
}

export class CpuSet {
  readonly cores: Core[];
  readonly contextSwitchNs: number;
  readonly wakeupNs: number;
  readonly timesliceNs: number;
  readonly wakeupPreemption: boolean;
  readonly wakeupGranularityNs: number;
  readonly migrationCostNs: number;
  readonly name: string;
  /** Load-balancing migrations of preempted threads to idle cores. */
  migrations = 0;
  /** Floating threads waiting on some core's runqueue (0 keeps idle balancing free). */
  private stranded = 0;
  /** Floating threads waiting for any core. */
  private readonly runQueue = new Deque<Thread>();
  /** Every thread made on this set, in creation order (for the thread report). */
  readonly threads: Thread[] = [];
  private nextThreadId = 0;

  constructor(
    readonly sim: Simulation,
    options: CpuSetOptions,
  ) {
    const n = options.cores;
    this.name = options.name ?? 'cpu';
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_CORES)) {
      throw new SimulationError(`${this.name}: cores must be an integer from 1 to ${MAX_CORES} (NR_CPUS), got ${describe(n)}`);
    }
    this.contextSwitchNs = options.contextSwitchNs ?? 0;
    this.wakeupNs = options.wakeupNs ?? 0;
    this.timesliceNs = options.timesliceNs ?? 3_000_000;
    this.wakeupPreemption = options.wakeupPreemption ?? false;
    this.wakeupGranularityNs = options.wakeupGranularityNs ?? 1_000_000 * (1 + Math.floor(Math.log2(n)));
    this.migrationCostNs = options.migrationCostNs ?? 500_000;
    if (!(this.migrationCostNs >= 0)) throw new SimulationError(`${this.name}: migrationCostNs must be >= 0, got ${describe(options.migrationCostNs)}`);
    this.cores = Array.from({ length: n }, (_, i) => new Core(this, i));
  }

  /** A new thread, pinned to a core (0-based) or floating. */
  thread(name: string, options: { pin?: number } = {}): Thread {
    const pin = options.pin ?? -1;
    if (pin !== -1 && !(Number.isInteger(pin) && pin >= 0 && pin < this.cores.length)) {
      throw new SimulationError(`thread ${name}: pin must be a core index in 0..${this.cores.length - 1}, got ${describe(pin)}`);
    }
    const t = new Thread(this, name, pin, this.nextThreadId++);
    this.threads.push(t);
    return t;
  }

  /** Interrupt or softirq work of `ns` on a core, ahead of any thread. */
  irq(core: number, ns: number): void {
    const c = this.cores[core];
    if (c === undefined) throw new SimulationError(`${this.name}: no core ${describe(core)}`);
    if (!(ns >= 0)) throw new SimulationError(`${this.name}: irq time must be >= 0 ns, got ${describe(ns)}`);
    // On a busy core the running thread is delayed by ns (its next burst is stretched), so
    // the time is already counted as the core's busy time; on an idle core count it here.
    if (c.current !== null) c.debtNs += ns;
    else c.irqNs += ns;
  }

  /** Per-core busy fraction since the start. */
  utilization(): number[] {
    const span = this.sim.now;
    return this.cores.map((c) => (span > 0 ? Math.min(1, c.busyNs / span) : 0));
  }

  /**
   * @internal a thread wants a core: `woken` after a sleep, not after being preempted (a
   * preempted thread goes to the back of its core's runqueue and never preempts in turn).
   */
  _enqueue(t: Thread, woken: boolean): void {
    if (t.pin >= 0) {
      const core = this.cores[t.pin];
      if (core.current === null) this.dispatch(core, t, woken && this.asleep(core));
      else if (woken && this.preempts(t, core)) core.localQueue.unshift(t);
      else core.localQueue.push(t);
      return;
    }
    if (!woken && t.lastCore !== null) {
      // Preempted: stay on this core's runqueue; the balancer may move it once it is no
      // longer cache-hot (balance()).
      const core = t.lastCore;
      if (core.current === null) {
        this.dispatch(core, t, false);
        return;
      }
      core.localQueue.push(t);
      t.queuedOn = core;
      t.queuedAt = this.sim.now;
      core.stranded++;
      this.stranded++;
      this.sim.schedule(t.balanceTimer, this.migrationCostNs);
      return;
    }
    // Woken: the core the thread last ran on if idle (cache affinity), then any idle core.
    if (t.lastCore !== null && t.lastCore.current === null) {
      this.dispatch(t.lastCore, t, this.asleep(t.lastCore));
      return;
    }
    for (const core of this.cores) {
      if (core.current === null) {
        this.dispatch(core, t, this.asleep(core));
        return;
      }
    }
    if (woken && this.preempts(t, t.lastCore ?? this.cores[0])) this.runQueue.unshift(t);
    else this.runQueue.push(t);
  }

  /**
   * @internal load balancing for a floating thread left on a busy core's runqueue: once it
   * is no longer cache-hot, an idle core pulls it (the periodic and nohz idle balance).
   */
  _balance(t: Thread): void {
    const from = t.queuedOn;
    if (from === null || this.sim.now - t.queuedAt < this.migrationCostNs) return;
    for (const core of this.cores) {
      if (core.current === null) {
        this.pull(from, core, t);
        return;
      }
    }
  }

  private pull(from: Core, to: Core, t: Thread): void {
    from.localQueue.remove(t);
    this.unstrand(t);
    this.migrations++;
    this.dispatch(to, t, false);
  }

  private unstrand(t: Thread): void {
    (t.queuedOn as Core).stranded--;
    t.queuedOn = null;
    this.stranded--;
  }

  /**
   * Whether an idle core has to be woken (IPI, idle exit): not when it went idle at this very
   * instant. That is a thread made runnable by the one that just slept there (fio queueing
   * kcopyd's work, then waiting for its I/O): in the kernel the wakeup came first and
   * schedule() switches straight to it; the engine only resumes it a moment later.
   */
  private asleep(core: Core): boolean {
    return core.idleSince !== this.sim.now;
  }

  /** CFS check_preempt_wakeup, with CPU time consumed standing in for vruntime. */
  private preempts(woken: Thread, core: Core): boolean {
    const current = core.current;
    if (!this.wakeupPreemption || current === null) return false;
    // vruntime so far: not counting the burst the woken thread is about to run.
    if (woken.cpuNs - woken._pendingNs + this.wakeupGranularityNs >= current.cpuNs) return false;
    core.preemptRequested = true;
    return true;
  }

  /** @internal whether a thread on `core` should make way for another. */
  _othersWaiting(core: Core): boolean {
    return core.localQueue.length > 0 || this.runQueue.length > 0;
  }

  /** @internal a thread gave its core up. */
  _vacate(core: Core): void {
    core.current = null;
    core.preemptRequested = false;
    core.busy.set(0);
    let next = core.localQueue.shift();
    if (next !== undefined) {
      if (next.queuedOn !== null) this.unstrand(next);
    } else {
      next = this.runQueue.shift();
    }
    if (next !== undefined) this.dispatch(core, next, false);
    else {
      core.idleSince = this.sim.now;
      if (this.stranded > 0) this.idleBalance(core);
    }
  }

  /** newidle balance: a core going idle pulls a waiting thread that is no longer cache-hot. */
  private idleBalance(idle: Core): void {
    const now = this.sim.now;
    for (const core of this.cores) {
      if (core.stranded === 0) continue;
      const q = core.localQueue;
      for (let k = 0; k < q.length; k++) {
        const t = q.at(k) as Thread;
        if (t.queuedOn === core && now - t.queuedAt >= this.migrationCostNs) {
          this.pull(core, idle, t);
          return;
        }
      }
    }
  }

  /**
   * Gives `core` to `t`. Waking a thread onto an idle core costs the wakeup latency (the IPI,
   * the idle exit, entering the scheduler); a core handed over by a thread that sleeps or is
   * preempted, or an idle core pulling a waiting thread, costs only the context switch.
   */
  private dispatch(core: Core, t: Thread, ontoIdle: boolean): void {
    core.current = t;
    core.busy.set(1);
    let cost = (ontoIdle ? this.wakeupNs : 0) + core.debtNs;
    core.debtNs = 0;
    if (core.lastThread !== t) {
      cost += this.contextSwitchNs;
      t.contextSwitches++;
    }
    core.lastThread = t;
    t.core = t.lastCore = core;
    t.sliceStart = this.sim.now;
    t._run(cost);
  }
}

export class Thread implements ProcessContext {
  core: Core | null = null;
  lastCore: Core | null = null;
  contextSwitches = 0;
  /** CPU time consumed by exec() (ns). */
  cpuNs = 0;
  /** When the thread last got its core (for time slicing). */
  sliceStart = 0;
  /**
   * preempt_count: while above 0 (a spinlock held), the thread is not preempted at its exec()
   * calls, as spin_lock disables preemption; otherwise a holder could lose its core to a
   * runnable thread while others spin on the lock with every core.
   */
  preemptCount = 0;
  /** The busy core whose runqueue this floating thread waits on after a preemption, or null. */
  queuedOn: Core | null = null;
  /** When it was put there (it stays cache-hot for migrationCostNs). */
  queuedAt = 0;
  /** @internal fires migrationCostNs after a preemption to let an idle core pull the thread. */
  readonly balanceTimer: BalanceTimer;
  /** The burst waiting for a core, if any. */
  private pendingExec: SimEvent<undefined> | null = null;
  /** @internal length of that burst. */
  _pendingNs = 0;
  private lastExec: SimEvent<any> | null = null;
  private proc: Process<any> | null = null;

  constructor(
    readonly cpus: CpuSet,
    readonly name: string,
    /** Core index, or -1 for a floating thread. */
    readonly pin: number,
    readonly id: number,
  ) {
    this.balanceTimer = new BalanceTimer(this);
  }

  /** Starts the thread's process (one per thread at a time). */
  spawn<R>(body: ProcessGenerator<R> | (() => ProcessGenerator<R>)): Process<R> {
    if (this.proc !== null && this.proc.state === PENDING) {
      throw new SimulationError(`thread ${this.name} already runs process ${this.proc.name}`);
    }
    const p = this.cpus.sim.process(body, this.name);
    p.context = this;
    this.proc = p;
    return p;
  }

  /** Spends `ns` of CPU time on a core (waiting for one first if needed). */
  exec(ns: number): SimEvent<undefined> {
    const sim = this.cpus.sim;
    if (!(ns >= 0)) throw new SimulationError(`thread ${this.name}: exec time must be >= 0 ns, got ${describe(ns)}`);
    this.cpuNs += ns;
    let core = this.core;
    let woken = true;
    if (
      core !== null &&
      this.preemptCount === 0 &&
      (core.preemptRequested || sim.now - this.sliceStart >= this.cpus.timesliceNs) &&
      this.cpus._othersWaiting(core)
    ) {
      // A woken thread preempts us, or our time slice is used up with others waiting:
      // give the core up and go to the back of the queue.
      this.core = null;
      this.cpus._vacate(core);
      core = null;
      woken = false;
    }
    if (core !== null) {
      const debt = core.debtNs;
      core.debtNs = 0;
      const ev = sim.timeout(ns + debt);
      this.lastExec = ev;
      return ev;
    }
    const ev = sim.event<undefined>();
    this.pendingExec = ev;
    this._pendingNs = ns;
    this.lastExec = ev;
    this.cpus._enqueue(this, woken);
    return ev;
  }

  /** @internal the thread got a core: run its pending burst plus the switching cost. */
  _run(overheadNs: number): void {
    const ev = this.pendingExec;
    if (ev === null) return;
    this.pendingExec = null;
    ev.state = TRIGGERED;
    this.cpus.sim._agenda.push(this.cpus.sim.now + this._pendingNs + overheadNs, ev);
  }

  /** @internal called by the process before it waits on `ev` (null: it ended). */
  _onWait(ev: SimEvent<any> | null): void {
    const core = this.core;
    if (core === null) return;
    if (ev !== null && (ev === this.lastExec || ev.state === PROCESSED || ev instanceof SpinWait)) return;
    // The thread sleeps: give the core to the next runnable thread.
    this.core = null;
    this.cpus._vacate(core);
  }
}

/** The load-balance check for one thread, scheduled on the agenda without an event. */
class BalanceTimer implements Scheduled {
  constructor(readonly thread: Thread) {}

  _fire(): void {
    this.thread.cpus._balance(this.thread);
  }
}

/**
 * raw_smp_processor_id() for code running on `thread`: the core it is on, or `fallback`
 * when it has none (it is not running, or there is no CPU model).
 */
export function smpProcessorId(thread: Thread | null, fallback = 0): number {
  const core = thread === null ? null : thread.core;
  return core !== null ? core.index : fallback;
}

/** task_cpu(): the core `thread` is on or last ran on; 0 without one. */
export function taskCpu(thread: Thread | null): number {
  if (thread === null) return 0;
  const core = thread.core ?? thread.lastCore;
  return core !== null ? core.index : 0;
}

/**
 * The event of spending `ns` of CPU on `thread` (plain simulated time without a CPU model),
 * or null for no cost: `const c = chargeCpu(sim, t, ns); if (c !== null) yield c;`. A plain
 * function rather than a one-yield generator: it runs in every critical section, and each
 * `yield*` of a generator allocates one.
 */
export function chargeCpu(sim: Simulation, thread: Thread | null, ns: number): SimEvent<undefined> | null {
  if (ns <= 0) return null;
  return thread !== null ? thread.exec(ns) : sim.timeout(ns);
}

/** Softirq (or hardirq) time on CPU `cpu` (taken modulo the number of cores); nothing without a CPU model. */
export function chargeSoftirq(cpus: CpuSet | null, cpu: number, ns: number): void {
  if (cpus !== null) cpus.irq(cpu % cpus.cores.length, ns);
}
