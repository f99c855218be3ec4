// A FIFO ring buffer: O(1) push and shift, unlike Array.prototype.shift on long queues.

export class Deque<T> {
  private buf: (T | undefined)[] = new Array(16);
  private head = 0;
  private tail = 0;
  private mask = 15;

  get length(): number {
    return this.tail - this.head;
  }

  push(item: T): void {
    if (this.tail - this.head > this.mask) this.grow();
    this.buf[this.tail++ & this.mask] = item;
  }

  /** Puts an item at the front (kcopyd's push_head, a requeue that keeps FIFO order). */
  unshift(item: T): void {
    if (this.tail - this.head > this.mask) this.grow();
    this.buf[--this.head & this.mask] = item;
  }

  shift(): T | undefined {
    if (this.head === this.tail) return undefined;
    const i = this.head++ & this.mask;
    const item = this.buf[i];
    this.buf[i] = undefined;
    return item;
  }

  peek(): T | undefined {
    return this.head === this.tail ? undefined : this.buf[this.head & this.mask];
  }

  at(k: number): T | undefined {
    return k >= 0 && k < this.length ? this.buf[(this.head + k) & this.mask] : undefined;
  }

  /** Removes the first occurrence; O(n), for cancellations. */
  remove(item: T): boolean {
    const n = this.length;
    for (let k = 0; k < n; k++) {
      if (this.buf[(this.head + k) & this.mask] === item) {
        for (let j = k; j < n - 1; j++) this.buf[(this.head + j) & this.mask] = this.buf[(this.head + j + 1) & this.mask];
        this.buf[(this.tail - 1) & this.mask] = undefined;
        this.tail--;
        return true;
      }
    }
    return false;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let k = this.head; k < this.tail; k++) yield this.buf[k & this.mask] as T;
  }

  private grow(): void {
    const n = this.length;
    const buf: (T | undefined)[] = new Array(this.buf.length * 2);
    for (let k = 0; k < n; k++) buf[k] = this.buf[(this.head + k) & this.mask];
    this.buf = buf;
    this.mask = buf.length - 1;
    this.head = 0;
    this.tail = n;
  }
}
