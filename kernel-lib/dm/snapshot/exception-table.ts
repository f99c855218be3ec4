// The complete and pending exception tables. The kernel hashes chunks into buckets (complete:
// (chunk >> 8) & mask, cow_size / chunk buckets capped at 2 MiB of heads, minimum 64; pending:
// chunk & mask, an eighth of that, minimum 64). The tables here are maps keyed by origin
// chunk, plus the length of each complete-table hash chain: dm_lookup_exception walks the
// chain of its bucket (all of it when the chunk is not there, the common case of a first
// write), and dm_insert_exception keeps a chain sorted by old_chunk, walking it backwards
// from the tail to the insertion point. So the time under the snapshot's lock grows with the
// table's occupancy (chain entries are separately allocated: one cache miss each on a big
// table, SNAPSHOT_COSTS.chainStepNs). The pending table (hash_shift 0, few entries) is not
// walked in any length worth counting. Random chunks are not merged into consecutive-chunk
// entries, so one exception is one chain entry.
//
// A walk is a chain of dependent loads, one line per entry, and it leaves those lines in the
// caches: one origin write walks its chain up to four times within microseconds (the lookup,
// the re-check after allocating, the insert in pending_complete, the lookup of the re-run
// write), and only the first finds the lines in DRAM. So each bucket remembers which CPU walked
// it last and how many chain lines were walked since (walkNs); other memory traffic of the
// path is small (null_blk and kcopyd touch no data) and is not counted as evicting them.
import { chargeCpu, taskCpu, type Thread } from '../../sim/cpu.js';
import type { SimEvent, Simulation } from '../../sim/index.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import type { PendingException } from './pending-exception.js';

/** DM_CHUNK_CONSECUTIVE_BITS: the complete table's hash shift (256 consecutive chunks share a bucket). */
export const COMPLETE_HASH_SHIFT = 8;

/**
 * calc_max_buckets: 2 MiB of bucket heads: struct list_head (16 bytes) until the 2019 series
 * ("dm snapshot: Make exception tables scalable", with the fine-grained locking), then
 * struct hlist_bl_head (8 bytes).
 */
export function maxBuckets(headBytes: 8 | 16): number {
  return (2 * 1024 * 1024) / headBytes;
}

/** Bucket counts of the complete and pending tables for a COW device of `cowChunks` chunks. */
export function bucketCounts(cowChunks: number, headBytes: 8 | 16 = 8): { complete: number; pending: number } {
  let complete = Math.max(64, Math.min(cowChunks, maxBuckets(headBytes)));
  complete = 2 ** Math.floor(Math.log2(complete));
  const pending = Math.max(64, complete >> 3);
  return { complete, pending };
}

/** The complete table: origin chunk -> COW chunk (struct dm_exception), with its chain lengths. */
export class CompleteTable {
  private readonly map = new Map<number, number>();
  /** Exceptions inserted per bucket (index: (chunk >> 8) & mask). */
  private readonly chains: Uint32Array;
  private readonly mask: number;
  /**
   * Chain entries every used bucket starts with: `initialExceptions` spread evenly over the
   * buckets the origin's chunks hash to (a table that already holds that many exceptions of
   * chunks the workload does not write again).
   */
  readonly baseChain: number;
  /** Per bucket: the CPU that walked its chain last (-1: never), and the line clocks then. */
  private readonly lastCpu: Int32Array;
  private readonly lastLines: Float64Array;
  private readonly lastCpuLines: Float64Array;
  /** Chain lines walked so far, by all CPUs and per CPU. */
  private lines = 0;
  private readonly cpuLines: number[] = [];
  /** Walks by where their lines were: private cache, shared cache, DRAM. */
  readonly walks = { l2: 0, llc: 0, dram: 0 };

  constructor(
    buckets = 64,
    /** Chunks of the origin (which buckets are used), and exceptions already in the table. */
    originChunks = 0,
    initialExceptions = 0,
  ) {
    this.mask = buckets - 1;
    this.chains = new Uint32Array(buckets);
    const used = Math.max(1, Math.min(buckets, Math.ceil(originChunks / 2 ** COMPLETE_HASH_SHIFT)));
    this.baseChain = initialExceptions / used;
    this.lastCpu = new Int32Array(buckets).fill(-1);
    this.lastLines = new Float64Array(buckets);
    this.lastCpuLines = new Float64Array(buckets);
  }

