// The slab depot (slab-depot.c, physical-zone.c): the storage past VDO's fixed metadata is
// cut into slabs of `slabSizeMb`; slab n belongs to physical zone n mod P. Each slab keeps one
// reference count per data block (1 byte; PROVISIONAL while a data_vio holds an allocation
// not yet journalled) and a slab journal of reference-count changes, written a block at a time
// when a block fills. A zone allocates from its slabs in order, the next free block of the
// current slab. Reference-count updates arrive in recovery-journal order: each committed
// journal entry carries a ticket per zone it touches, and a zone applies tickets in order
// (the thread designs get them in order from their FIFO queues; structure-locking has to wait
// for its turn, see structure-locking.ts). A ticket applied out of order is counted: that is
// the inconsistency a power cut would expose.
// Reference-count blocks are written back as the slab journal needs room (slab-journal.ts).
// Simplifications [R]: scrubbing and slab summary updates are not modelled (a run starts on a
// clean volume, and recovery after a cut is checked, not run: recover.ts), UDS's on-disk volume
// takes no room.
import { DEFAULT_VDO_SLAB_JOURNAL_SIZE, MAXIMUM_REFERENCE_COUNT, SLAB_JOURNAL_ENTRIES_PER_BLOCK, VDO_BLOCK_SIZE } from './constants.js';
import type { VdoCompletion } from './completion.js';
import { COUNTS_PER_BLOCK, SlabJournal } from './slab-journal.js';

export const PROVISIONAL_REFERENCE_COUNT = 255;

export class Slab {
  /** Reference counts, made on first use. */
  refcounts: Uint8Array | null = null;
  cursor = 0;
  free: number;
  journalEntries = 0;
  journalBlocksWritten = 0;
  /** The entries (recovery-journal entry x 2, + 1 for an increment) of the journal block being filled. */
  journalCurrent: number[] = [];
  /** Slab-journal blocks written: their content token, block and entries (for the power-cut check). */
  readonly journalWritten: { token: number; pbn: number; entries: number[] }[] = [];
  /** Its journal's room and the reference blocks it waits for. */
  readonly journal = new SlabJournal();

  constructor(
    readonly index: number,
    readonly zone: number,
    readonly start: number,
    readonly dataBlocks: number,
  ) {
    this.free = dataBlocks;
  }

  counts(): Uint8Array {
    return (this.refcounts ??= new Uint8Array(this.dataBlocks));
  }
}

export class PhysicalZone {
  readonly slabs: Slab[] = [];
  current = 0;
  /** PBN locks held in this zone (pbn -> 'write' | 'read' holders count). */
  readonly pbnLocks = new Map<number, number>();
  /** Tickets handed out by the journal, and the next one to apply. */
  ticketsIssued = 0;
  nextTicket = 1;
  /** Completions that came before their turn, by ticket (structure-locking only). */
  readonly parked = new Map<number, VdoCompletion>();
  outOfOrder = 0;
  parks = 0;
  allocations = 0;
  increments = 0;
  decrements = 0;

  constructor(readonly index: number) {}
}

export class SlabDepot {
  readonly slabs: Slab[] = [];
  readonly zones: PhysicalZone[];
  readonly slabBlocks: number;
  readonly dataBlocksPerSlab: number;
  readonly referenceBlocksPerSlab: number;

  constructor(
    /** First block of the slabs, and the blocks they may use. */
    readonly firstBlock: number,
    blocks: number,
    slabSizeMb: number,
    physicalZones: number,
  ) {
    this.slabBlocks = Math.floor((slabSizeMb * 1024 * 1024) / VDO_BLOCK_SIZE);
    // A slab's blocks (vdo_configure_slab): its data blocks, their reference blocks
    // (COUNTS_PER_BLOCK one-byte counts each, for all but the journal's blocks), its journal.
    this.referenceBlocksPerSlab = Math.ceil(Math.max(0, this.slabBlocks - DEFAULT_VDO_SLAB_JOURNAL_SIZE) / COUNTS_PER_BLOCK);
    this.dataBlocksPerSlab = Math.max(0, this.slabBlocks - DEFAULT_VDO_SLAB_JOURNAL_SIZE - this.referenceBlocksPerSlab);
    const count = this.dataBlocksPerSlab > 0 ? Math.floor(blocks / this.slabBlocks) : 0;
    this.zones = Array.from({ length: physicalZones }, (_, i) => new PhysicalZone(i));
    for (let n = 0; n < count; n++) {
      const s = new Slab(n, n % physicalZones, firstBlock + n * this.slabBlocks, this.dataBlocksPerSlab);
      this.slabs.push(s);
      if (physicalZones > 0) this.zones[s.zone].slabs.push(s);
    }
  }

