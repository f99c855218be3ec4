// fio's verify_async=N (verify.c): N threads that check the blocks read back, so the job's
// thread does not. A verify read that completes is put on the job's verify list
// (verify_io_u_async) and a thread woken; a woken thread takes the whole list
// (flist_splice_init) and checksums each block (verify_io_u), then returns its io_u to the
// free list. The io_u is held until then: a job has iodepth io_us, so reads in flight plus
// blocks waiting to be checked never exceed iodepth, and the job waits for a free one
// (get_io_u sleeping on free_cond). At the end the job waits for its threads
// (verify_async_exit).
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';

export class VerifyThreads {
  /** io_us on the verify list or being checked. */
  held = 0;
  /** Checksum CPU (ns) of each block on the list. */
  private list: number[] = [];
  /** Threads sleeping on verify_cond. */
  private readonly idle: SimEvent<undefined>[] = [];
  /** The job sleeping on free_cond, if any. */
  private freed: SimEvent<undefined> | null = null;
  /** Checksum CPU the threads spent, ns. */
  cpuNs = 0;

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet | null,
    name: string,
    count: number,
  ) {
    for (let i = 0; i < count; i++) {
      const thread = cpus?.thread(`${name}/verify${i}`) ?? null;
      const body = this.run(thread);
      if (thread !== null) thread.spawn(body);
      else sim.process(body, `${name}/verify${i}`);
    }
  }

  /** verify_io_u_async: a block read back waits on the list for a thread to check it. */
  add(checksumNs: number): void {
    this.list.push(checksumNs);
    this.held++;
    const t = this.idle.pop();
    if (t !== undefined) t.succeed(undefined);
  }

  /** get_io_u: waits until an io_u comes back (while `inUse() >= iodepth`). */
  *waitFree(inUse: () => number, iodepth: number): ProcessGenerator<void> {
    while (inUse() >= iodepth && this.held > 0) {
      this.freed = this.sim.event<undefined>();
      yield this.freed;
    }
  }

  /** verify_async_exit: waits until every block on the list has been checked. */
  *drain(): ProcessGenerator<void> {
    while (this.held > 0) {
      this.freed = this.sim.event<undefined>();
      yield this.freed;
    }
  }

  private *run(thread: Thread | null): ProcessGenerator<void> {
    const sim = this.sim;
    for (;;) {
      while (this.list.length === 0) {
        const ev = sim.event<undefined>();
        this.idle.push(ev);
        yield ev;
      }
      const mine = this.list;
      this.list = [];
      for (const ns of mine) {
        if (ns > 0) yield thread !== null ? thread.exec(ns) : sim.timeout(ns);
        this.cpuNs += ns;
        this.held--;
        const f = this.freed;
        if (f !== null) {
          this.freed = null;
          f.succeed(undefined);
        }
      }
    }
  }
}
