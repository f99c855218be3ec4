import { expect } from 'chai';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { FakeDriver } from './fake-driver.js';
import { mq } from './queues.js';

describe('block/blk-core', () => {
describe('completion CPU (rq_affinity)', () => {
  const completionCpu = (block: Record<string, unknown>): { cpu: number; irqOnSubmitter: number } => {
    const sim = new Simulation();
    const cpus = new CpuSet(sim, { cores: 2 });
    const drv = new FakeDriver(sim); // one hardware queue: its interrupt lands on CPU 0
    const q = mq(sim, cpus, drv, block);
    const t = cpus.thread('fio', { pin: 1 });
    const bio = new Bio('write', 0, 8, REQ_SYNC);
    bio.thread = t;
    t.spawn(function* (): ProcessGenerator<void> {
      yield* q.submit(bio);
      yield bio.wait(sim);
    });
    sim.run();
    expect(bio.cpu).to.equal(1);
    return { cpu: bio.completionCpu, irqOnSubmitter: cpus.cores[1].irqNs };
  };

  it('rq_affinity=2 always completes on the submitting CPU, by IPI', () => {
    const r = completionCpu({ rq_affinity: 2 });
    expect(r.cpu).to.equal(1);
    const o = parseBlockOptions({});
    expect(r.irqOnSubmitter).to.equal(o.ipi_cpu_ns + o.complete_cpu_ns);
  });

  it('rq_affinity=1 sends the IPI only when the CPUs do not share a cache', () => {
    expect(completionCpu({ rq_affinity: 1, cpus_share_cache: false }).cpu).to.equal(1);
    expect(completionCpu({ rq_affinity: 1, cpus_share_cache: true }).cpu).to.equal(0);
  });

  it('rq_affinity=0 completes where the interrupt landed', () => {
    const r = completionCpu({ rq_affinity: 0 });
    expect(r.cpu).to.equal(0);
    expect(r.irqOnSubmitter).to.equal(0);
  });
});
});
