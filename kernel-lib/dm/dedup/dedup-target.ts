// The dmdedup target (dmdedup4.19 dm-dedup-target.c, dm-dedup-rw.c):
//   <meta_dev> <data_dev> <block_size> <hash_algo> <backend> <flushrq>
// Every bio, reads included, is deferred to one worker thread (create_singlethread_workqueue
// "dm-dedup"), which hashes, looks up and updates the metadata, issues the data I/O and
// commits, one bio after the other:
// - write: a partial block is first completed by reading the old block synchronously
//   (read-on-write); the digest is computed on the worker's CPU; hash found (duplicate): the
//   PBN gains a reference, the LBN is remapped (the old PBN loses one) and the bio completes at
//   once, with no data I/O; hash not found (unique): a new PBN is allocated, the data written
//   there asynchronously (the bio completes when that write does), LBN->PBN and hash->PBN
//   inserted; then, every `flushrq` writes or on FLUSH/FUA, flush_meta commits, synchronously;
// - read: unmapped LBNs read zeroes, mapped ones are remapped to their PBN;
// - an empty flush commits, then goes down to the data device.
// The 2013 prototype's flusher thread (`dedup.flusherIntervalS`) commits on a timer from a
// second thread, concurrently with the worker: the two then meet in dm-bufio's client lock and
// the metadata blocks' locks.
// What a block holds is its content's fingerprint (block/bio-payload.ts): the data device
// keeps the fingerprint written at each PBN, and reads carry it back up.
import { REQ_FUA, REQ_PREFLUSH, type Bio } from '../../block/bio.js';
import { blockFingerprint, setBioPayload } from '../../block/bio-payload.js';
import type { BlockDevice } from '../../block/device.js';
import { Deque } from '../../sim/deque.js';
import type { CpuSet, Thread } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';
import { InputError } from '../../base/input-error.js';
import { dmIo } from '../dm-io.js';
import { dmOriginalBio } from '../mapped-device.js';
import { parseBufioParams } from '../bufio/params.js';
import { PdataError } from '../persistent-data/block-data.js';
import { NOT_NOW } from '../persistent-data/btree.js';
import { parsePdataParams } from '../persistent-data/params.js';
import { PersistentMetadata } from '../persistent-data/persistent-metadata.js';
import type { TableLine } from '../table.js';
import { targetCpus, type DmTarget, type PowerCutRecovery, type TargetArgs, type TargetContext, type TargetHealth } from '../target-registry.js';
import { mediaOf } from '../../block/power-cut.js';
import { recoverDedup } from './recover.js';
import { hashKey, type DedupBackend } from './backend.js';
import { CowbtreeBackend } from './backend-cowbtree.js';
import { InramBackend } from './backend-inram.js';
import { DIGEST_BYTES, HASH_NS_PER_BYTE, parseDedupParams, type DedupParams } from './params.js';

export const MIN_DATA_DEV_BLOCK_SIZE = 4 * 1024;
export const MAX_DATA_DEV_BLOCK_SIZE = 1024 * 1024;

/** Fingerprints the simulation gives content it knows nothing about (unique per write). */
const UNIQUE_BASE = 2 ** 52;

export interface DedupCounters {
  writes: number;
  uniqwrites: number;
  dupwrites: number;
  readsOnWrites: number;
  overwrites: number;
  newwrites: number;
  gcCounter: number;
  /** Data blocks written to the data device. */
  dataWrites: number;
  commits: number;
  /** Bios failed because the metadata device is full. */
  enospc: number;
}

type WorkItem = { bio: Bio; offset: number } | { gc: true };

