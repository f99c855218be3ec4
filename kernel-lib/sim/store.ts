// Store (SimPy's Store; a channel between threads): put() blocks while the store is full,
// get() blocks while it is empty; both sides are served in FIFO order. Handing an item to a
// waiting getter bypasses the buffer, so order is preserved end to end.
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { PROCESSED, SimEvent } from './event.js';
import type { Simulation } from './simulation.js';
import { TimeWeighted } from './stats/time-weighted.js';

export class Store<T> {
  readonly capacity: number;
  /** Items held, time-averaged. */
  readonly fill: TimeWeighted;
  private readonly items = new Deque<T>();
  private readonly getters = new Deque<SimEvent<T>>();
  private readonly putters = new Deque<{ event: SimEvent<undefined>; item: T }>();

  constructor(
    readonly sim: Simulation,
    options: { capacity?: number; name?: string } = {},
    readonly name = options.name ?? 'store',
  ) {
    const capacity = options.capacity ?? Infinity;
    if (!(capacity >= 1)) throw new SimulationError(`${this.name}: capacity must be >= 1, got ${describe(capacity)}`);
    this.capacity = capacity;
    this.fill = new TimeWeighted(sim);
  }

  get length(): number {
    return this.items.length;
  }

  /** Puts an item; yield the result (it waits while the store is full). */
  put(item: T): SimEvent<undefined> {
    const ev = new SimEvent<undefined>(this.sim);
    const getter = this.getters.shift();
    if (getter !== undefined) {
      getter.succeed(item);
      ev.state = PROCESSED;
    } else if (this.items.length < this.capacity) {
      this.items.push(item);
      this.fill.set(this.items.length);
      ev.state = PROCESSED;
    } else {
      this.putters.push({ event: ev, item });
    }
    return ev;
  }

  /** Takes the oldest item; yield the result to receive it. */
  get(): SimEvent<T> {
    const ev = new SimEvent<T>(this.sim);
    if (this.items.length > 0) {
      ev.value = this.items.shift() as T;
      ev.state = PROCESSED;
      const putter = this.putters.shift();
      if (putter !== undefined) {
        this.items.push(putter.item);
        putter.event.succeed(undefined);
      }
      this.fill.set(this.items.length);
    } else {
      this.getters.push(ev);
    }
    return ev;
  }
}

/** A channel is a store used for message passing between threads. */
export { Store as Channel };
