// The agenda: every scheduled item ordered by (time, scheduling order).
//
// Two structures, because most items in a storage model are scheduled for "now" (an event
// succeeding, a process starting, a lock handed over) and do not need a heap:
// - a binary heap for items in the future, keyed by (time, sequence number) in parallel typed
//   arrays so ordering touches no objects;
// - a FIFO ring for items due at the current time.
// Every heap item due at the current time was scheduled before the clock reached it, hence
// before every ring item, so popping heap-at-now first and then the ring preserves the global
// (time, sequence) order exactly.

/** Anything the agenda can hold: fired once when its time comes. */
export interface Scheduled {
  _fire(): void;
}

export class Agenda {
  /** Time of the item popped last: the simulation clock. */
  now = 0;
  private seq = 0;
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private items: (Scheduled | undefined)[] = new Array(64);
  private heapSize = 0;
  private ring: (Scheduled | undefined)[] = new Array(64);
  private ringHead = 0;
  private ringTail = 0;
  private ringMask = 63;

  get size(): number {
    return this.heapSize + (this.ringTail - this.ringHead);
  }

  /** Time of the next item, or Infinity when nothing is scheduled. */
  peekTime(): number {
    if (this.ringTail !== this.ringHead) return this.now;
    return this.heapSize > 0 ? this.times[0] : Infinity;
  }

  pushNow(item: Scheduled): void {
    if (this.ringTail - this.ringHead > this.ringMask) this.growRing();
    this.ring[this.ringTail++ & this.ringMask] = item;
    this.seq++;
  }

  push(time: number, item: Scheduled): void {
    if (time === this.now) {
      this.pushNow(item);
      return;
    }
    if (this.heapSize === this.items.length) this.growHeap();
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const seq = this.seq++;
    let i = this.heapSize++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /**
   * Removes and returns the next item if it is due before `limit`, advancing `now` to its
   * time; undefined otherwise (the event loop's single call per item).
   */
  popBefore(limit: number): Scheduled | undefined {
    if (this.now >= limit) return undefined;
    if (this.heapSize > 0 && this.times[0] <= this.now) return this.popHeap();
    if (this.ringTail !== this.ringHead) {
      const idx = this.ringHead++ & this.ringMask;
      const item = this.ring[idx];
      this.ring[idx] = undefined;
      return item;
    }
    if (this.heapSize === 0 || this.times[0] >= limit) return undefined;
    this.now = this.times[0];
    return this.popHeap();
  }

  /** Removes and returns the next item, advancing `now` to its time. */
  pop(): Scheduled | undefined {
    if (this.heapSize > 0 && this.times[0] <= this.now) return this.popHeap();
    if (this.ringTail !== this.ringHead) {
      const idx = this.ringHead++ & this.ringMask;
      const item = this.ring[idx];
      this.ring[idx] = undefined;
      return item;
    }
    if (this.heapSize === 0) return undefined;
    this.now = this.times[0];
    return this.popHeap();
  }

  private popHeap(): Scheduled {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0] as Scheduled;
    const n = --this.heapSize;
    const lastT = times[n];
    const lastS = seqs[n];
    const lastI = items[n];
    items[n] = undefined;
    if (n > 0) {
      // Sift the last element down from the root.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) m = r;
        if (times[m] > lastT || (times[m] === lastT && seqs[m] > lastS)) break;
        times[i] = times[m];
        seqs[i] = seqs[m];
        items[i] = items[m];
        i = m;
      }
      times[i] = lastT;
      seqs[i] = lastS;
      items[i] = lastI;
    }
    return top;
  }

  private growHeap(): void {
    const cap = this.items.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.times = t;
    this.seqs = s;
    this.items.length = cap;
  }

  private growRing(): void {
    const old = this.ring;
    const oldMask = this.ringMask;
    const n = this.ringTail - this.ringHead;
    const ring: (Scheduled | undefined)[] = new Array(old.length * 2);
    for (let k = 0; k < n; k++) ring[k] = old[(this.ringHead + k) & oldMask];
    this.ring = ring;
    this.ringMask = ring.length - 1;
    this.ringHead = 0;
    this.ringTail = n;
  }
}
