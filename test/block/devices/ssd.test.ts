import { expect } from 'chai';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC, createDevice, type Ssd } from '../../../kernel-lib/block/index.js';

describe('block/devices/ssd', () => {
  it('derives GC write amplification from over-provisioning, only when preconditioned', () => {
    const sim = new Simulation();
    const ssd = createDevice(sim, null, { name: 's', profile: 'ssd-sata-2019' }).driver as Ssd;
    const op = 549.8 / 375 - 1;
    expect(ssd.writeAmplification).to.be.closeTo((1 + op) / (2 * op), 1e-12);
    const fresh = createDevice(sim, null, { name: 'n', profile: 'nvme-gen4' }).driver as Ssd;
    expect(fresh.writeAmplification).to.equal(1);
  });

  it('a flush waits for the write buffer to drain, then the flush latency', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 's', profile: 'ssd-sata-2019', block: { scheduler: 'none' } });
    const p = (dev.driver as Ssd).params;
    const write = new Bio('write', 0, 2048 * 8, REQ_SYNC); // 8 MiB, sequential from 0
    const flush = new Bio('flush', 0, 0, REQ_SYNC);
    sim.process(function* (): ProcessGenerator<void> {
      yield* dev.submit(write);
      yield write.wait(sim);
      yield* dev.submit(flush);
      yield flush.wait(sim);
    });
    sim.run();
    // The program bandwidth: dies x unit / tPROG (bytes per ns).
    const rate = (p.channels * p.dies_per_channel * p.program_unit_bytes) / p.program_ns;
    const drained = (8 * 2 ** 20) / rate;
    expect(flush.tComplete).to.be.at.least(drained + p.flush_ns);
    expect(write.tComplete).to.be.below(drained); // acknowledged from the buffer, earlier
  });
});
