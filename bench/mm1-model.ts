// The M/M/1 model, written exactly as a user writes it: each customer is a process that requests a
// capacity-1 Resource, waits an exponential service time, and releases. Rates are per
// microsecond of simulated time (lambda 0.9, mu 1), times in ns. No import.meta here: the
// notebook path (bench/mm1-kernel.ts) compiles this file to CommonJS.
import { type Request, Resource, Simulation } from '../kernel-lib/sim/index.js';

export interface MM1Result {
  customers: number;
  meanWait: number;
  wallSeconds: number;
  customersPerSecond: number;
  /** CPU time of the whole process during the run (user + system, GC threads included). */
  cpuSeconds: number;
  /** Customers per CPU second: steadier than the wall-clock rate on a shared machine. */
  customersPerCpuSecond: number;
}

export function runMM1(customers: number, seed = 1): MM1Result {
  const sim = new Simulation({ seed });
  const server = new Resource(sim, { capacity: 1 });
  const arrivals = sim.rng('arrivals');
  const service = sim.rng('service');
  const lambda = 0.9 / 1000; // per ns
  const mu = 1 / 1000;
  let served = 0;
  let waitSum = 0;

  function* customer() {
    const arrived = sim.now;
    const token = (yield server.request()) as Request;
    waitSum += sim.now - arrived;
    yield sim.timeout(service.exponential(mu));
    server.release(token);
    served++;
  }

  sim.process(function* source() {
    for (let i = 0; i < customers; i++) {
      sim.process(customer());
      yield sim.timeout(arrivals.exponential(lambda));
    }
  });

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  sim.run();
  const c1 = process.cpuUsage(c0);
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (c1.user + c1.system) / 1e6;
  return {
    customers: served,
    meanWait: waitSum / served / 1000,
    wallSeconds,
    customersPerSecond: served / wallSeconds,
    cpuSeconds,
    customersPerCpuSecond: served / cpuSeconds,
  };
}
