// The contract between a request queue (legacy or blk-mq) and a device model: the queue hands
// the driver requests (request_fn / queue_rq), at most `queueDepth` per hardware queue at a
// time, and the driver reports each completion to its host (blk_end_request /
// blk_mq_complete_request). Device models are event-driven state machines, not processes:
// an I/O costs a few agenda items, not a coroutine.
import type { Request } from './request.js';

export interface DriverHost {
  /**
   * The hardware finished `rq` (status null = success). `cpu` is where the completion
   * interrupt or timer ran; by default the hardware queue's interrupt CPU.
   */
  completeRequest(rq: Request, status?: string | null, cpu?: number): void;
}

export interface BlockDriver {
  readonly name: string;
  /** Capacity in 512-byte sectors. */
  readonly sizeSectors: number;
  /** Logical block size in bytes. */
  readonly logicalBlockSize: number;
  /** Commands the hardware accepts at once per hardware queue (NCQ depth, hw_queue_depth). */
  readonly queueDepth: number;
  /** Hardware submission queues (1 for SATA/AHCI, submit_queues for null_blk, per-CPU for NVMe). */
  readonly nrHwQueues: number;
  /** max_hw_sectors: the largest command the hardware takes, in sectors. */
  readonly maxHwSectors: number;
  /** CPU time of the driver's issue path (building and ringing the command), ns. */
  readonly issueCpuNs: number;
  /** CPU time of the interrupt handler per completion, ns. */
  readonly irqCpuNs: number;
  /**
   * Whether the driver completes inside queueRq (null_blk irqmode=0): the queue then must
   * not count on the request still being in flight after the call.
   */
  readonly completesInline?: boolean;
  /**
   * Whether, on blk-mq, a completion that needs no IPI runs in queueRq itself, in the
   * submitter's context: null_blk irqmode=0 (end_cmd) and irqmode=1, whose
   * blk_mq_complete_request calls mq_ops->complete directly when the completing CPU is the
   * submitting one or shares its cache (4.x-5.x __blk_mq_complete_request; >= 5.9
   * blk_mq_complete_request_remote for multi-queue devices). The bios then end before
   * queueRq returns, so the submitter sees them done when it goes on.
   */
  readonly completesDirect?: boolean;
  /**
   * Whether completed writes may sit in a volatile cache until a flush (power-cut.ts);
   * absent: yes. A drive with its write cache turned off says false.
   */
  readonly volatileWriteCache?: boolean;
  /** Called once by the queue in front of the driver. */
  attach(host: DriverHost): void;
  /** Starts a request; the driver calls host.completeRequest later (or inline). */
  queueRq(rq: Request): void;
  /** Device-specific statistics for reports (seek counts, cache hits...). */
  deviceStats?(): Record<string, number>;
}
