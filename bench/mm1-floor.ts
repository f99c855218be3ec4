// The floor of the engine's design: bench/mm1-model.ts's M/M/1 (same customers, same random
// streams, so the same mean wait to the last digit) on a bare-bones engine of the same design
// - a process per customer as a generator, an event object per wait, on kernel-lib/sim's own
// agenda (a (time, sequence) heap plus a ring for "now") - with nothing else: no statistics,
// no checks, no CPU hook, no failure path. And, below that, the generators and event objects
// alone, without any agenda. What kernel-lib/sim costs above the bare engine is what work on
// its events, processes and resources could still win; what the bare engine costs above the
// generators alone is the agenda and the dispatch; the rest is V8's generators and allocation
// (docs/engine.md, "Speed").
//   node --import ./bin/register-ts.mjs bench/mm1-floor.ts [customers] [rounds]
// One JSON line: medians of the CPU seconds of each (process.cpuUsage, run in turn).
import { Agenda } from '../kernel-lib/sim/agenda.js';
import { RandomStream } from '../kernel-lib/sim/rng.js';
import { runMM1 } from './mm1-model.js';

class BareEvent {
  state = 0;
  value: unknown = undefined;
  waiter: BareProcess | null = null;
  _fire(): void {
    this.state = 2;
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w.step(this.value);
  }
}

class BareProcess extends BareEvent {
  constructor(
    readonly gen: Generator<BareEvent, void, unknown>,
    agenda: BareAgenda,
  ) {
    super();
    agenda.pushNow(this);
  }
  override _fire(): void {
    if (this.state === 0) this.step(undefined);
    else super._fire();
  }
  step(v: unknown): void {
    for (;;) {
      const r = this.gen.next(v);
      if (r.done === true) {
        this.state = 2;
        return;
      }
      const ev = r.value;
      if (ev.state === 2) {
        v = ev.value;
        continue;
      }
      ev.waiter = this;
      return;
    }
  }
}

/** kernel-lib/sim's own agenda (a heap plus a ring, nothing else), with a timeout factory. */
class BareAgenda extends Agenda {
  timeout(delay: number): BareEvent {
    const e = new BareEvent();
    e.state = 1;
    this.push(this.now + delay, e);
    return e;
  }
}

function cpuOf(fn: () => number): { cpu: number; out: number } {
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, out };
}

/** M/M/1 on the bare engine; returns the mean wait (µs). */
function bareMM1(customers: number, seed = 1): number {
  const agenda = new BareAgenda();
  const arrivals = new RandomStream(seed, 'arrivals');
  const service = new RandomStream(seed, 'service');
  const queue: BareEvent[] = [];
  let qHead = 0;
  let busy = 0;
  let waitSum = 0;
  let served = 0;
  function request(): BareEvent {
    const e = new BareEvent();
    e.value = e;
    if (busy < 1 && queue.length === qHead) {
      busy++;
      e.state = 2;
    } else queue.push(e);
    return e;
  }
  function release(): void {
    busy--;
    if (qHead < queue.length) {
      const e = queue[qHead];
      queue[qHead++] = undefined as unknown as BareEvent;
      busy++;
      e.state = 1;
      agenda.pushNow(e);
    }
  }
  function* customer(): Generator<BareEvent, void, unknown> {
    const arrived = agenda.now;
    yield request();
    waitSum += agenda.now - arrived;
    yield agenda.timeout(service.exponential(1 / 1000));
    release();
    served++;
  }
  new BareProcess(
    (function* source(): Generator<BareEvent, void, unknown> {
      for (let i = 0; i < customers; i++) {
        new BareProcess(customer(), agenda);
        yield agenda.timeout(arrivals.exponential(0.9 / 1000));
      }
    })(),
    agenda,
  );
  for (let x = agenda.pop(); x !== undefined; x = agenda.pop()) x._fire();
  return waitSum / served / 1000;
}

/** The generators and event objects of the model alone: no agenda, no queue. */
function generatorsOnly(customers: number): number {
  const rng = new RandomStream(1, 'arrivals');
  const clock = { now: 0 };
  let s = 0;
  function* customer(): Generator<BareEvent, void, unknown> {
    const arrived = clock.now;
    yield new BareEvent();
    s += clock.now - arrived;
    yield new BareEvent();
    s++;
  }
  function* source(): Generator<BareEvent, void, unknown> {
    for (let i = 0; i < customers; i++) {
      const g = customer();
      g.next();
      g.next();
      g.next();
      clock.now += rng.exponential(0.9 / 1000);
      yield new BareEvent();
    }
  }
  const src = source();
  while (src.next().done !== true);
  return s;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const rounds = Number(process.argv[3] ?? 5);
  const engine: number[] = [];
  const bare: number[] = [];
  const gens: number[] = [];
  let engineWait = NaN;
  let bareWait = NaN;
  for (let i = 0; i < rounds; i++) {
    const r = runMM1(n);
    engine.push(r.cpuSeconds);
    engineWait = r.meanWait;
    const b = cpuOf(() => bareMM1(n));
    bare.push(b.cpu);
    bareWait = b.out;
    gens.push(cpuOf(() => generatorsOnly(n)).cpu);
  }
  const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
  console.log(
    JSON.stringify({
      name: 'mm1.floor_cpu_s',
      customers: n,
      rounds,
      engine: median(engine),
      bare_engine: median(bare),
      generators_only: median(gens),
      engine_over_bare: Number((median(engine) / median(bare)).toFixed(4)),
      same_mean_wait: engineWait === bareWait,
    }),
  );
}
