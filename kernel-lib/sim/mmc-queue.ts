// The M/M/c queue: customers arrive as a Poisson process, each holds one of c identical
// servers for an exponential service time, first come first served. It is the one system
// whose mean wait is known in closed form (Erlang C), so studies check the engine against it
// (notebooks/getting-started.ipynb). `mmcPoint` is the same model as a sweep runner, so its
// runs are cached like any other sweep point and a second report does not run them again.
import { Resource } from './resource.js';
import { Simulation } from './simulation.js';

export interface MmcParams {
  servers: number;
  /** Utilisation: arrival rate / (servers x service rate), below 1. */
  rho: number;
  /** Mean service time. */
  serviceTimeNs: number;
  /** Customers that arrive in the run (all are served and measured). */
  customers: number;
}

/** Mean wait in the queue (ns) of one simulated run, from the resource's own statistics. */
export function simulateMmcWait(p: MmcParams, seed: number): number {
  const sim = new Simulation({ seed });
  const bank = new Resource(sim, { capacity: p.servers, name: 'servers' });
  const serviceRate = 1 / p.serviceTimeNs;
  const arrivalRate = p.rho * p.servers * serviceRate;
  const arrivals = sim.rng('arrivals');
  const service = sim.rng('service');
  sim.process(function* source() {
    for (let i = 0; i < p.customers; i++) {
      yield sim.timeout(arrivals.exponential(arrivalRate));
      sim.process(function* customer() {
        const token = bank.request();
        yield token;
        yield sim.timeout(service.exponential(serviceRate));
        bank.release(token);
      });
    }
  });
  sim.run();
  return bank.waitTime.mean;
}

/** Erlang C: the probability that an arrival waits, for c servers and offered load a = lambda/mu. */
export function erlangC(servers: number, load: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < servers; k++) {
    term *= load / k;
    sum += term;
  }
  const last = (term * load) / servers; // a^c / c!
  const top = last / (1 - load / servers);
  return top / (sum + top);
}

/** Mean wait in the queue (ns) from theory: P(wait) / (c mu - lambda). */
export function mmcTheoryWait(p: Pick<MmcParams, 'servers' | 'rho' | 'serviceTimeNs'>): number {
  const serviceRate = 1 / p.serviceTimeNs;
  const load = p.rho * p.servers;
  return erlangC(p.servers, load) / (p.servers * serviceRate * (1 - p.rho));
}

/**
 * Sweep runner: one simulated run against theory, waits in µs.
 *   sweep({ runner: { module: 'kernel-lib/sim/mmc-queue.ts', export: 'mmcPoint' },
 *           params: { serviceTimeNs: 1e6, customers: 1e5 }, grid: { servers: [1, 2], rho: [0.5, 0.9] } })
 */
export function mmcPoint(params: Record<string, unknown>, seed: number): { simulated_us: number; theory_us: number; error_pct: number } {
  const p = mmcParams(params);
  const simulated = simulateMmcWait(p, seed) / 1000;
  const theory = mmcTheoryWait(p) / 1000;
  return { simulated_us: simulated, theory_us: theory, error_pct: (100 * (simulated - theory)) / theory };
}

function mmcParams(params: Record<string, unknown>): MmcParams {
  const get = (name: keyof MmcParams, ok: (v: number) => boolean, what: string): number => {
    const v = params[name];
    if (typeof v !== 'number' || !ok(v)) throw new TypeError(`mmcPoint: '${name}' must be ${what}, got ${JSON.stringify(v)}`);
    return v;
  };
  const unknown = Object.keys(params).filter((k) => !['servers', 'rho', 'serviceTimeNs', 'customers'].includes(k));
  if (unknown.length > 0) throw new TypeError(`mmcPoint: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known: servers, rho, serviceTimeNs, customers)`);
  return {
    servers: get('servers', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
    rho: get('rho', (v) => v > 0 && v < 1, 'a utilisation between 0 and 1 (exclusive)'),
    serviceTimeNs: get('serviceTimeNs', (v) => v > 0 && Number.isFinite(v), 'a positive number of ns'),
    customers: get('customers', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
  };
}