export class DedupTarget implements DmTarget {
  readonly type = 'dedup';
  readonly devices: readonly BlockDevice[];
  readonly maxIoLen: number;
  readonly ready: SimEvent<unknown> | null;
  readonly counters: DedupCounters = {
    writes: 0, uniqwrites: 0, dupwrites: 0, readsOnWrites: 0, overwrites: 0, newwrites: 0, gcCounter: 0,
    dataWrites: 0, commits: 0, enospc: 0,
  };
  /**
   * Content of each data block (its fingerprint), as written to the data device; NaN for a
   * block never written. A typed array by PBN, grown by doubling: PBNs are allocated from the
   * bottom of the data space map, and a Map of a million entries is slow to grow and to collect.
   */
  private pbnFp = new Float64Array(1024).fill(NaN);
  readonly sectorsPerBlock: number;
  readonly lblocks: number;
  readonly pblocks: number;
  logicalBlockCounter = 0;
  physicalBlockCounter = 0;
  private writesAfterFlush = 0;
  private uniqueContent = 0;
  private readonly queue = new Deque<WorkItem>();
  private wake: SimEvent<undefined> | null = null;
  private readonly thread: Thread;
  private outOfMetadataAt = NaN;
  /**
   * Whether the bio the worker is processing was handed to the data device: an error after
   * that cannot fail it again. One flag, not a set of bios: the worker takes one bio at a time
   * (and a WeakSet of every bio costs the garbage collector dearly).
   */
  private issuedCurrent = false;
  /** Under a power-cut model, data writes name their content for the data device's media. */
  private readonly dataTracked: boolean;

  constructor(
    readonly sim: Simulation,
    cpus: CpuSet,
    readonly name: string,
    readonly begin: number,
    readonly metaDev: BlockDevice,
    readonly dataDev: BlockDevice,
    readonly blockSize: number,
    readonly hashAlgo: string,
    readonly backend: DedupBackend,
    readonly flushrq: number,
    readonly params: DedupParams,
    lengthSectors: number,
  ) {
    this.devices = [metaDev, dataDev];
    this.sectorsPerBlock = blockSize / 512;
    this.maxIoLen = this.sectorsPerBlock;
    this.lblocks = Math.floor(lengthSectors / this.sectorsPerBlock);
    this.pblocks = Math.floor(dataDev.sizeSectors / this.sectorsPerBlock);
    this.thread = cpus.thread(`dm-dedup/${name}`);
    this.dataTracked = mediaOf(dataDev) !== null;
    const self = this;
    const setup = sim.process(function* () {
      if (self.backend instanceof CowbtreeBackend) yield* self.backend.create();
    }, `dedup-ctr/${name}`);
    this.ready = setup;
    this.thread.spawn(this.worker(setup));
    if (params.flusherIntervalS > 0) cpus.thread(`dm-dedup-flusher/${name}`).spawn(this.flusher(setup));
  }

  get nsPerHashByte(): number {
    return this.params.hashNsPerByte ?? HASH_NS_PER_BYTE[this.hashAlgo];
  }