  /**
   * CPU time (ns) of visiting `steps` entries of `chunk`'s chain from CPU `cpu`: at L2 latency
   * when this CPU walked the chain last and fewer than an L2 of chain lines since, at LLC
   * latency when any CPU walked it within an LLC of chain lines, at DRAM latency otherwise.
   * The walk then counts as the chain's last (taken to leave the whole chain cached: every
   * path here starts with a full lookup walk).
   */
  walkNs(chunk: number, steps: number, cpu: number): number {
    if (steps <= 0) return 0;
    const b = Math.floor(chunk / 2 ** COMPLETE_HASH_SHIFT) & this.mask;
    const mine = this.cpuLines[cpu] ?? 0;
    const last = this.lastCpu[b];
    // Only lines fetched into a cache push others out of it: a walk served by the LLC fills
    // this CPU's L2 (its line clock advances), one served by DRAM fills both.
    let per: number;
    if (last === cpu && mine - this.lastCpuLines[b] < C.l2Lines) {
      per = C.chainStepL2Ns;
      this.walks.l2++;
    } else if (last >= 0 && this.lines - this.lastLines[b] < C.llcLines) {
      per = C.chainStepLlcNs;
      this.walks.llc++;
      this.cpuLines[cpu] = mine + steps;
    } else {
      per = C.chainStepNs;
      this.walks.dram++;
      this.cpuLines[cpu] = mine + steps;
      this.lines += steps;
    }
    this.lastCpu[b] = cpu;
    this.lastLines[b] = this.lines;
    this.lastCpuLines[b] = this.cpuLines[cpu];
    return steps * per;
  }

  get size(): number {
    return this.map.size;
  }

  lookup(chunk: number): number | undefined {
    return this.map.get(chunk);
  }

  insert(oldChunk: number, newChunk: number): void {
    if (!this.map.has(oldChunk) && !this.merges(oldChunk, newChunk)) this.chains[Math.floor(oldChunk / 2 ** COMPLETE_HASH_SHIFT) & this.mask]++;
    this.map.set(oldChunk, newChunk);
  }

  /** dm_remove_exception (a merged chunk): the entry goes, and its chain shrinks unless a neighbour's range held it. */
  remove(oldChunk: number): void {
    const newChunk = this.map.get(oldChunk);
    if (newChunk === undefined) return;
    this.map.delete(oldChunk);
    if (!this.merges(oldChunk, newChunk)) this.chains[Math.floor(oldChunk / 2 ** COMPLETE_HASH_SHIFT) & this.mask]--;
  }

  /**
   * dm_insert_exception's merge: an exception next to an entry of the same bucket whose old
   * AND new chunks are both consecutive with it extends that entry instead of adding one (a
   * sequential stream copied into sequentially allocated COW chunks stays one entry).
   */
  private merges(oldChunk: number, newChunk: number): boolean {
    const bucket = Math.floor(oldChunk / 2 ** COMPLETE_HASH_SHIFT);
    if (oldChunk > 0 && Math.floor((oldChunk - 1) / 2 ** COMPLETE_HASH_SHIFT) === bucket && this.map.get(oldChunk - 1) === newChunk - 1) return true;
    return Math.floor((oldChunk + 1) / 2 ** COMPLETE_HASH_SHIFT) === bucket && this.map.get(oldChunk + 1) === newChunk + 1;
  }

  /** Entries on `chunk`'s hash chain. */
  chainLength(chunk: number): number {
    return this.baseChain + this.chains[Math.floor(chunk / 2 ** COMPLETE_HASH_SHIFT) & this.mask];
  }

  /**
   * Chain entries dm_lookup_exception visits for `chunk`: the whole chain when it is absent,
   * on average half of it when present (the chain is sorted, the chunk anywhere in it).
   */
  lookupSteps(chunk: number, present: boolean): number {
    const n = this.chainLength(chunk);
    return present ? (n + 1) / 2 : n;
  }

  /** Entries dm_insert_exception visits walking back from the tail to the insertion point (on average half the chain). */
  insertSteps(chunk: number): number {
    return this.chainLength(chunk) / 2;
  }
}

/**
 * The CPU time of `thread` visiting `steps` entries of `chunk`'s chain in `table` (walkNs, on
 * the CPU the thread runs on), or null when there is nothing to charge.
 */
export function chainWalk(sim: Simulation, thread: Thread | null, table: CompleteTable, chunk: number, steps: number): SimEvent<undefined> | null {
  return chargeCpu(sim, thread, table.walkNs(chunk, steps, taskCpu(thread)));
}

/** The pending table: origin chunk -> in-flight exception. */
export class PendingTable {
  private readonly map = new Map<number, PendingException>();
  /** Highest number of exceptions pending at once. */
  maxSize = 0;

  get size(): number {
    return this.map.size;
  }

  lookup(chunk: number): PendingException | undefined {
    return this.map.get(chunk);
  }

  insert(pe: PendingException): void {
    this.map.set(pe.oldChunk, pe);
    if (this.map.size > this.maxSize) this.maxSize = this.map.size;
  }

  remove(pe: PendingException): void {
    if (this.map.get(pe.oldChunk) === pe) this.map.delete(pe.oldChunk);
  }
}