  get dataBlocks(): number {
    return this.slabs.length * this.dataBlocksPerSlab;
  }

  slabOf(pbn: number): Slab {
    return this.slabs[Math.floor((pbn - this.firstBlock) / this.slabBlocks)];
  }

  zoneOf(pbn: number): number {
    return this.slabOf(pbn).zone;
  }

  /** vdo_allocate_block: the next free block of the zone's slabs, provisionally referenced; 0 when the zone is full. */
  allocate(zone: PhysicalZone): number {
    for (let tried = 0; tried < zone.slabs.length; tried++) {
      const slab = zone.slabs[zone.current];
      if (slab.free > 0) {
        const rc = slab.counts();
        for (let k = 0; k < slab.dataBlocks; k++) {
          const b = (slab.cursor + k) % slab.dataBlocks;
          if (rc[b] === 0) {
            rc[b] = PROVISIONAL_REFERENCE_COUNT;
            slab.free--;
            slab.cursor = b + 1;
            zone.allocations++;
            return slab.start + b;
          }
        }
      }
      zone.current = (zone.current + 1) % zone.slabs.length;
    }
    return 0;
  }

  /** A block-map page of a volume written before this run: allocated, at the maximum count, no journal entry. */
  allocateBlockMapPage(zone: PhysicalZone): number {
    const pbn = this.allocate(zone);
    if (pbn > 0) {
      const slab = this.slabOf(pbn);
      slab.counts()[pbn - slab.start] = MAXIMUM_REFERENCE_COUNT;
    }
    return pbn;
  }

  refcount(pbn: number): number {
    const slab = this.slabOf(pbn);
    return slab.refcounts === null ? 0 : slab.refcounts[pbn - slab.start];
  }

  /** Whether a block can take another reference (dedupe against it). */
  incrementLimit(pbn: number): number {
    const rc = this.refcount(pbn);
    return rc === PROVISIONAL_REFERENCE_COUNT ? MAXIMUM_REFERENCE_COUNT - 1 : MAXIMUM_REFERENCE_COUNT - rc;
  }

  /** Drops a provisional reference nobody made real (an allocation a duplicate did not use). */
  releaseProvisional(pbn: number): void {
    const slab = this.slabOf(pbn);
    const rc = slab.counts();
    if (rc[pbn - slab.start] === PROVISIONAL_REFERENCE_COUNT) {
      rc[pbn - slab.start] = 0;
      slab.free++;
    }
  }

  /**
   * vdo_modify_reference_count: a slab-journal entry and the in-memory count (a block-map
   * page's increment sets the maximum, so that nothing dedupes against it). Returns true when
   * the slab's current journal block is full and must be written.
   */
  adjust(pbn: number, increment: boolean, blockMapPage = false): boolean {
    const slab = this.slabOf(pbn);
    const rc = slab.counts();
    const b = pbn - slab.start;
    if (blockMapPage) {
      rc[b] = MAXIMUM_REFERENCE_COUNT;
    } else if (increment) {
      rc[b] = rc[b] === PROVISIONAL_REFERENCE_COUNT ? 1 : Math.min(MAXIMUM_REFERENCE_COUNT, rc[b] + 1);
    } else if (rc[b] > 0 && rc[b] !== PROVISIONAL_REFERENCE_COUNT) {
      rc[b]--;
      if (rc[b] === 0) slab.free++;
    }
    slab.journal.dirtied(Math.floor(b / COUNTS_PER_BLOCK));
    slab.journalEntries++;
    if (slab.journalEntries < SLAB_JOURNAL_ENTRIES_PER_BLOCK) return false;
    slab.journalEntries = 0;
    slab.journalBlocksWritten++;
    slab.journal.tail++;
    return true;
  }

  /** Where reference block `rb` of a slab lives (after its data blocks). */
  referenceBlockPbn(slab: Slab, rb: number): number {
    return slab.start + this.dataBlocksPerSlab + rb;
  }

  /** Where the slab's next journal block goes (its journal is the slab's last blocks). */
  journalBlockPbn(pbn: number): number {
    const slab = this.slabOf(pbn);
    return slab.start + this.slabBlocks - DEFAULT_VDO_SLAB_JOURNAL_SIZE + (slab.journalBlocksWritten % DEFAULT_VDO_SLAB_JOURNAL_SIZE);
  }

  /** Blocks referenced (data blocks used), for the status line. */
  usedBlocks(): number {
    let used = 0;
    for (const s of this.slabs) used += s.dataBlocks - s.free;
    return used;
  }
}
