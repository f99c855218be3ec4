// struct vdo: one VDO volume's structures and threads, and how a completion reaches the thread
// that must run it (vdo.c, completion.c, io-submitter.c, flush.c). The steps themselves are in
// write-path.ts (writes, discards) and read-path.ts (reads); the thread designs in
// dedicated-threads.ts, kernel-workqueues.ts and structure-locking.ts.
//
// Which thread runs what is the thread config's (thread-config.ts); this file maps each step
// to its zone: logical zone of the LBN's block-map tree, physical zone of the slab, hash zone
// of the record name, the journal, the packer, the cpu, ack and bio submission threads (bio
// zone: (pbn / bioRotationInterval) mod bio threads, so a run of contiguous blocks goes to one
// thread), and the dedupe index's own threads.
import { REQ_FUA, REQ_PREFLUSH, Bio } from '../../block/bio.js';
import { setBioPayload } from '../../block/bio-payload.js';
import type { BlockDevice } from '../../block/device.js';
import { chargeCpu, chargeSoftirq, type CpuSet } from '../../sim/cpu.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { BlockMap } from './block-map.js';
import { MetadataVio, VdoCompletion } from './completion.js';
import { JournalLog } from './journal-log.js';
import { NumberMap } from '../../sim/number-map.js';
import { ALLOCATIONS_PER_ZONE, DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT, DEFAULT_VDO_RECOVERY_JOURNAL_SIZE, VDO_COMPRESSED_BLOCK_DATA_SIZE, VDO_SECTORS_PER_BLOCK } from './constants.js';
import { DataVio, DataVioPool, IO_COMPRESSED_WRITE, IO_READ, IO_VERIFY, IO_WRITE, type WaitingBio } from './data-vio.js';
import { DedicatedThreads } from './dedicated-threads.js';
import type { DeviceConfig } from './device-config.js';
import { ExecContext, type StepRunner, type VdoExecutor } from './executor.js';
import { HashZone } from './hash-zone.js';
import { KernelWorkqueues } from './kernel-workqueues.js';
import { Packer, type PackerBin } from './packer.js';
import type { VdoParams } from './params.js';
import { RecoveryJournal } from './recovery-journal.js';
import { SlabDepot } from './slab-depot.js';
import { PRIORITY_DEFAULT, PRIORITY_HIGH, PRIORITY_LOW, PRIORITY_METADATA, S, stepCosts } from './steps.js';
import { StructureLocking } from './structure-locking.js';
import { makeThreadConfig, type ThreadConfig } from './thread-config.js';
import { UdsIndex } from './uds-index.js';

/** The steps (data-path.ts), given to the VDO so that this file need not import them. */
export interface VdoDataPath {
  run(vdo: Vdo, c: VdoCompletion): void;
  launchRead(vdo: Vdo, dv: DataVio): void;
  launchWrite(vdo: Vdo, dv: DataVio, bio: Bio): void;
}

/** Blocks before the slabs: geometry and super block, the block map's roots, the journal, the slab summary. */
const FIXED_LAYOUT_BLOCKS = 2 + DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT + DEFAULT_VDO_RECOVERY_JOURNAL_SIZE + 64;

/**
 * The layout of the storage: the fixed metadata (the tree roots among it), then the slabs. The
 * block map's other pages are allocated from the slabs as the trees grow (block-map-tree.ts).
 */
export function vdoLayout(config: Pick<DeviceConfig, 'logicalBlocks' | 'physicalBlocks'>, slabSizeMb: number, physicalZones: number) {
  const rootOrigin = 2;
  const journalStart = rootOrigin + DEFAULT_VDO_BLOCK_MAP_TREE_ROOT_COUNT;
  const firstSlabBlock = FIXED_LAYOUT_BLOCKS;
  const depot = new SlabDepot(firstSlabBlock, Math.max(0, config.physicalBlocks - firstSlabBlock), slabSizeMb, physicalZones);
  return { journalStart, rootOrigin, firstSlabBlock, depot, overheadBlocks: firstSlabBlock };
}

export class Flush extends VdoCompletion {
  constructor(
    readonly bio: Bio,
    readonly generation: number,
  ) {
    super();
  }
}