  /** dm_dedup_map: defer every bio to the worker. */
  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    this.enqueue({ bio: clone, offset: clone.sector - this.begin });
    return null;
  }

  message(words: readonly string[]): string | void {
    const w = (words[0] ?? '').toLowerCase();
    if (w === 'garbage_collect') {
      this.enqueue({ gc: true });
      return;
    }
    if (w === 'drop_bufio_cache' || w === 'corruption') throw new InputError(`dedup: message '${words[0]}' is not modelled`, { field: 'message' });
    throw new InputError(`dedup: unknown message '${words[0] ?? ''}' (known: garbage_collect)`, { field: 'message' });
  }

  status(): Record<string, unknown> {
    return {
      totalBlocks: this.pblocks,
      freeBlocks: this.pblocks - this.physicalBlockCounter,
      usedBlocks: this.physicalBlockCounter,
      actualBlocks: this.logicalBlockCounter,
      ...this.counters,
      backend: this.backend.name,
      ...(this.backend instanceof CowbtreeBackend ? this.metadataStatus(this.backend) : {}),
    };
  }

  /** The metadata stack's own counts (not in dmdedup's status line): block-manager locks, commits. */
  private metadataStatus(b: CowbtreeBackend): Record<string, number> {
    const md = b.metadata;
    return {
      metadataBlockOps: md.bm.stats.readLocks + md.bm.stats.writeLocks,
      metadataWrites: md.bufio.stats.writes,
      metadataCommits: md.commitStats.commits,
      maxCommitS: md.commitStats.maxCommitNs / 1e9,
    };
  }

  /** dm_dedup_status, STATUSTYPE_INFO */
  statusLine(): string {
    const c = this.counters;
    return `${this.pblocks} ${this.pblocks - this.physicalBlockCounter} ${this.physicalBlockCounter} ${this.logicalBlockCounter} ` +
      `${this.blockSize} ${this.dataDev.name} ${this.metaDev.name} ` +
      `${c.writes} ${c.uniqwrites} ${c.dupwrites} ${c.readsOnWrites} ${c.overwrites} ${c.newwrites} ${c.gcCounter}`;
  }

  health(): TargetHealth {
    if (Number.isNaN(this.outOfMetadataAt)) return { state: 'ok' };
    return {
      state: 'ok',
      warning: `dedup ${this.name}: out of metadata space at ${(this.outOfMetadataAt / 1e9).toFixed(3)} s; ${this.counters.enospc} bios failed with ENOSPC, the device went on`,
    };
  }

  recoverAfterPowerCut(): PowerCutRecovery {
    return recoverDedup(this);
  }

  private enqueue(item: WorkItem): void {
    this.queue.push(item);
    const w = this.wake;
    if (w !== null) {
      this.wake = null;
      w.succeed(undefined);
    }
  }

  private *worker(setup: SimEvent<unknown>): ProcessGenerator<void> {
    yield setup;
    for (;;) {
      const item = this.queue.shift();
      if (item === undefined) {
        this.wake = this.sim.event<undefined>();
        yield this.wake;
        continue;
      }
      this.issuedCurrent = false;
      try {
        if ('gc' in item) yield* this.garbageCollect();
        else yield* this.processBio(item.bio, item.offset);
      } catch (err) {
        if (!(err instanceof PdataError && err.errno === 'ENOSPC')) throw err;
        this.counters.enospc++;
        if (Number.isNaN(this.outOfMetadataAt)) this.outOfMetadataAt = this.sim.now;
        // dmdedup fails the bio with the error; one whose data write was already submitted
        // completes with that write instead.
        if (!('gc' in item) && !this.issuedCurrent) item.bio.endio(this.sim, 'ENOSPC');
      }
    }
  }

  private *flusher(setup: SimEvent<unknown>): ProcessGenerator<void> {
    yield setup;
    for (;;) {
      yield this.sim.timeout(this.params.flusherIntervalS * 1e9);
      yield* this.flushMeta();
    }
  }

  private *flushMeta(): ProcessGenerator<void> {
    this.counters.commits++;
    yield* this.backend.flushMeta();
  }

  /** process_bio */
  private *processBio(bio: Bio, offset: number): ProcessGenerator<void> {
    if ((bio.op === 'flush' || bio.hasFlag(REQ_PREFLUSH | REQ_FUA)) && bio.sectors === 0) {
      yield* this.flushMeta();
      this.writesAfterFlush = 0;
      bio.sector = 0;
      yield* this.dataDev.submit(bio);
      return;
    }
    if (bio.op === 'read') return yield* this.handleRead(bio, offset);
    if (bio.op === 'write') return yield* this.handleWrite(bio, offset);
    // Discards and write-zeroes are not handled by dmdedup4.19's process_bio: complete them.
    bio.endio(this.sim);
  }

  private *handleRead(bio: Bio, offset: number): ProcessGenerator<void> {
    const lbn = Math.floor(offset / this.sectorsPerBlock);
    let pbn = this.backend.tryLookupLbn(lbn);
    if (pbn === NOT_NOW) pbn = yield* this.backend.lookupLbn(lbn);
    if (pbn === undefined) {
      bio.endio(this.sim); // zero_fill_bio
      return;
    }
    const fp = this.contentOfPbn(pbn);
    if (fp !== undefined) {
      // What the read returns, on the clone and on the original dm core cloned it from.
      const payload = { fingerprint: fp, blocks: 'distinct' as const, compressPercentage: 0 };
      setBioPayload(bio, payload);
      const parent = dmOriginalBio(bio);
      if (parent !== undefined) setBioPayload(parent, payload);
    }
    bio.sector = pbn * this.sectorsPerBlock + (offset % this.sectorsPerBlock);
    yield* this.dataDev.submit(bio);
  }

  /** handle_write */
  private *handleWrite(bio: Bio, offset: number): ProcessGenerator<void> {
    this.counters.writes++;
    const spb = this.sectorsPerBlock;
    const lbn = Math.floor(offset / spb);
    let fp = this.contentOf(bio, offset);
    let partial = false;
    if (bio.sectors < spb) {
      // Read-on-write: merge into the old block (or zeroes), read synchronously.
      this.counters.readsOnWrites++;
      partial = true;
      let old = this.backend.tryLookupLbn(lbn);
    if (old === NOT_NOW) old = yield* this.backend.lookupLbn(lbn);
      let oldFp = 0;
      if (old !== undefined) {
        const done = yield* dmIo(this.sim, { op: 'read', regions: [{ dev: this.dataDev, sector: old * spb, count: spb }], thread: this.thread });
        yield done;
        oldFp = this.contentOfPbn(old) ?? 0;
      }
      fp = UNIQUE_BASE + hashKey(oldFp * 31 + fp + (offset % spb) * 7 + bio.sectors);
    }
    // compute_hash_bio: the whole block through the digest, on this thread's CPU.
    yield this.thread.exec(this.blockSize * this.nsPerHashByte);
    let pbn = this.backend.tryLookupHash(fp);
    if (pbn === NOT_NOW) pbn = yield* this.backend.lookupHash(fp);
    if (pbn === undefined) yield* this.handleWriteNoHash(bio, lbn, fp, partial);
    else yield* this.handleWriteWithHash(bio, lbn, pbn);
    this.writesAfterFlush++;
    if ((this.flushrq > 0 && this.writesAfterFlush >= this.flushrq) || bio.hasFlag(REQ_PREFLUSH | REQ_FUA)) {
      yield* this.flushMeta();
      this.writesAfterFlush = 0;
    }
  }

  /** handle_write_no_hash: unique content. */
  private *handleWriteNoHash(bio: Bio, lbn: number, fp: number, partial: boolean): ProcessGenerator<void> {
    this.counters.uniqwrites++;
    let old = this.backend.tryLookupLbn(lbn);
    if (old === NOT_NOW) old = yield* this.backend.lookupLbn(lbn);
    // write_to_new_block: allocate, submit the data write, insert LBN->PBN.
    let pbn = this.backend.tryAllocDataBlock();
    if (pbn < 0) pbn = yield* this.backend.allocDataBlock();
    this.logicalBlockCounter++;
    this.physicalBlockCounter++;
    yield* this.writeData(bio, pbn, fp, partial);
    if (!this.backend.tryInsertLbn(lbn, pbn)) yield* this.backend.insertLbn(lbn, pbn);
    if (old === undefined) {
      this.counters.newwrites++;
    } else {
      this.counters.overwrites++;
      if (!this.backend.tryDecRefcount(old)) yield* this.backend.decRefcount(old);
      this.logicalBlockCounter--;
    }
    if (!this.backend.tryInsertHash(fp, pbn)) yield* this.backend.insertHash(fp, pbn);
    if (!this.backend.tryIncRefcount(pbn)) yield* this.backend.incRefcount(pbn);
  }

  /** handle_write_with_hash: duplicate content; no data I/O, the bio completes at once. */
  private *handleWriteWithHash(bio: Bio, lbn: number, pbn: number): ProcessGenerator<void> {
    this.counters.dupwrites++;
    let old = this.backend.tryLookupLbn(lbn);
    if (old === NOT_NOW) old = yield* this.backend.lookupLbn(lbn);
    if (old === undefined) {
      this.counters.newwrites++;
      if (!this.backend.tryIncRefcount(pbn)) yield* this.backend.incRefcount(pbn);
      if (!this.backend.tryInsertLbn(lbn, pbn)) yield* this.backend.insertLbn(lbn, pbn);
      this.logicalBlockCounter++;
    } else {
      this.counters.overwrites++;
      if (old !== pbn) {
        if (!this.backend.tryIncRefcount(pbn)) yield* this.backend.incRefcount(pbn);
        if (!this.backend.tryInsertLbn(lbn, pbn)) yield* this.backend.insertLbn(lbn, pbn);
        if (!this.backend.tryDecRefcount(old)) yield* this.backend.decRefcount(old);
      }
    }
    bio.endio(this.sim);
  }

  /** do_io: the data write, asynchronous; the bio completes when it does. */
  private *writeData(bio: Bio, pbn: number, fp: number, partial: boolean): ProcessGenerator<void> {
    this.counters.dataWrites++;
    this.setContentOfPbn(pbn, fp);
    this.issuedCurrent = true;
    const spb = this.sectorsPerBlock;
    // The content the hash entry will name: what the media holds after a cut is checked against it.
    const payload = this.dataTracked && (partial || bio.payload === null) ? { fingerprint: fp, blocks: 'same' as const, compressPercentage: 0 } : undefined;
    if (!partial) {
      if (payload !== undefined) setBioPayload(bio, payload);
      bio.sector = pbn * spb;
      yield* this.dataDev.submit(bio);
      return;
    }
    // The merged block is a new bio of the whole block; the original completes with it.
    const sim = this.sim;
    yield* dmIo(sim, { op: 'write', regions: [{ dev: this.dataDev, sector: pbn * spb, count: spb }], thread: this.thread, payload, notify: (e) => bio.endio(sim, e) });
  }

  /** The fingerprint of what data block `pbn` holds, or undefined if it was never written. */
  contentOfPbn(pbn: number): number | undefined {
    const fp = pbn < this.pbnFp.length ? this.pbnFp[pbn] : NaN;
    return fp === fp ? fp : undefined;
  }

  private setContentOfPbn(pbn: number, fp: number): void {
    if (pbn >= this.pbnFp.length) {
      let n = this.pbnFp.length;
      while (n <= pbn) n *= 2;
      const grown = new Float64Array(n).fill(NaN);
      grown.set(this.pbnFp);
      this.pbnFp = grown;
    }
    this.pbnFp[pbn] = fp;
  }

  /** The fingerprint of the block this (one-block) bio writes. */
  private contentOf(bio: Bio, offset: number): number {
    // The clone carries its piece of the original's content (block/bio-payload.ts): the
    // fingerprint of its first 4 KiB block names the dedup block's content (a larger dedup
    // block of a described buffer holds that block and the ones that follow it in the
    // buffer, so the first identifies the rest).
    void offset;
    const fp = blockFingerprint(bio, 0);
    return fp === null ? UNIQUE_BASE + this.uniqueContent++ : fp;
  }

  /** garbage_collect: hash entries whose PBN only they still reference are dropped. */
  private *garbageCollect(): ProcessGenerator<void> {
    for (const [fp, pbn] of yield* this.backend.hashes()) {
      if (this.backend.refcount(pbn) !== 1) continue;
      yield* this.backend.deleteHash(fp);
      if (!this.backend.tryDecRefcount(pbn)) yield* this.backend.decRefcount(pbn);
      this.physicalBlockCounter--;
      this.counters.gcCounter++;
    }
  }
}



