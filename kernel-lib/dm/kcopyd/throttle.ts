// dm_kcopyd_throttle (io_job_start / io_job_finish): keeps kcopyd's I/O busy time at or
// below `throttle` percent. io_period accumulates time while kcopyd I/O is outstanding,
// total_period all time; both halve once total_period passes ~1 s (2^SHIFT_HZ jiffies), so
// the ratio is a decaying average. Before each I/O, while io_period exceeds throttle% of
// total_period, the WORKER sleeps 100 ms (at most 10 times): everything of that client waits,
// completion callbacks included. 100 (the default) turns it off.
import type { SimEvent, Simulation } from '../../sim/index.js';

const SLEEP_NS = 100_000_000;
const MAX_SLEEPS = 10;
/** 2^SHIFT_HZ jiffies at HZ = 1000: 1024 ms. */
const ACCOUNT_INTERVAL_NS = 1_024_000_000;

export class KcopydThrottle {
  private ioPeriod = 0;
  private totalPeriod = 0;
  private last = 0;
  private ioJobs = 0;
  /** Sleeps taken so far (statistics). */
  sleeps = 0;

  constructor(
    private readonly sim: Simulation,
    readonly percent: number,
  ) {}

  get enabled(): boolean {
    return this.percent < 100;
  }

  private account(): void {
    const now = this.sim.now;
    const d = now - this.last;
    this.last = now;
    if (this.ioJobs > 0) this.ioPeriod += d;
    this.totalPeriod += d;
    if (this.totalPeriod >= ACCOUNT_INTERVAL_NS) {
      // The kernel shifts by fls(total >> SHIFT): the same halving, in whole steps.
      const shift = Math.floor(Math.log2(this.totalPeriod / ACCOUNT_INTERVAL_NS)) + 1;
      this.totalPeriod /= 2 ** shift;
      this.ioPeriod /= 2 ** shift;
    }
  }

  /**
   * io_job_start: returns a sleep the worker must take and then call start() again, or null
   * once the I/O may go (and is counted).
   */
  start(slept: number): SimEvent<undefined> | null {
    if (!this.enabled) return null;
    this.account();
    const skew = this.ioPeriod - (this.percent * this.totalPeriod) / 100;
    if (skew > 0 && slept < MAX_SLEEPS) {
      this.sleeps++;
      return this.sim.timeout(SLEEP_NS);
    }
    this.ioJobs++;
    return null;
  }

  /** io_job_finish, from the completion. */
  finish(): void {
    if (!this.enabled) return;
    this.account();
    this.ioJobs--;
  }
}