export class Vdo implements StepRunner {
  readonly ctx = new ExecContext();
  readonly tc: ThreadConfig;
  readonly executor: VdoExecutor;
  readonly uds: DedicatedThreads;
  readonly cpuByThread: Float64Array;
  readonly runsByThread: Float64Array;
  readonly threadNames: string[];
  readonly pool = new DataVioPool();
  readonly blockMap: BlockMap;
  readonly depot: SlabDepot;
  readonly journal: RecoveryJournal;
  readonly hashZones: HashZone[];
  readonly index = new UdsIndex();
  readonly packer = new Packer();
  readonly overheadBlocks: number;
  /** What each stored block (or fragment) holds: (pbn * 16 + state) -> fingerprint. */
  readonly content = new NumberMap<number>(1 << 16);
  /** LBN locks: the holder's index in the pool, by LBN (its waiters queue on the holder: DataVio.lbnWaitHead). */
  readonly lbnLocks = new NumberMap<number>(1 << 12);
  /** Flush generations: data_vios holding each, and the flushes waiting for them. */
  flushGeneration = 0;
  readonly generationHolders = new Map<number, number>();
  readonly flushes: Flush[] = [];
  /** Per logical zone: the physical zone it allocates from, and allocations made there. */
  readonly allocationZone: number[];
  readonly allocationCount: number[];
  readonly poolRelease = new VdoCompletion();
  readonly lockNames: string[] = [];
  private readonly costs: Float64Array;
  private readonly endio = (bio: Bio) => this.bioDone(bio);
  private readonly structureBase: { logical: number; physical: number; hash: number; journal: number; packer: number };
  private nextUnique = 0;
  private tracesLeft: number;
  readonly traces: number[][] = [];
  /**
   * For the power-cut check (recover.ts): every recovery-journal entry made (its LBN, new and
   * old mapping, the content written), each journal block's block and content token, and the
   * token of each compressed block.
   */
  readonly journalLog = new JournalLog();
  readonly journalBlockTokens = new Map<number, { pbn: number; token: number }>();
  private nextToken = 2 ** 51;
  readonly stats = {
    biosInRead: 0,
    biosInWrite: 0,
    biosInDiscard: 0,
    biosInFlush: 0,
    biosAcknowledged: 0,
    writesCompleted: 0,
    readsCompleted: 0,
    /** Handoffs of finished writes, by kind (sum, count): unique, duplicate, compressed, zero. */
    handoffs: { unique: [0, 0], duplicate: [0, 0], compressed: [0, 0], zero: [0, 0] } as Record<string, [number, number]>,
    dataBlocksWritten: 0,
    noSpace: 0,
    slabJournalBlocksWritten: 0,
    blockMapPageWrites: 0,
    referenceBlocksWritten: 0,
  };

