// The simulation environment: the clock, the agenda, and the factories for events and
// processes. Time is a number of nanoseconds.
import { Agenda, type Scheduled } from './agenda.js';
import { SimulationError, describe } from './errors.js';
import { Condition, PROCESSED, SimEvent, Timeout } from './event.js';
import { Process, type ProcessGenerator } from './process.js';
import { RandomStream } from './rng.js';

/** Latest representable time: beyond 2^53 ns (about 104 days) nanoseconds stop being exact. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** Called for every item the agenda fires, when tracing is on. */
export type TraceHook = (time: number, item: Scheduled) => void;

export interface SimulationOptions {
  /** Seed of every random stream of the run. */
  seed?: number | string;
  /** Optional hook called before each agenda item fires; costs nothing when absent. */
  trace?: TraceHook;
}

export class Simulation {
  readonly seed: number | string;
  /** @internal the agenda; models use the methods below. */
  readonly _agenda = new Agenda();
  /** The process whose generator is running, or null. */
  activeProcess: Process<any> | null = null;
  /** Agenda items fired so far. */
  eventsProcessed = 0;
  trace: TraceHook | undefined;
  private readonly streams = new Map<string, RandomStream>();

  constructor(options: SimulationOptions = {}) {
    this.seed = options.seed ?? 0;
    this.trace = options.trace;
  }

  /** Current simulated time in nanoseconds. */
  get now(): number {
    return this._agenda.now;
  }

  /** Starts a process from a generator function or a generator object. */
  process<R>(gen: ProcessGenerator<R> | (() => ProcessGenerator<R>), name?: string): Process<R> {
    let g: ProcessGenerator<R>;
    let label = name;
    if (typeof gen === 'function') {
      label ??= gen.name || 'anonymous';
      g = gen();
    } else {
      g = gen;
    }
    if (g === null || typeof g !== 'object' || typeof (g as ProcessGenerator<R>).next !== 'function') {
      throw new SimulationError(`process(${label ?? ''}) needs a generator or generator function, got ${describe(g)}`);
    }
    return new Process(this, g, label ?? 'anonymous');
  }

  /** An event that triggers `delay` ns from now. */
  timeout<T = undefined>(delay: number, value?: T): Timeout<T> {
    const at = this._agenda.now + delay;
    if (!(delay >= 0) || !(at <= MAX_TIME)) this.badDelay(delay);
    return new Timeout(this, delay, value);
  }

  /** A plain event, triggered by `succeed()` or `fail()`. */
  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  allOf(events: readonly SimEvent<any>[]): Condition {
    return new Condition(this, events, true);
  }

  anyOf(events: readonly SimEvent<any>[]): Condition {
    return new Condition(this, events, false);
  }

  /** Schedules a callback-free item at an absolute time (used by models' timers). */
  schedule(item: Scheduled, delay: number): void {
    const at = this._agenda.now + delay;
    if (!(delay >= 0) || !(at <= MAX_TIME)) this.badDelay(delay);
    this._agenda.push(at, item);
  }

  /** The named random stream of this run (one per name, created on first use). */
  rng(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RandomStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }

  /**
   * Runs until nothing is left, until a time (events at exactly that time do not run; the
   * clock stops there), or until an event has been processed (returns its value).
   */
  run(options: { until?: number | SimEvent<any> } = {}): unknown {
    const until = options.until;
    if (until instanceof SimEvent) {
      if (until.state !== PROCESSED) this.loop(Infinity, until);
      if (until.state !== PROCESSED) {
        throw new SimulationError(`run(until=${describe(until)}): nothing left to run and the event never happened`);
      }
      if (!until.ok) throw until.value;
      return until.value;
    }
    const limit = until ?? Infinity;
    if (typeof limit !== 'number' || Number.isNaN(limit) || limit < this.now) {
      throw new SimulationError(`run(until=${describe(limit)}): must be a time not before now (${this.now} ns)`);
    }
    this.loop(limit, null);
    if (limit !== Infinity) this._agenda.now = limit;
    return undefined;
  }

  /**
   * The event loop: fires items due before `limit`, stopping early once `stop` is processed.
   * Two copies so that an absent trace hook costs nothing.
   */
  private loop(limit: number, stop: SimEvent<any> | null): void {
    const agenda = this._agenda;
    let n = 0;
    try {
      if (this.trace === undefined) {
        for (let item = agenda.popBefore(limit); item !== undefined; item = agenda.popBefore(limit)) {
          n++;
          item._fire();
          if (stop !== null && stop.state === PROCESSED) break;
        }
      } else {
        const trace = this.trace;
        for (let item = agenda.popBefore(limit); item !== undefined; item = agenda.popBefore(limit)) {
          n++;
          trace(agenda.now, item);
          item._fire();
          if (stop !== null && stop.state === PROCESSED) break;
        }
      }
    } finally {
      this.eventsProcessed += n;
    }
  }

  private badDelay(delay: number): never {
    const who = this.activeProcess ? `process ${this.activeProcess.name}` : 'the simulation';
    if (!(delay >= 0)) throw new SimulationError(`${who}: delay must be a non-negative number of ns, got ${describe(delay)}`);
    throw new SimulationError(
      `${who}: delay ${delay} ns from now (${this.now} ns) lies beyond the representable time range (${MAX_TIME} ns, about 104 days)`,
    );
  }
}
