// Events: the one thing a process can wait for. An event is pending, then triggered (its
// value or error fixed and the event placed on the agenda), then processed (its waiters
// resumed). Waiters are objects with `_resume`, not closures: the common case of one waiting
// process allocates nothing beyond the event itself.
import type { Scheduled } from './agenda.js';
import { SimulationError, describe } from './errors.js';
import type { Simulation } from './simulation.js';

export const PENDING = 0;
export const TRIGGERED = 1;
export const PROCESSED = 2;

/** Something that waits on events: a process or a condition. */
export interface Waiter {
  _resume(event: SimEvent<any>): void;
}

export class SimEvent<T = unknown> implements Scheduled {
  // Every class of the event family declares its name this way, and must: a static `name`
  // member stops esbuild's keepNames (tsx compiles with it) from redefining the name after
  // the class is built, which would put the constructor into V8's slow dictionary mode and
  // make `new` of a subclass and `instanceof` ten times slower (docs/engine.md, "Runners").
  // The notebook kernel's TypeScript (tslab's own 5.0) rejects every static `name` member
  // (TS2699; later versions accept it); nothing conflicts at run time, hence the ts-ignore.
  // @ts-ignore TS2699 in the notebook kernel's TypeScript
  static get name(): string {
    return 'SimEvent';
  }

  // Fields are declared and assigned in the constructor rather than initialised in place:
  // events are created by the million, and plain assignments construct several times faster
  // than class-field definitions in V8.
  declare readonly sim: Simulation;
  declare state: 0 | 1 | 2;
  /** False once the event failed; `value` then holds the error. */
  declare ok: boolean;
  declare value: T | undefined;
  /** A failed event whose error someone handled does not abort the run (set only then). */
  declare defused?: boolean;
  /** First waiter, apart from the rest so one waiter costs no array. @internal */
  declare _w0: Waiter | null;
  /** @internal */
  declare _ws: Waiter[] | null;

  constructor(sim: Simulation) {
    this.sim = sim;
    this.state = PENDING;
    this.ok = true;
    this.value = undefined;
    this._w0 = null;
    this._ws = null;
  }

  get triggered(): boolean {
    return this.state !== PENDING;
  }

  get processed(): boolean {
    return this.state === PROCESSED;
  }

  /** Triggers the event with a value; waiters resume at the current time, in order. */
  succeed(value?: T): this {
    if (this.state !== PENDING) throw new SimulationError(`${this.label()} has already been triggered`);
    this.value = value;
    this.state = TRIGGERED;
    this.sim._agenda.pushNow(this);
    return this;
  }

  /** Triggers the event with an error, which is thrown into every waiting process. */
  fail(error: Error): this {
    if (this.state !== PENDING) throw new SimulationError(`${this.label()} has already been triggered`);
    if (!(error instanceof Error)) throw new SimulationError(`fail() needs an Error, got ${describe(error)}`);
    this.ok = false;
    this.value = error as unknown as T;
    this.state = TRIGGERED;
    this.sim._agenda.pushNow(this);
    return this;
  }

  /** Calls `fn(event)` once the event is processed (or at once if it already is). */
  then(fn: (event: SimEvent<T>) => void): void {
    const w: Waiter = { _resume: fn as (e: SimEvent<any>) => void };
    if (this.state === PROCESSED) fn(this);
    else this._addWaiter(w);
  }

  _addWaiter(w: Waiter): void {
    if (this._w0 === null && this._ws === null) this._w0 = w;
    else if (this._ws === null) this._ws = [w];
    else this._ws.push(w);
  }

  _removeWaiter(w: Waiter): void {
    if (this._w0 === w) {
      this._w0 = null;
      return;
    }
    if (this._ws !== null) {
      const i = this._ws.indexOf(w);
      if (i >= 0) this._ws.splice(i, 1);
    }
  }

  _fire(): void {
    this.state = PROCESSED;
    const w0 = this._w0;
    const ws = this._ws;
    this._w0 = null;
    this._ws = null;
    if (w0 !== null) w0._resume(this);
    if (ws !== null) for (let i = 0; i < ws.length; i++) ws[i]._resume(this);
    if (!this.ok && this.defused !== true && w0 === null && ws === null) {
      // Nobody was there to handle the failure: like an uncaught exception, it ends the run.
      throw this.value;
    }
  }

  protected label(): string {
    return `event ${this.constructor.name}`;
  }
}

/** An event that triggers itself `delay` nanoseconds from now. */
export class Timeout<T = undefined> extends SimEvent<T> {
  // @ts-ignore TS2699 in the notebook kernel's TypeScript; why a name getter: see SimEvent.name
  static override get name(): string {
    return 'Timeout';
  }

  constructor(sim: Simulation, delay: number, value?: T) {
    super(sim);
    this.value = value;
    this.state = TRIGGERED;
    sim._agenda.push(sim._agenda.now + delay, this);
  }
}

/**
 * Waits for several events: all of them (AllOf) or the first (AnyOf). Its value maps each
 * processed event to its value, as SimPy's ConditionValue does, as a Map in event order.
 * A failing member fails the condition.
 */
export class Condition extends SimEvent<Map<SimEvent<any>, unknown>> implements Waiter {
  // @ts-ignore TS2699 in the notebook kernel's TypeScript; why a name getter: see SimEvent.name
  static override get name(): string {
    return 'Condition';
  }

  declare private remaining: number;
  declare private readonly events: readonly SimEvent<any>[];

  constructor(sim: Simulation, events: readonly SimEvent<any>[], needAll: boolean) {
    super(sim);
    this.events = events;
    for (const ev of events) {
      if (!(ev instanceof SimEvent)) throw new SimulationError(`${needAll ? 'allOf' : 'anyOf'}() got ${describe(ev)}, not an event`);
    }
    this.remaining = needAll ? events.length : Math.min(1, events.length);
    if (this.remaining === 0) {
      this.succeed(new Map());
      return;
    }
    for (const ev of events) {
      if (ev.state === PROCESSED) this._resume(ev);
      else ev._addWaiter(this);
      if (this.state !== PENDING) break;
    }
  }

  _resume(ev: SimEvent<any>): void {
    if (this.state !== PENDING) return;
    if (!ev.ok) {
      ev.defused = true;
      this.fail(ev.value as Error);
    } else if (--this.remaining === 0) {
      const values = new Map<SimEvent<any>, unknown>();
      for (const e of this.events) if (e.state === PROCESSED && e.ok) values.set(e, e.value);
      this.succeed(values);
    }
    if (this.state !== PENDING) for (const e of this.events) if (e.state !== PROCESSED) e._removeWaiter(this);
  }
}
