// A resource with `capacity` identical slots (SimPy's Resource / PriorityResource): a
// process yields `request()`, gets a token, and hands it back with `release(token)`.
// Waiting requests are served FIFO, or by priority (lower first, FIFO among equals).
import { Deque } from './deque.js';
import { SimulationError, describe } from './errors.js';
import { PENDING, PROCESSED, SimEvent } from './event.js';
import { PriorityQueue } from './priority-queue.js';
import type { Simulation } from './simulation.js';
import { Tally } from './stats/tally.js';
import { TimeWeighted } from './stats/time-weighted.js';

export interface ResourceOptions {
  capacity?: number;
  name?: string;
  /** Serve waiting requests by priority instead of arrival order. */
  priority?: boolean;
}

/** A request for one slot; once granted it is the token to release. */
export class Request extends SimEvent<Request> {
  // @ts-ignore TS2699 in the notebook kernel's TypeScript; why a name getter: see SimEvent.name
  static override get name(): string {
    return 'Request';
  }

  declare readonly resource: Resource;
  declare readonly priority: number;
  declare requestedAt: number;
  declare grantedAt: number;
  declare released: boolean;

  constructor(resource: Resource, priority: number) {
    super(resource.sim);
    this.resource = resource;
    this.priority = priority;
    this.requestedAt = resource.sim.now;
    this.grantedAt = NaN;
    this.released = false;
  }
}

export class Resource {
  readonly capacity: number;
  readonly name: string;
  /** Slots in use, time-averaged: mean / capacity is the utilisation. */
  readonly busy: TimeWeighted;
  /** Waiting requests, time-averaged. */
  readonly queue: TimeWeighted;
  /** Time from request to grant (ns), granted requests only. */
  readonly waitTime = new Tally();
  /** Time from grant to release (ns). */
  readonly holdTime = new Tally();
  private users = 0;
  private readonly fifo: Deque<Request> | null;
  private readonly byPriority: PriorityQueue<Request> | null;

  constructor(
    readonly sim: Simulation,
    options: ResourceOptions = {},
  ) {
    const capacity = options.capacity ?? 1;
    this.name = options.name ?? 'resource';
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new SimulationError(`resource ${this.name}: capacity must be a positive integer, got ${describe(capacity)}`);
    }
    this.capacity = capacity;
    this.fifo = options.priority ? null : new Deque<Request>();
    this.byPriority = options.priority ? new PriorityQueue<Request>() : null;
    // The agenda is the clock: its `now` is a plain field, cheaper than the getter on sim.
    this.busy = new TimeWeighted(sim._agenda);
    this.queue = new TimeWeighted(sim._agenda);
  }

  /** Slots in use now. */
  get count(): number {
    return this.users;
  }

  /** Requests waiting now. */
  get queueLength(): number {
    return this.fifo !== null ? this.fifo.length : (this.byPriority as PriorityQueue<Request>).length;
  }

  /** Mean fraction of capacity in use since the start (or the last resetStats). */
  get utilization(): number {
    return this.busy.mean / this.capacity;
  }

  /**
   * Asks for a slot. A free slot is granted synchronously: the requester carries on in the
   * same instant without a trip through the agenda, as a kernel thread whose trylock
   * succeeds does. Otherwise the request waits its turn.
   */
  request(priority = 0): Request {
    const req = new Request(this, priority);
    if (this.users < this.capacity && this.queueLength === 0) {
      this.grant(req);
      req.value = req;
      req.state = PROCESSED;
    } else {
      if (this.fifo !== null) this.fifo.push(req);
      else (this.byPriority as PriorityQueue<Request>).push(priority, req);
      this.queue.set(this.queueLength);
    }
    return req;
  }

  /** Gives a slot back, or withdraws a request still waiting. */
  release(token: Request): void {
    if (!(token instanceof Request) || token.resource !== this) {
      throw new SimulationError(`${this.who()} released ${describe(token)}, which is not a request of resource ${this.name}`);
    }
    if (token.released) throw new SimulationError(`${this.who()} released a request of resource ${this.name} twice`);
    token.released = true;
    if (token.state === PENDING) {
      // Never granted: withdraw it from the queue.
      if (this.fifo !== null) this.fifo.remove(token);
      else (this.byPriority as PriorityQueue<Request>).remove(token);
      this.queue.set(this.queueLength);
      return;
    }
    this.holdTime.add(this.sim.now - token.grantedAt);
    this.users--;
    this.busy.set(this.users);
    const next = this.fifo !== null ? this.fifo.shift() : (this.byPriority as PriorityQueue<Request>).shift();
    if (next !== undefined) {
      this.queue.set(this.queueLength);
      this.grant(next);
      next.succeed(next);
    }
  }

  /** Starts the statistics afresh (e.g. after warm-up). */
  resetStats(): void {
    this.busy.reset();
    this.queue.reset();
    this.waitTime.reset();
    this.holdTime.reset();
  }

  private grant(req: Request): void {
    req.grantedAt = this.sim.now;
    this.waitTime.add(req.grantedAt - req.requestedAt);
    this.users++;
    this.busy.set(this.users);
  }

  private who(): string {
    return this.sim.activeProcess ? `process ${this.sim.activeProcess.name}` : 'the simulation';
  }
}
