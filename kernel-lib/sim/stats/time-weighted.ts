// The time average of a level that changes at discrete instants: a resource's busy count,
// a queue's length, a pool's fill. The integral is advanced on every change, so reading the
// mean costs nothing and memory stays constant however long the run.

export class TimeWeighted {
  // Fields are declared and assigned in the constructor, numbers from the start: a field
  // defined without a value (`last;`) starts as undefined, so V8 keeps it as a tagged field and
  // every later `this.last = now` of a fractional time allocates a fresh heap number (about
  // 16 bytes per set(), on every resource and core change); a field that is a number from its
  // first store is updated in place.
  declare level: number;
  declare max: number;
  declare private area: number;
  declare private last: number;
  /** When measurement began (reset() moves it). */
  declare start: number;
  declare private readonly clock: { readonly now: number };

  constructor(clock: { readonly now: number }, initial = 0) {
    this.clock = clock;
    this.level = initial;
    this.max = initial;
    this.area = 0;
    this.last = clock.now;
    this.start = clock.now;
  }

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
