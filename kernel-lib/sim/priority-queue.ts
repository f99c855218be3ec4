// A binary min-heap on (priority, arrival order): equal priorities leave in FIFO order.

export class PriorityQueue<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private seq = 0;

  get length(): number {
    return this.items.length;
  }

  push(priority: number, item: T): void {
    const keys = this.keys;
    const seqs = this.seqs;
    const items = this.items;
    const seq = this.seq++;
    let i = items.length;
    keys.push(priority);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] < priority || (keys[p] === priority && seqs[p] < seq)) break;
      keys[i] = keys[p];
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    keys[i] = priority;
    seqs[i] = seq;
    items[i] = item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const keys = this.keys;
    const seqs = this.seqs;
    const lk = keys.pop() as number;
    const ls = seqs.pop() as number;
    const li = items.pop() as T;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = l;
        if (r < n && (keys[r] < keys[l] || (keys[r] === keys[l] && seqs[r] < seqs[l]))) m = r;
        if (keys[m] > lk || (keys[m] === lk && seqs[m] > ls)) break;
        keys[i] = keys[m];
        seqs[i] = seqs[m];
        items[i] = items[m];
        i = m;
      }
      keys[i] = lk;
      seqs[i] = ls;
      items[i] = li;
    }
    return top;
  }

  remove(item: T): boolean {
    const i = this.items.indexOf(item);
    if (i < 0) return false;
    // Rebuild: cancellations are rare.
    const entries = this.items.map((it, k) => [this.keys[k], this.seqs[k], it] as const).filter((_, k) => k !== i);
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.keys = entries.map((e) => e[0]);
    this.seqs = entries.map((e) => e[1]);
    this.items = entries.map((e) => e[2]);
    return true;
  }
}
