// The recovery journal (recovery-journal.c), on the journal thread: every remapping gets an
// entry in the active block (RECOVERY_JOURNAL_ENTRIES_PER_BLOCK per block). A block is written
// when it is full, or at once when no journal write is in flight, so entries batch up while a
// write is under way (up to the tail buffer's blocks in flight). Each journal write carries
// REQ_PREFLUSH | REQ_FUA: the flush makes the data writes it covers stable, the FUA the block
// itself (ordering rule 1 of vdo-design.rst). Blocks commit in sequence order; the data_vios
// of committed blocks continue in entry order to their reference-count updates, each with a
// ticket per physical zone it touches (rule 2: slab journals see entries in journal order).
// `journalOrder: broken` hands the tickets out in a shuffled order instead (study only).
import { Deque } from '../../sim/deque.js';
import type { RandomStream } from '../../sim/rng.js';
import { DEFAULT_VDO_RECOVERY_JOURNAL_SIZE, RECOVERY_JOURNAL_ENTRIES_PER_BLOCK, RECOVERY_JOURNAL_TAIL_BUFFER_BLOCKS } from './constants.js';
import type { DataVio } from './data-vio.js';

export class JournalBlock {
  readonly waiters: DataVio[] = [];
  written = false;
  constructor(readonly sequence: number) {}
}

export class RecoveryJournal {
  /** Entries made (the last entry's number). */
  entries = 0;
  active: JournalBlock;
  /** Blocks written or being written, not yet committed, in sequence order. */
  readonly pending = new Deque<JournalBlock>();
  inFlight = 0;
  blocksWritten = 0;
  /** Sequence number of the last committed block (the block map's era clock). */
  committed = 0;
  /** Entries per written block (sum), for the mean batch. */
  entriesWritten = 0;
  private nextSequence = 1;

  constructor(
    /** First storage block of the journal. */
    readonly start: number,
    readonly broken: boolean,
    private readonly rng: RandomStream,
    readonly size = DEFAULT_VDO_RECOVERY_JOURNAL_SIZE,
  ) {
    this.active = new JournalBlock(this.nextSequence++);
  }

  /** vdo_add_recovery_journal_entry; returns a block to write now, or null. */
  add(dv: DataVio): JournalBlock | null {
    dv.journalEntry = ++this.entries;
    dv.journalBlock = this.active.sequence;
    this.active.waiters.push(dv);
    if (this.active.waiters.length >= RECOVERY_JOURNAL_ENTRIES_PER_BLOCK || this.inFlight === 0) return this.close();
    return null;
  }

  /** The active block, if it has entries and the tail buffer has room: it goes to storage. */
  close(): JournalBlock | null {
    if (this.active.waiters.length === 0 || this.inFlight >= RECOVERY_JOURNAL_TAIL_BUFFER_BLOCKS) return null;
    const b = this.active;
    this.active = new JournalBlock(this.nextSequence++);
    this.pending.push(b);
    this.inFlight++;
    this.blocksWritten++;
    this.entriesWritten += b.waiters.length;
    return b;
  }

  blockPbn(b: JournalBlock): number {
    return this.start + (b.sequence % this.size);
  }

  /** A block's write ended: the data_vios of every block now committed, in journal order. */
  written(b: JournalBlock): DataVio[] {
    b.written = true;
    this.inFlight--;
    const out: DataVio[] = [];
    for (let head = this.pending.peek(); head !== undefined && head.written; head = this.pending.peek()) {
      this.pending.shift();
      this.committed = head.sequence;
      for (const dv of head.waiters) out.push(dv);
    }
    return out;
  }

  /** `journalOrder: broken`: the committed data_vios continue in a shuffled order (study only). */
  shuffle(out: DataVio[]): void {
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.integer(0, i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
  }
}