  constructor(
    readonly sim: Simulation,
    readonly cpus: CpuSet,
    readonly name: string,
    readonly config: DeviceConfig,
    readonly params: VdoParams,
    private readonly path: VdoDataPath,
  ) {
    this.tc = makeThreadConfig(config.threads);
    const tc = this.tc;
    const layout = vdoLayout(config, params.slabSizeMb, tc.physicalZoneCount);
    this.depot = layout.depot;
    this.overheadBlocks = layout.overheadBlocks;
    this.blockMap = new BlockMap(tc.logicalZoneCount, config.cacheSize, config.eraLength, layout.rootOrigin, config.logicalBlocks);
    if (params.blockMapTree === 'allocated') this.blockMap.forest.preallocate(this.depot, config.logicalBlocks);
    this.journal = new RecoveryJournal(layout.journalStart, params.journalOrder === 'broken', sim.rng(`vdo-journal-order/${name}`));
    this.hashZones = Array.from({ length: tc.hashZoneCount }, (_, i) => new HashZone(i));
    this.allocationZone = Array.from({ length: tc.logicalZoneCount }, (_, i) => i % tc.physicalZoneCount);
    this.allocationCount = Array.from({ length: tc.logicalZoneCount }, () => 0);
    this.costs = stepCosts(params.costs);
    this.tracesLeft = params.traceDataVios;
    const udsThreads = params.udsThreads > 0 ? params.udsThreads : tc.hashZoneCount;
    const udsNames = Array.from({ length: udsThreads }, (_, i) => `udsZone${i}`);
    this.threadNames = [...tc.names, ...udsNames];
    this.cpuByThread = new Float64Array(this.threadNames.length);
    this.runsByThread = new Float64Array(this.threadNames.length);
    // Structures (the locks of the structure-locking design), named as lock_stat would group them.
    let s = 0;
    const add = (n: number, lockName: string) => {
      const base = s;
      for (let i = 0; i < n; i++) this.lockNames.push(lockName);
      s += n;
      return base;
    };
    this.structureBase = {
      logical: add(tc.logicalZoneCount, 'vdo-logical-zone'),
      physical: add(tc.physicalZoneCount, 'vdo-physical-zone'),
      hash: add(tc.hashZoneCount, 'vdo-hash-zone'),
      journal: add(1, 'vdo-recovery-journal'),
      packer: add(1, 'vdo-packer'),
    };
    const c = params.costs;
    const prefix = `kvdo:${name}`;
    const kworkers = params.kworkers > 0 ? params.kworkers : cpus.cores.length;
    if (params.threads === 'dedicated') this.executor = new DedicatedThreads(sim, cpus, this, tc.names, tc.queueCounts, prefix, c.queueNs, c.wakeNs, 0, params.burstNs);
    else if (params.threads === 'workqueue') this.executor = new KernelWorkqueues(sim, cpus, this, tc.names, kworkers, prefix, c.queueNs, c.wakeNs);
    else this.executor = new StructureLocking(sim, cpus, this, this.lockNames, kworkers, prefix, c.queueNs, c.wakeNs, c.lockNs);
    this.uds = new DedicatedThreads(sim, cpus, this, udsNames, udsNames.map(() => 1), prefix, c.queueNs, c.wakeNs, tc.threadCount, params.burstNs);
  }

  get storage(): BlockDevice {
    return this.config.storage;
  }

  // --- StepRunner -------------------------------------------------------------------------

  costOf(c: VdoCompletion): number {
    if (c.step === S.compressDataVio && (c as DataVio).compressedSize >= VDO_COMPRESSED_BLOCK_DATA_SIZE) return this.params.costs.lz4IncompressibleNs;
    return this.costs[c.step];
  }

  run(c: VdoCompletion): void {
    if (c instanceof DataVio && c.trace !== null) c.trace.push(this.sim.now, c.thread, c.step);
    this.path.run(this, c);
  }

  submit(bio: Bio): ProcessGenerator<void> {
    return this.storage.submit(bio);
  }

  // --- launching: the zone of each step ----------------------------------------------------

  launch(c: VdoCompletion): void {
    if (c.thread >= this.tc.threadCount) this.uds.launch(c);
    else {
      // Leaving an index thread is always a handoff, whatever the design.
      if (this.ctx.thread >= this.tc.threadCount) c.requeue = true;
      this.executor.launch(c);
    }
  }

  private to(c: VdoCompletion, step: number, thread: number, structure: number, priority: number): void {
    c.step = step;
    c.thread = thread;
    c.structure = structure;
    c.priority = priority;
    this.launch(c);
  }

  toLogical(c: VdoCompletion, step: number, zone: number): void {
    this.to(c, step, this.tc.logicalThreads[zone], this.structureBase.logical + zone, PRIORITY_DEFAULT);
  }

  toPhysical(c: VdoCompletion, step: number, zone: number): void {
    this.to(c, step, this.tc.physicalThreads[zone], this.structureBase.physical + zone, PRIORITY_DEFAULT);
  }

  toHash(dv: DataVio, step: number): void {
    this.to(dv, step, this.tc.hashZoneThreads[dv.hashZone], this.structureBase.hash + dv.hashZone, PRIORITY_DEFAULT);
  }

  toJournal(c: VdoCompletion, step: number): void {
    this.to(c, step, this.tc.journalThread, this.structureBase.journal, PRIORITY_DEFAULT);
  }

  toPacker(c: VdoCompletion, step: number): void {
    this.to(c, step, this.tc.packerThread, this.structureBase.packer, PRIORITY_DEFAULT);
  }

