// Queueing systems built with the engine the way a user would, plus the statistics the
// theory tests need: batch means with a Student-t confidence interval, so each test checks
// the theory against an interval computed from the run itself.
import { type Request, Resource, Simulation } from '../../../kernel-lib/sim/index.js';

export interface QueueRun {
  /** Mean wait in queue, and its 99% confidence half-width (batch means). */
  wq: number;
  wqHalfWidth: number;
  /** Time-average number waiting (from the resource's own statistics). */
  lq: number;
  /** Customers served per unit time. */
  throughput: number;
  utilization: number;
  served: number;
}

/** Two-sided 99% Student t quantiles for small degrees of freedom (batch counts). */
const T99: Record<number, number> = { 9: 3.25, 19: 2.861, 29: 2.756, 39: 2.708 };

export function batchMeansInterval(samples: Float64Array, batches: number): { mean: number; halfWidth: number } {
  const per = Math.floor(samples.length / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * per; i < (b + 1) * per; i++) s += samples[i];
    means.push(s / per);
  }
  const mean = means.reduce((a, b) => a + b, 0) / batches;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (batches - 1);
  const t = T99[batches - 1];
  if (t === undefined) throw new Error(`no t quantile for ${batches} batches`);
  return { mean, halfWidth: t * Math.sqrt(variance / batches) };
}

/**
 * M/M/c (or M/D/c with `deterministic`) with unit-free rates: time is in ns, the arrival
 * rate `lambda` and service rate `mu` are per 1000 ns. Waits are reported in units of 1000 ns.
 * The first 10% of customers are a warm-up and are not measured.
 */
export function runQueue(opts: { lambda: number; mu: number; c: number; customers: number; seed: number; deterministic?: boolean }): QueueRun {
  const { lambda, mu, c, customers, seed } = opts;
  const sim = new Simulation({ seed });
  const server = new Resource(sim, { capacity: c });
  const arrivals = sim.rng('arrivals');
  const service = sim.rng('service');
  const unit = 1000;
  const warm = Math.floor(customers / 10);
  const waits = new Float64Array(customers - warm);
  let served = 0;
  let warmEnd = 0;

  function* customer(i: number) {
    const arrived = sim.now;
    const token = (yield server.request()) as Request;
    if (i >= warm) waits[i - warm] = (sim.now - arrived) / unit;
    yield sim.timeout(opts.deterministic ? unit / mu : service.exponential(mu / unit));
    server.release(token);
    served++;
  }

  sim.process(function* source() {
    for (let i = 0; i < customers; i++) {
      if (i === warm) {
        server.resetStats();
        warmEnd = sim.now;
      }
      sim.process(customer(i));
      yield sim.timeout(arrivals.exponential(lambda / unit));
    }
  });
  sim.run();
  const ci = batchMeansInterval(waits, 20);
  return {
    wq: ci.mean,
    wqHalfWidth: ci.halfWidth,
    lq: server.queue.mean,
    throughput: (served - warm) / ((sim.now - warmEnd) / unit),
    utilization: server.utilization,
    served,
  };
}

/** Erlang C lives with the M/M/c model (the getting-started notebook's runner uses it too). */
export { erlangC } from '../../../kernel-lib/sim/mmc-queue.js';
