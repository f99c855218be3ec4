// A control character device between a kernel driver and a userspace daemon: the channel
// dm-userspace's chardev transport (dm-userspace-chardev.c, 2006) was, and ublk's and
// dm-user's char devices are today. The daemon reads messages the kernel queued, writes its
// answers, and poll()s for more. Everything is charged on the simulated CPUs, to the thread
// that makes the call (a system call runs in its caller's context):
//   - each read/write/poll pays the system-call entry and exit (`syscallNs`);
//   - copy_to_user/copy_from_user pay per byte copied (`copyNsPerByte`);
//   - poll pays its own setup (poll_wait on the wait queue, the fd table) (`pollNs`);
//   - a blocked reader or poller sleeps on the device's wait queue and gives its core up;
//     wake_up() makes it runnable, and the CPU model charges the wakeup and the context
//     switch when it runs again.
// The driver says what is readable and fills the buffer (`ControlDeviceDriver`); this file
// knows nothing of the messages.
import { chargeCpu, type Thread } from '../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../sim/index.js';

export interface ControlDeviceCosts {
  /** System-call entry and exit (int 0x80/sysenter, the fd lookup), ns. */
  syscallNs: number;
  /** copy_to_user / copy_from_user, ns per byte. */
  copyNsPerByte: number;
  /** poll()'s own work beyond the system call (poll table, poll_wait), ns. */
  pollNs: number;
}

/** What the kernel side behind the device provides. */
export interface ControlDeviceDriver<Up, Down> {
  /** Whether a read would return something now (POLLIN). */
  readable(): boolean;
  /**
   * Moves messages that fit in `bufBytes` into `out` (the read's FIFO packing); returns the
   * bytes they take (0 when the first one does not fit). Runs in the reader's context.
   */
  fill(bufBytes: number, out: Up[], thread: Thread | null): ProcessGenerator<number>;
  /** Handles written messages (`bytes` long in all), in the writer's context. */
  consume(msgs: readonly Down[], thread: Thread | null): ProcessGenerator<void>;
}

export class ControlDevice<Up, Down> {
  private waiters: SimEvent<undefined>[] = [];
  readonly counters = { reads: 0, emptyReads: 0, writes: 0, polls: 0, wakeups: 0, sleeps: 0, bytesUp: 0, bytesDown: 0, messagesUp: 0, messagesDown: 0 };

  constructor(
    private readonly sim: Simulation,
    /** The device's name (`/dev/dmu0`, the thread report's word for it). */
    readonly name: string,
    readonly costs: ControlDeviceCosts,
    private readonly driver: ControlDeviceDriver<Up, Down>,
  ) {}

  /** wake_up(&wqueue): the kernel side queued something; sleeping readers and pollers run again. */
  wakeUp(): void {
    const w = this.waiters;
    if (w.length === 0) return;
    this.waiters = [];
    this.counters.wakeups++;
    for (const ev of w) ev.succeed(undefined);
  }

  private sleep(): SimEvent<undefined> {
    const ev = this.sim.event<undefined>();
    this.waiters.push(ev);
    this.counters.sleeps++;
    return ev;
  }

  /**
   * read(fd, buf, bufBytes): blocks until something is readable (unless `nonblock`, when it
   * returns 0 at once), then packs what fits. Returns the bytes read; the messages go to `out`.
   */
  *read(thread: Thread | null, bufBytes: number, nonblock: boolean, out: Up[]): ProcessGenerator<number> {
    const sim = this.sim;
    this.counters.reads++;
    const c0 = chargeCpu(sim, thread, this.costs.syscallNs);
    if (c0 !== null) yield c0;
    while (!this.driver.readable()) {
      if (nonblock) {
        this.counters.emptyReads++;
        return 0;
      }
      yield this.sleep();
    }
    const before = out.length;
    const bytes = yield* this.driver.fill(bufBytes, out, thread);
    const c1 = chargeCpu(sim, thread, bytes * this.costs.copyNsPerByte);
    if (c1 !== null) yield c1;
    if (bytes === 0) this.counters.emptyReads++;
    this.counters.bytesUp += bytes;
    this.counters.messagesUp += out.length - before;
    return bytes;
  }

  /** write(fd, buf, bytes): the driver handles every message in the buffer. */
  *write(thread: Thread | null, msgs: readonly Down[], bytes: number): ProcessGenerator<number> {
    this.counters.writes++;
    this.counters.bytesDown += bytes;
    this.counters.messagesDown += msgs.length;
    const c = chargeCpu(this.sim, thread, this.costs.syscallNs + bytes * this.costs.copyNsPerByte);
    if (c !== null) yield c;
    yield* this.driver.consume(msgs, thread);
    return bytes;
  }

  /** poll(fd, POLLIN, -1): returns once the device is readable, sleeping on its wait queue until then. */
  *poll(thread: Thread | null): ProcessGenerator<void> {
    this.counters.polls++;
    const c = chargeCpu(this.sim, thread, this.costs.syscallNs + this.costs.pollNs);
    if (c !== null) yield c;
    while (!this.driver.readable()) yield this.sleep();
  }
}
