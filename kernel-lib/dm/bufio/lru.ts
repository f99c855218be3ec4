// One of the client's buffer lists (c->lru[LIST_CLEAN], c->lru[LIST_DIRTY]), newest at the
// head. Before 6.4 an access moves a buffer to the head (true LRU); from 6.4 an access only
// sets its referenced bit and eviction is a clock: the hand walks from the oldest end, gives a
// referenced buffer a second chance (clears the bit, moves it to the head) and takes the
// first unreferenced one that qualifies.
import type { DmBuffer, LruListName } from './buffer.js';

export class BufferList<T> {
  head: DmBuffer<T> | null = null;
  tail: DmBuffer<T> | null = null;
  length = 0;

  constructor(readonly name: LruListName) {}

  pushHead(b: DmBuffer<T>): void {
    b.list = this.name;
    b.older = this.head;
    b.newer = null;
    if (this.head !== null) this.head.newer = b;
    else this.tail = b;
    this.head = b;
    this.length++;
  }

  remove(b: DmBuffer<T>): void {
    if (b.newer !== null) b.newer.older = b.older;
    else this.head = b.older;
    if (b.older !== null) b.older.newer = b.newer;
    else this.tail = b.newer;
    b.newer = b.older = null;
    this.length--;
  }

  /** The buffers from the oldest to the newest, as a snapshot (list_for_each_entry_safe_reverse). */
  oldestFirst(): DmBuffer<T>[] {
    const out: DmBuffer<T>[] = [];
    for (let b = this.tail; b !== null; b = b.newer) out.push(b);
    return out;
  }

  /**
   * The eviction victim: the oldest buffer `ok` accepts; with `clock`, a referenced buffer
   * is passed over once (bit cleared, moved to the head) before it can be chosen.
   */
  evict(ok: (b: DmBuffer<T>) => boolean, clock: boolean): DmBuffer<T> | null {
    let budget = clock ? 2 * this.length : this.length;
    let b = this.tail;
    while (b !== null && budget-- > 0) {
      const next: DmBuffer<T> | null = b.newer;
      if (clock && b.referenced) {
        b.referenced = false;
        this.remove(b);
        this.pushHead(b);
      } else if (ok(b)) {
        return b;
      }
      b = next ?? (clock ? this.tail : null);
    }
    return null;
  }
}
