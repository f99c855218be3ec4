// null_blk (drivers/block/null_blk/main.c): a device with no data and no media, whose latency
// is pure software cost unless irqmode = 2 gives it a fixed service time (completion_nsec)
// or `mbps` throttles it. Parameters keep the module's names and defaults
// (docs/references.md#null-blk, docs/references.md#null-blk-defaults).
import type { Simulation } from '../../sim/index.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';

export interface NullBlkParams {
  /** 0 bio-based, 1 single queue (legacy), 2 blk-mq. Default 2. */
  queue_mode: 0 | 1 | 2;
  /** 0 complete inline in queue_rq, 1 softirq, 2 hrtimer after completion_nsec. Default 1. */
  irqmode: 0 | 1 | 2;
  /** Service time with irqmode = 2, ns. Default 10 000. */
  completion_nsec: number;
  /** Hardware queues. Default 1. */
  submit_queues: number;
  /** Tags per hardware queue. Default 64. */
  hw_queue_depth: number;
  /** Size in GB (2^30 bytes, as the module computes it). Default 250. */
  gb: number;
  /** Logical block size in bytes. Default 512. */
  bs: number;
  /** Bandwidth cap in MB/s (configfs `mbps`); 0 = unlimited. */
  mbps: number;
  /** CPU cost of null_queue_rq (command setup, tag bookkeeping), ns [R: perf profiles, ~0.3 us]. */
  issue_cpu_ns: number;
  /** CPU cost of the completion entry (softirq raise or hrtimer callback), ns [R]. */
  irq_cpu_ns: number;
}

export const NULL_BLK_DEFAULTS: Readonly<NullBlkParams> = Object.freeze({
  queue_mode: 2,
  irqmode: 1,
  completion_nsec: 10_000,
  submit_queues: 1,
  hw_queue_depth: 64,
  gb: 250,
  bs: 512,
  mbps: 0,
  issue_cpu_ns: 300,
  irq_cpu_ns: 200,
} satisfies NullBlkParams);

export class NullBlk implements BlockDriver {
  /** No cache to lose: what completed stays (the power-cut model treats it as write-through). */
  readonly volatileWriteCache = false;
  readonly sizeSectors: number;
  readonly logicalBlockSize: number;
  readonly queueDepth: number;
  readonly nrHwQueues: number;
  readonly maxHwSectors = 65535;
  readonly issueCpuNs: number;
  readonly irqCpuNs: number;
  readonly completesInline: boolean;
  readonly completesDirect: boolean;
  private host: DriverHost | null = null;
  /** With mbps: when the throttled "wire" is free again (ns). */
  private busyUntil = 0;
  private readonly nsPerByte: number;
  private readonly complete = (rq: Request): void => (this.host as DriverHost).completeRequest(rq, null, rq.cpu);

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly params: NullBlkParams,
  ) {
    this.sizeSectors = Math.floor((params.gb * 2 ** 30) / 512);
    this.logicalBlockSize = params.bs;
    this.queueDepth = params.hw_queue_depth;
    this.nrHwQueues = params.queue_mode === 2 ? params.submit_queues : 1;
    this.issueCpuNs = params.issue_cpu_ns;
    this.irqCpuNs = params.irqmode === 0 ? 0 : params.irq_cpu_ns;
    this.completesInline = params.irqmode === 0;
    // irqmode 0 ends the request in null_queue_rq; irqmode 1 calls blk_mq_complete_request
    // there, which on blk-mq completes directly unless an IPI is needed (driver.ts).
    this.completesDirect = params.irqmode !== 2;
    this.nsPerByte = params.mbps > 0 ? 1e3 / params.mbps : 0;
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    const p = this.params;
    const now = this.sim.now;
    let at = now;
    if (this.nsPerByte > 0) {
      this.busyUntil = Math.max(this.busyUntil, now) + rq.bytes * this.nsPerByte;
      at = this.busyUntil;
    }
    if (p.irqmode === 2) at = Math.max(at, now + p.completion_nsec);
    if (at === now) {
      // irqmode 0: in queue_rq itself; irqmode 1: blk_mq_complete_request from queue_rq, the
      // softirq then runs on the submitting CPU.
      this.complete(rq);
    } else {
      rq.onTimer = this.complete;
      this.sim.schedule(rq, at - now);
    }
  }
}
