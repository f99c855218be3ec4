// struct kcopyd_job: one copy (or zeroing, or bare callback) from a source region to up to
// eight destinations. A large copy is a master job whose data moves through up to eight
// sub-jobs (SPLIT_COUNT), each a job of its own on the lists, reused for the next segment
// when it finishes (the modern preallocated master_job array; 2.6 allocated a fresh one from
// the mempool each time, the same timing).
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { BlockDevice } from '../../block/device.js';
import type { Mutex } from '../../sim/index.js';
import type { PagePool } from './page-pool.js';
import type { KcopydThrottle } from './throttle.js';

/**
 * What a job's worker uses of its dm_kcopyd_client (client.ts implements it): declared here
 * so that the worker depends on the job, not on the client that creates workers.
 */
export interface KcopydJobClient {
  readonly pool: PagePool;
  readonly throttle: KcopydThrottle;
  /** Copy offload: `start` hands a copy job to the device instead of reading and writing it. */
  readonly offload: { start(job: KcopydJob): void };
  /** REQ_* flags of kcopyd's bios. */
  readonly ioFlags: number;
  /** Serializes callbacks of a client with several workers (per-CPU threading), else null. */
  readonly callbackLock: Mutex | null;
  /** Pages the job needs before it can issue its I/O. */
  pagesNeeded(job: KcopydJob): number;
  /** A master job left the complete list. */
  jobFinished(job: KcopydJob): void;
  /** Softirq time on a CPU (complete_io). */
  chargeSoftirq(cpu: number, ns: number): void;
  /** Workers sharing the client's page pool (more than one only with per-CPU threading). */
  readonly workerCount: number;
  /** Pages went back to the pool on `by`'s CPU: the other workers' page-starved jobs may go on. */
  pagesFreed(by: unknown): void;
}

/** struct dm_io_region */
export interface KcopydRegion {
  dev: BlockDevice;
  sector: number;
  count: number;
}

/** DM_KCOPYD_MAX_REGIONS */
export const MAX_REGIONS = 8;
/** SPLIT_COUNT */
export const SPLIT_COUNT = 8;

/**
 * dm_kcopyd_notify_fn(read_err, write_err, context), run in the client's kcopyd worker (never
 * two at once for one client). A generator, because clients do I/O and take locks there
 * (dm-snapshot commits its exception store and resubmits origin bios from it).
 */
export type KcopydNotify = (readErr: boolean, writeErr: boolean, context: unknown, worker: Thread) => ProcessGenerator<void>;

export type JobOp = 'read' | 'write' | 'copy' | 'callback';

export class KcopydJob {
  /** Which list set (worker) the job lives on; set by dispatch. */
  worker: unknown = null;
  op: JobOp;
  readErr = false;
  writeErr = false;
  /** Pages the job holds (returned in run_complete_job). */
  pages = 0;
  /** Bios of the current dm_io call still in flight. */
  ioCount = 0;
  /** For a master: how far the copy has been handed out to sub-jobs (sectors). */
  progress = 0;
  /** For a master: sub-jobs not finished. */
  subJobs = 0;
  /** CPU the job was dispatched from (per-cpu threading). */
  cpu = 0;
  /** When it was dispatched (statistics). */
  dispatchedAt = 0;
  /** The master job: itself for a master or an unsplit job. */
  master: KcopydJob;

  constructor(
    /** The dm_kcopyd_client. */
    readonly client: KcopydJobClient,
    /** Source region; null for zeroing (dm_kcopyd_zero) or a bare callback. */
    public source: KcopydRegion | null,
    public dests: KcopydRegion[],
    readonly fn: KcopydNotify,
    public context: unknown,
    master: KcopydJob | null,
  ) {
    this.master = master ?? this;
    this.op = source === null ? (dests.length === 0 ? 'callback' : 'write') : 'read';
  }

  /** Sectors the job moves. */
  get count(): number {
    return this.source !== null ? this.source.count : this.dests.length > 0 ? this.dests[0].count : 0;
  }

  get isSubJob(): boolean {
    return this.master !== this;
  }
}
