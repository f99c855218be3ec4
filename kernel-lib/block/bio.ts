// struct bio: one block I/O as the upper layers see it. Sizes are in 512-byte sectors, as in
// the kernel. Completion follows the kernel's shape: whoever completes the I/O calls
// `bio.endio()`, which runs the owner's `bi_end_io` callback; a process that simply wants to
// wait yields `bio.wait()`.
import { SimEvent, type Simulation } from '../sim/index.js';
import type { Thread } from '../sim/cpu.js';

export const SECTOR_SIZE = 512;

export type BioOp = 'read' | 'write' | 'flush' | 'discard' | 'write-zeroes';

/** Request flags (REQ_*), as a bit set. */
export const REQ_SYNC = 1 << 0;
export const REQ_FUA = 1 << 1;
export const REQ_PREFLUSH = 1 << 2;
export const REQ_META = 1 << 3;
export const REQ_RAHEAD = 1 << 4;

export type BioEndIo = (bio: Bio) => void;

/** What a write carries, per 4 KiB block (bio-payload.ts has the helpers and the rules). */
export interface BioPayload {
  /**
   * Identity of the content of the payload's first block: two blocks with equal fingerprints
   * hold the same bytes. With `blocks: 'distinct'`, block i holds `fingerprint + i`.
   */
  readonly fingerprint: number;
  /**
   * `same`: every block holds the same bytes (zeros, a repeated pattern); `distinct`:
   * consecutive fingerprints; `listed`: block i holds `fingerprints[i]` (a trace that names
   * each block's digest).
   */
  readonly blocks: 'same' | 'distinct' | 'listed';
  /** With `blocks: 'listed'`, each block's fingerprint (the first is `fingerprint`); null: that block holds unique data. */
  readonly fingerprints?: readonly (number | null)[];
  /** Percentage (0-100) of each block that compresses away (fio's buffer_compress_percentage). */
  readonly compressPercentage: number;
}

let nextBioId = 1;

export class Bio {
  // Fields are declared and assigned in the constructor rather than initialised in place:
  // bios are created by the million, and plain assignments construct faster than class-field
  // definitions in V8.
  declare readonly id: number;
  /** bi_status: null on success, else an error name such as 'EIO' or 'ENOSPC'. */
  declare status: string | null;
  /** bi_end_io: called once, at completion, by `endio()`. */
  declare endIo: BioEndIo | null;
  /** bi_private: whatever the owner of the bio hangs on it (a parent bio, a job...). */
  declare private: unknown;
  /** CPU the bio was submitted from (completion may be steered back to it). */
  declare cpu: number;
  /** CPU whose softirq ended the bio (-1 until completion); rq_affinity steers it. */
  declare completionCpu: number;
  /** Submitting thread, when the CPU model is in use: layers charge their CPU cost to it. */
  declare thread: Thread | null;
  // Timestamps of each stage, in simulated ns (NaN until reached), as blktrace sees them.
  /** Q: entered the block layer */
  declare tQueue: number;
  /** I: inserted into the scheduler / request queue */
  declare tInsert: number;
  /** D: issued to the driver */
  declare tIssue: number;
  /** C: completed */
  declare tComplete: number;
  declare private waiter: SimEvent<Bio> | null;
  declare readonly op: BioOp;
  /** First sector (512 B units) on the device the bio is submitted to; remapped by dm. */
  declare sector: number;
  /** Length in sectors (0 for a flush). */
  declare sectors: number;
  declare flags: number;
  /** What a write carries (bio-payload.ts), or null: unique, incompressible data. */
  declare payload: BioPayload | null;
  /** Block of `payload` this bio's first 4 KiB block is. */
  declare payloadBlock: number;
  /** bi_next: the next bio of the request this one is in (null at the tail or outside one). */
  declare biNext: Bio | null;

  constructor(op: BioOp, sector: number, sectors: number, flags = 0) {
    this.id = nextBioId++;
    this.status = null;
    this.endIo = null;
    this.private = null;
    this.cpu = 0;
    this.completionCpu = -1;
    this.thread = null;
    this.tQueue = NaN;
    this.tInsert = NaN;
    this.tIssue = NaN;
    this.tComplete = NaN;
    this.waiter = null;
    this.op = op;
    this.sector = sector;
    this.sectors = sectors;
    this.flags = flags;
    this.payload = null;
    this.payloadBlock = 0;
    this.biNext = null;
  }

  get bytes(): number {
    return this.sectors * SECTOR_SIZE;
  }

  get end(): number {
    return this.sector + this.sectors;
  }

  get isWrite(): boolean {
    return this.op === 'write' || this.op === 'write-zeroes' || this.op === 'discard';
  }

  hasFlag(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** bio_endio: marks completion and runs the owner's callback; wakes `wait()`ers. */
  endio(sim: Simulation, status: string | null = null): void {
    if (this.tComplete === this.tComplete) throw new Error(`bio ${this.id} completed twice`);
    this.status = status;
    this.tComplete = sim.now;
    if (this.endIo !== null) this.endIo(this);
    if (this.waiter !== null) this.waiter.succeed(this);
  }

  /**
   * bio_alloc_clone + bi_private/bi_end_io: a new bio for [sector, sector + sectors) of this
   * one's range, working on its behalf: the same submitting thread and CPU, the same content
   * from the right block on, ending through `endIo` with `priv` as its bi_private.
   */
  child(op: BioOp, sector: number, sectors: number, flags: number, priv: unknown, endIo: BioEndIo | null): Bio {
    const c = new Bio(op, sector, sectors, flags);
    c.thread = this.thread;
    c.cpu = this.cpu;
    c.private = priv;
    c.endIo = endIo;
    if (this.payload !== null) {
      c.payload = this.payload;
      c.payloadBlock = this.payloadBlock + Math.floor((sector - this.sector) / 8);
    }
    return c;
  }

  /** An event that fires when the bio completes (created on first use). */
  wait(sim: Simulation): SimEvent<Bio> {
    if (this.waiter === null) {
      this.waiter = sim.event<Bio>();
      if (this.tComplete === this.tComplete) this.waiter.succeed(this);
    }
    return this.waiter;
  }
}