  toCpu(c: VdoCompletion, step: number, priority = PRIORITY_DEFAULT): void {
    this.to(c, step, this.tc.cpuThread, -1, priority);
  }

  /** The bio ack thread; with `ack 0`, whichever thread gets there acknowledges. */
  toAck(c: VdoCompletion, step: number): void {
    const t = this.tc.bioAckThread >= 0 ? this.tc.bioAckThread : this.ctx.thread >= 0 && this.ctx.thread < this.tc.threadCount ? this.ctx.thread : this.tc.cpuThread;
    this.to(c, step, t, -1, PRIORITY_DEFAULT);
  }

  toUds(dv: DataVio, step: number): void {
    const i = dv.hashZone % this.uds.queues.length;
    this.to(dv, step, this.tc.threadCount + i, -1, PRIORITY_DEFAULT);
  }

  /** vdo_submit_vio: onto the bio zone of the block. */
  toBio(c: VdoCompletion, pbn: number, priority: number): void {
    const zone = Math.floor(pbn / this.config.threads.bioRotationInterval) % this.tc.bioThreads.length;
    this.to(c, S.submitVio, this.tc.bioThreads[zone], -1, priority);
  }

  /** vdo_get_next_allocation_zone: a logical zone moves on to the next physical zone every ALLOCATIONS_PER_ZONE. */
  nextAllocationZone(logicalZone: number): number {
    if (++this.allocationCount[logicalZone] >= ALLOCATIONS_PER_ZONE) {
      this.allocationCount[logicalZone] = 0;
      this.allocationZone[logicalZone] = (this.allocationZone[logicalZone] + 1) % this.tc.physicalZoneCount;
    }
    return this.allocationZone[logicalZone];
  }

  // --- I/O ----------------------------------------------------------------------------------

  /** The submit step on a bio thread: the bio for what `c` asks. */
  submitVio(c: VdoCompletion): void {
    let bio: Bio;
    if (c instanceof MetadataVio) {
      bio = new Bio(c.op, c.pbn * VDO_SECTORS_PER_BLOCK, c.op === 'flush' ? 0 : VDO_SECTORS_PER_BLOCK, c.flags);
      if (c.token !== 0) setBioPayload(bio, { fingerprint: c.token, blocks: 'same', compressPercentage: 0 });
    } else {
      const dv = c as DataVio;
      const pbn = dv.ioKind === IO_VERIFY ? dv.duplicatePbn : dv.ioKind === IO_READ ? dv.mappedPbn : dv.allocationPbn;
      bio = new Bio(dv.ioKind === IO_READ || dv.ioKind === IO_VERIFY ? 'read' : 'write', pbn * VDO_SECTORS_PER_BLOCK, VDO_SECTORS_PER_BLOCK, 0);
      if (dv.ioKind === IO_WRITE || dv.ioKind === IO_COMPRESSED_WRITE) this.stats.dataBlocksWritten++;
      // What reaches the media: the block's content (a compressed block's is its own).
      if (dv.ioKind === IO_WRITE) setBioPayload(bio, { fingerprint: dv.fingerprint, blocks: 'same', compressPercentage: 0 });
    }
    bio.private = c;
    bio.endIo = this.endio;
    this.ctx.bios.push(bio);
  }

  /** A content token for a metadata write (positive, above any workload's fingerprints' range). */
  token(): number {
    return this.nextToken++;
  }

  /** A metadata block I/O from the running step; `doneStep` runs on `doneThread` when it ends. */
  metadataIo(op: 'read' | 'write' | 'flush', pbn: number, flags: number, doneStep: number, doneThread: number, doneStructure: number, owner: unknown, key = 0, token = 0): void {
    const m = new MetadataVio();
    m.token = token;
    m.op = op;
    m.pbn = pbn;
    m.flags = flags;
    m.doneStep = doneStep;
    m.doneThread = doneThread;
    m.doneStructure = doneStructure;
    m.owner = owner;
    m.key = key;
    this.toBio(m, pbn, PRIORITY_METADATA);
  }

