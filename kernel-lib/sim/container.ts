// Container (SimPy's Container): a level between 0 and capacity, e.g. a pool of pages.
// get(n) waits until n units are there, put(n) until there is room for n; each side is
// served in FIFO order, so a large request at the head blocks smaller ones behind it.
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { PROCESSED, SimEvent } from './event.js';
import type { Simulation } from './simulation.js';
import { TimeWeighted } from './stats/time-weighted.js';

interface Waiting {
  event: SimEvent<undefined>;
  amount: number;
}

export class Container {
  readonly capacity: number;
  readonly level: TimeWeighted;
  private readonly getters = new Deque<Waiting>();
  private readonly putters = new Deque<Waiting>();

  constructor(
    readonly sim: Simulation,
    options: { capacity?: number; init?: number; name?: string } = {},
    readonly name = options.name ?? 'container',
  ) {
    this.capacity = options.capacity ?? Infinity;
    const init = options.init ?? 0;
    if (!(this.capacity > 0)) throw new SimulationError(`${this.name}: capacity must be > 0, got ${describe(this.capacity)}`);
    if (!(init >= 0 && init <= this.capacity)) throw new SimulationError(`${this.name}: init must be in 0..capacity, got ${describe(init)}`);
    this.level = new TimeWeighted(sim, init);
  }

  get amount(): number {
    return this.level.level;
  }

  get(amount: number): SimEvent<undefined> {
    this.check(amount, 'get');
    const ev = new SimEvent<undefined>(this.sim);
    if (this.getters.length === 0 && this.level.level >= amount) {
      this.level.add(-amount);
      ev.state = PROCESSED;
      this.servePutters();
    } else {
      this.getters.push({ event: ev, amount });
    }
    return ev;
  }

  put(amount: number): SimEvent<undefined> {
    this.check(amount, 'put');
    const ev = new SimEvent<undefined>(this.sim);
    if (this.putters.length === 0 && this.level.level + amount <= this.capacity) {
      this.level.add(amount);
      ev.state = PROCESSED;
      this.serveGetters();
    } else {
      this.putters.push({ event: ev, amount });
    }
    return ev;
  }

  private serveGetters(): void {
    for (let g = this.getters.peek(); g !== undefined && this.level.level >= g.amount; g = this.getters.peek()) {
      this.getters.shift();
      this.level.add(-g.amount);
      g.event.succeed(undefined);
      this.servePutters();
    }
  }

  private servePutters(): void {
    for (let p = this.putters.peek(); p !== undefined && this.level.level + p.amount <= this.capacity; p = this.putters.peek()) {
      this.putters.shift();
      this.level.add(p.amount);
      p.event.succeed(undefined);
      this.serveGetters();
    }
  }

  private check(amount: number, op: string): void {
    if (!(amount > 0) || amount > this.capacity) {
      throw new SimulationError(`${this.name}: ${op}(${describe(amount)}) needs an amount in (0, capacity=${this.capacity}]`);
    }
  }
}
