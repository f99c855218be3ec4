// The time average of a level that changes at discrete instants: a resource's busy count,
// a queue's length, a pool's fill. The integral is advanced on every change, so reading the
// mean costs nothing and memory stays constant however long the run.

export class TimeWeighted {
  level = 0;
  max = 0;
  private area = 0;
  private last: number;

  constructor(
    private readonly clock: { readonly now: number },
    initial = 0,
  ) {
    this.last = clock.now;
    this.start = clock.now;
    this.level = initial;
    this.max = initial;
  }

  /** When measurement began (reset() moves it). */
  start: number;

  set(level: number): void {
    const now = this.clock.now;
    this.area += this.level * (now - this.last);
    this.last = now;
    this.level = level;
    if (level > this.max) this.max = level;
  }

  add(delta: number): void {
    this.set(this.level + delta);
  }

  /** Mean level from the start of measurement until now. */
  get mean(): number {
    const now = this.clock.now;
    const span = now - this.start;
    if (span <= 0) return this.level;
    return (this.area + this.level * (now - this.last)) / span;
  }

  /** Forgets the history (e.g. after a warm-up period), keeping the current level. */
  reset(): void {
    this.area = 0;
    this.last = this.clock.now;
    this.start = this.clock.now;
    this.max = this.level;
  }
}