  /** A block-map page (by block) goes to storage (era expiry, eviction). */
  writeBlockMapPage(zone: number, pbn: number): void {
    this.blockMap.zones[zone].pageWrites++;
    this.stats.blockMapPageWrites++;
    this.metadataIo('write', pbn, 0, S.pageWritten, this.tc.logicalThreads[zone], this.logicalStructure(zone), null);
  }

  logicalStructure(zone: number): number {
    return this.structureBase.logical + zone;
  }

  physicalStructure(zone: number): number {
    return this.structureBase.physical + zone;
  }

  journalStructure(): number {
    return this.structureBase.journal;
  }

  /** bi_end_io of every bio VDO issues (interrupt context: the next step is always a handoff). */
  private bioDone(bio: Bio): void {
    const c = bio.private as VdoCompletion;
    if (c instanceof MetadataVio) {
      c.step = c.doneStep;
      c.thread = c.doneThread;
      c.structure = c.doneStructure;
      c.priority = PRIORITY_METADATA;
      this.launch(c);
    } else {
      const dv = c as DataVio;
      const kind = dv.ioKind;
      dv.ioKind = 0;
      if (kind === IO_WRITE) {
        // write_bio_finished
        this.content.set(dv.allocationPbn * 16 + 1, dv.fingerprint);
        dv.newPbn = dv.allocationPbn;
        dv.newState = 1;
        this.toLogical(dv, S.readOldBlockMapping, dv.logicalZone);
      } else if (kind === IO_COMPRESSED_WRITE) {
        const bin = dv.bin as PackerBin;
        dv.bin = null;
        this.packer.compressedBlocksWritten++;
        bin.fragments.forEach((f, slot) => {
          f.newPbn = dv.allocationPbn;
          f.newState = 2 + slot;
          this.content.set(f.newPbn * 16 + f.newState, f.fingerprint);
          this.packer.compressedFragmentsWritten++;
          this.toLogical(f, S.readOldBlockMapping, f.logicalZone);
        });
      } else if (kind === IO_VERIFY) {
        this.toCpu(dv, S.verifyCallback, PRIORITY_HIGH);
      } else {
        this.toCpu(dv, S.completeRead, PRIORITY_HIGH);
      }
    }
    this.chargeOutside(null, bio.completionCpu >= 0 ? bio.completionCpu : bio.cpu);
  }

  /** Charges what a launch from outside VDO's threads cost: to the submitter, or as softirq time. */
  private chargeOutside(thread: import('../../sim/cpu.js').Thread | null, cpu: number): ReturnType<typeof chargeCpu> {
    const ns = this.ctx.chargeNs;
    this.ctx.chargeNs = 0;
    if (thread !== null) return chargeCpu(this.sim, thread, ns);
    chargeSoftirq(this.cpus, cpu, ns);
    return null;
  }

  // --- bios in and out ----------------------------------------------------------------------

  /** vdo_map_bio + vdo_launch_bio, on the submitting thread. */
  *mapBio(clone: Bio, offset: number): ProcessGenerator<void> {
    if (clone.op === 'flush' || (clone.hasFlag(REQ_PREFLUSH) && clone.sectors === 0)) {
      this.stats.biosInFlush++;
      this.launchFlush(clone);
      const ev = this.chargeOutside(clone.thread, clone.cpu);
      if (ev !== null) yield ev;
      return;
    }
    if (clone.op === 'read') this.stats.biosInRead++;
    else if (clone.op === 'discard') this.stats.biosInDiscard++;
    else this.stats.biosInWrite++;
    const discard = clone.op === 'discard';
    let dv = this.pool.tryAcquire(discard);
    if (dv === null) {
      // The limiter: the submitter sleeps until the release callback launches its bio.
      const woken = this.sim.event<undefined>();
      this.pool.wait(clone, offset, woken, discard);
      yield woken;
      return;
    }
    this.launchBio(dv, clone, offset);
    const ev = chargeCpu(this.sim, clone.thread, this.params.costs.launchNs + this.ctx.chargeNs);
    this.ctx.chargeNs = 0;
    if (ev !== null) yield ev;
  }