const NAMES = ['meta_dev', 'data_dev', 'block_size', 'hash_algo', 'backend', 'flushrq'];

/** dm_dedup_ctr */
export function dedupCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  args.expectCount(6, 6, NAMES);
  const meta = args.device(0, 'meta_dev');
  const data = args.device(1, 'data_dev');
  if (meta === data) throw args.error('the metadata and data devices must differ', 'meta_dev');
  const bs = args.integer(2, 'block_size');
  if (bs < MIN_DATA_DEV_BLOCK_SIZE || bs > MAX_DATA_DEV_BLOCK_SIZE || (bs & (bs - 1)) !== 0) {
    throw args.error(`Invalid data block size: <block_size> must be a power of 2 from 4096 to 1048576 bytes, got ${bs}`, 'block_size');
  }
  if (bs / 512 > data.sizeSectors) throw args.error('Data block size is larger than the data device', 'block_size');
  const algo = args.word(3, 'hash_algo').toLowerCase();
  if (DIGEST_BYTES[algo] === undefined) throw args.error(`Unrecognized hash algorithm '${args.word(3, 'hash_algo')}' (modelled: md5, sha256)`, 'hash_algo');
  const backendName = args.oneOf(4, 'backend', ['inram', 'cowbtree'] as const);
  const flushrq = args.integer(5, 'flushrq');
  let params: DedupParams;
  let backend: DedupBackend;
  const pblocks = Math.floor(data.sizeSectors / (bs / 512));
  try {
    params = parseDedupParams(ctx.params);
    if (backendName === 'inram') {
      backend = new InramBackend(pblocks);
    } else {
      const md = new PersistentMetadata(ctx.sim, {
        dev: meta,
        dataBlocks: pblocks,
        bufio: parseBufioParams(ctx.params),
        pdata: parsePdataParams(ctx.params),
        name: `bufio-${ctx.deviceName}`,
      });
      backend = new CowbtreeBackend(md, DIGEST_BYTES[algo]);
    }
  } catch (err) {
    if (err instanceof InputError) throw args.error(`params.${err.field}: ${err.reason}`, err.field);
    if (err instanceof PdataError) throw args.error(`metadata device: ${err.message}`, 'meta_dev');
    throw err;
  }
  return new DedupTarget(ctx.sim, targetCpus(ctx, 2), ctx.deviceName, line.start, meta, data, bs, algo, backend, flushrq, params, line.length);
}
