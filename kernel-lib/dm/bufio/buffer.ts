// struct dm_buffer: one cached metadata block. Its state bits are the kernel's B_READING,
// B_WRITING and B_DIRTY; `list` says which LRU list it is on (LIST_CLEAN or LIST_DIRTY: a
// buffer whose write completed stays on the dirty list until someone walks past it, as in the
// kernel). `data` is the block's content as the layer above keeps it (a btree node, a bitmap
// block), an object rather than bytes.
import type { SimEvent, Simulation } from '../../sim/index.js';

export type LruListName = 'clean' | 'dirty';

export class DmBuffer<T = unknown> {
  reading = false;
  writing = false;
  dirty = false;
  holdCount = 0;
  /** The 6.4 clock's referenced bit (set on every access, cleared as the hand passes). */
  referenced = false;
  list: LruListName = 'clean';
  /** Links of the intrusive LRU list (toward the most and the least recently used). */
  newer: DmBuffer<T> | null = null;
  older: DmBuffer<T> | null = null;
  writeError: string | null = null;
  /** The client's per-buffer data (dm_bufio_get_aux_data): the block manager's block lock. */
  aux: unknown = null;
  readError: string | null = null;
  /** Sleepers in wait_on_bit(B_READING / B_WRITING), woken when the bit clears. */
  private ioWaiters: SimEvent<undefined>[] | null = null;

  constructor(
    readonly block: number,
    public data: T | undefined,
  ) {}

  /** An event that fires when the current read or write completes. */
  waitIo(sim: Simulation): SimEvent<undefined> {
    const ev = sim.event<undefined>();
    (this.ioWaiters ??= []).push(ev);
    return ev;
  }

  /** clear_bit + wake_up_bit. */
  ioDone(): void {
    const ws = this.ioWaiters;
    this.ioWaiters = null;
    if (ws !== null) for (const ev of ws) ev.succeed(undefined);
  }
}
