// loop (drivers/block/loop.c, the 2.6-era design): a block device backed by a file on another
// device. One kernel thread per loop device ("loop0") takes requests one at a time, copies
// the data between the request's pages and the file's (the extra copy per I/O), and does the
// file I/O on the backing device, waiting for it. Being one serial thread, a loop device
// never has more than one backing I/O in flight (modern loop uses per-request work items and
// direct I/O; `workers` > 1 approximates that).
import { type CpuSet, type Thread, smpProcessorId } from '../../sim/cpu.js';
import { Deque, type ProcessGenerator, type SimEvent, type Simulation } from '../../sim/index.js';
import { Bio } from '../bio.js';
import type { BlockDevice } from '../device.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';

export interface LoopParams {
  /** Where the file's data starts on the backing device, sectors (a contiguous file). */
  offset_sectors: number;
  /** Size of the loop device, sectors; 0 = the rest of the backing device. */
  size_sectors: number;
  /** Copy bandwidth of the extra memcpy, MB/s [R]. */
  copy_mbps: number;
  /** Per-request cost in the loop thread (file lookup, bio setup), ns [R]. */
  per_io_ns: number;
  /** Loop worker threads (1 in 2.6). */
  workers: number;
}

export const LOOP_DEFAULTS: Readonly<LoopParams> = Object.freeze({
  offset_sectors: 0,
  size_sectors: 0,
  copy_mbps: 3000,
  per_io_ns: 2000,
  workers: 1,
} satisfies LoopParams);

export class LoopDevice implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth = 128;
  readonly nrHwQueues = 1;
  readonly maxHwSectors = 1024;
  readonly issueCpuNs = 300;
  readonly irqCpuNs = 0;
  private host: DriverHost | null = null;
  private readonly queue = new Deque<Request>();
  private readonly idle: SimEvent<undefined>[] = [];

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet | null,
    readonly name: string,
    readonly backing: BlockDevice,
    readonly params: LoopParams,
  ) {
    const room = backing.sizeSectors - params.offset_sectors;
    if (!(room > 0)) throw new Error(`${name}: offset_sectors ${params.offset_sectors} lies beyond the backing device ${backing.name}`);
    this.sizeSectors = params.size_sectors > 0 ? Math.min(params.size_sectors, room) : room;
    for (let i = 0; i < params.workers; i++) {
      const thread = cpus?.thread(`${name}-worker${i}`) ?? null;
      const body = this.worker(thread);
      if (thread !== null) thread.spawn(body);
      else sim.process(body, `${name}-worker${i}`);
    }
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    this.queue.push(rq);
    const w = this.idle.pop();
    if (w !== undefined) w.succeed(undefined);
  }

  private *worker(thread: Thread | null): ProcessGenerator<void> {
    const sim = this.sim;
    const p = this.params;
    for (;;) {
      const rq = this.queue.shift();
      if (rq === undefined) {
        const ev = sim.event<undefined>();
        this.idle.push(ev);
        yield ev;
        continue;
      }
      const copyNs = p.per_io_ns + (rq.bytes * 1e3) / p.copy_mbps;
      yield thread !== null ? thread.exec(copyNs) : sim.timeout(copyNs);
      const bio = new Bio(rq.op, rq.op === 'flush' ? 0 : rq.sector + p.offset_sectors, rq.sectors, rq.flags);
      bio.thread = thread;
      bio.cpu = smpProcessorId(thread, rq.cpu);
      yield* this.backing.submit(bio);
      yield bio.wait(sim);
      (this.host as DriverHost).completeRequest(rq, bio.status, bio.completionCpu >= 0 ? bio.completionCpu : rq.cpu);
    }
  }
}