  /** launch_bio: fills the data_vio from the bio and sends it to its logical zone. */
  launchBio(dv: DataVio, bio: Bio, offset: number): void {
    dv.userBio = bio;
    dv.launchedAt = this.sim.now;
    dv.lbn = Math.floor(offset / VDO_SECTORS_PER_BLOCK);
    dv.logicalZone = this.blockMap.zoneOf(dv.lbn);
    dv.fua = bio.hasFlag(REQ_FUA);
    if (this.tracesLeft > 0) {
      this.tracesLeft--;
      dv.trace = [];
    }
    if (bio.op === 'read') this.path.launchRead(this, dv);
    else this.path.launchWrite(this, dv, bio);
  }

  uniqueFingerprint(): number {
    return 2 ** 52 + this.nextUnique++;
  }

  /** The bio is done: bio_endio on the current thread. */
  acknowledge(dv: DataVio): void {
    if (dv.acknowledged || dv.userBio === null) return;
    dv.acknowledged = true;
    this.stats.biosAcknowledged++;
    dv.userBio.endio(this.sim, null);
  }

  /** Back to the pool (finish_cleanup): the release callback runs on the cpu thread, batched. */
  finishCleanup(dv: DataVio): void {
    if (dv.trace !== null) {
      this.traces.push(dv.trace);
      dv.trace = null;
    }
    this.pool.released.push(dv);
    if (!this.pool.releaseScheduled) {
      this.pool.releaseScheduled = true;
      this.toCpu(this.poolRelease, S.processReleaseCallback, PRIORITY_LOW);
    }
  }

  /** One waiting bio gets a released data_vio: launched from here, its submitter woken. */
  launchWaiter(dv: DataVio, w: WaitingBio): void {
    this.ctx.chargeNs += this.params.costs.launchNs;
    this.launchBio(dv, w.bio, w.offset);
    w.woken.succeed(undefined);
  }

  // --- flushes (flush.c) --------------------------------------------------------------------

  /** vdo_launch_flush: a new flush generation; the flush waits for every write of the older ones. */
  private launchFlush(bio: Bio): void {
    const f = new Flush(bio, this.flushGeneration++);
    this.toPacker(f, S.flushPacker);
  }

  acquireFlushGeneration(dv: DataVio): void {
    dv.flushGeneration = this.flushGeneration;
    dv.hasFlushGenerationLock = true;
    this.generationHolders.set(dv.flushGeneration, (this.generationHolders.get(dv.flushGeneration) ?? 0) + 1);
  }

  releaseFlushGeneration(dv: DataVio): void {
    if (!dv.hasFlushGenerationLock) return;
    dv.hasFlushGenerationLock = false;
    const n = (this.generationHolders.get(dv.flushGeneration) as number) - 1;
    if (n > 0) this.generationHolders.set(dv.flushGeneration, n);
    else {
      this.generationHolders.delete(dv.flushGeneration);
      if (this.flushes.length > 0) this.completeFlushes();
    }
  }

  /** Flushes whose generations have drained are acknowledged (on the ack thread). */
  completeFlushes(): void {
    let oldest = Infinity;
    for (const g of this.generationHolders.keys()) if (g < oldest) oldest = g;
    while (this.flushes.length > 0 && this.flushes[0].generation < oldest) {
      const f = this.flushes.shift() as Flush;
      this.toAck(f, S.completeFlush);
    }
  }

  // --- the report ---------------------------------------------------------------------------

  /** Completed writes' handoffs, by kind of write. */
  countWrite(dv: DataVio): void {
    const kind = dv.isZero || dv.discard ? 'zero' : dv.isDuplicate ? 'duplicate' : dv.newState >= 2 ? 'compressed' : 'unique';
    const h = this.stats.handoffs[kind];
    h[0] += dv.handoffs + dv.decrement.handoffs;
    h[1]++;
    this.stats.writesCompleted++;
  }

  /** Messages (handoffs) so far, all threads. */
  get messages(): number {
    let n = 0;
    const ex = this.executor as unknown as { queues?: { enqueued: number }[]; queue?: { enqueued: number } };
    for (const q of ex.queues ?? []) n += q.enqueued;
    if (ex.queue !== undefined) n += ex.queue.enqueued;
    for (const q of this.uds.queues) n += q.enqueued;
    return n;
  }
}
