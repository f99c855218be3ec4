// The floor of the engine's design: bench/mm1-model.ts's M/M/1 (same customers, same random
// streams, so the same mean wait to the last digit) on a bare-bones engine of the same design
// - a process per customer as a generator, an event object per wait, a (time, sequence) heap
// plus a ring for "now" - with nothing else: no statistics, no checks, no CPU hook, no
// failure path. And, below that, the generators and event objects alone, without any agenda.
// What kernel-lib/sim costs above the bare engine is what engine work could still win; what
// the bare engine costs above the generators alone is the agenda; the rest is V8's generators
// and allocation (docs/engine.md, "Speed").
//   node --import ./bin/register-ts.mjs bench/mm1-floor.ts [customers] [rounds]
// One JSON line: medians of the CPU seconds of each (process.cpuUsage, run in turn).
import { RandomStream } from '../kernel-lib/sim/rng.js';
import { runMM1 } from './mm1-model.js';

class BareEvent {
  state = 0;
  value: unknown = undefined;
  waiter: BareProcess | null = null;
  fire(): void {
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
  override fire(): void {
    if (this.state === 0) this.step(undefined);
    else super.fire();
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

class BareAgenda {
  now = 0;
  private seq = 0;
  private readonly times = new Float64Array(4096);
  private readonly seqs = new Float64Array(4096);
  private readonly items: (BareEvent | undefined)[] = new Array(4096);
  private n = 0;
  private readonly ring: (BareEvent | undefined)[] = new Array(4096);
  private head = 0;
  private tail = 0;

  pushNow(x: BareEvent): void {
    this.ring[this.tail++ & 4095] = x;
    this.seq++;
  }

  timeout(delay: number): BareEvent {
    const e = new BareEvent();
    e.state = 1;
    const time = this.now + delay;
    const { times, seqs, items } = this;
    const q = this.seq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] < time || (times[p] === time && seqs[p] < q)) break;
      times[i] = times[p];
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = q;
    items[i] = e;
    return e;
  }

  pop(): BareEvent | undefined {
    if (this.n > 0 && this.times[0] <= this.now) return this.popHeap();
    if (this.tail !== this.head) {
      const i = this.head++ & 4095;
      const x = this.ring[i];
      this.ring[i] = undefined;
      return x;
    }
    if (this.n === 0) return undefined;
    this.now = this.times[0];
    return this.popHeap();
  }

  private popHeap(): BareEvent {
    const { times, seqs, items } = this;
    const top = items[0] as BareEvent;
    const n = --this.n;
    const lt = times[n];
    const ls = seqs[n];
    const li = items[n];
    items[n] = undefined;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) m = r;
        if (times[m] > lt || (times[m] === lt && seqs[m] > ls)) break;
        times[i] = times[m];
        seqs[i] = seqs[m];
        items[i] = items[m];
        i = m;
      }
      times[i] = lt;
      seqs[i] = ls;
      items[i] = li;
    }
    return top;
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
  for (let x = agenda.pop(); x !== undefined; x = agenda.pop()) x.fire();
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
