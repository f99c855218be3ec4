import { expect } from 'chai';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC, createDevice, type NullBlk } from '../../../kernel-lib/block/index.js';
import { machine } from '../calibration.js';
import { runClosedLoop } from '../closed-loop.js';

describe('block/devices/null-blk', () => {
  it('has the module defaults (docs/references.md#null-blk-defaults)', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'nullb0', profile: 'null_blk' });
    const nb = dev.driver as NullBlk;
    expect(nb.params).to.include({ queue_mode: 2, irqmode: 1, completion_nsec: 10_000, submit_queues: 1, hw_queue_depth: 64 });
    expect(dev.sizeSectors).to.equal((250 * 2 ** 30) / 512);
    expect(nb.nrHwQueues).to.equal(1);
  });

  it('irqmode=2 completes after completion_nsec: QD1 latency = completion_nsec + software path', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'nullb0', profile: 'null_blk', overrides: { irqmode: 2, completion_nsec: 50_000 } });
    const r = runClosedLoop(sim, dev, null, { rw: 'randwrite', bs: 4096, iodepth: 1, runtimeNs: 0.1e9 });
    const o = dev.options;
    const nb = dev.driver as NullBlk;
    expect(r.meanLatNs).to.be.closeTo(50_000 + nb.irqCpuNs + o.complete_cpu_ns, 1);
  });

  it('irqmode=2 at full depth runs hw_queue_depth / completion_nsec I/Os per second', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'nullb0', profile: 'null_blk', overrides: { irqmode: 2 } });
    const r = runClosedLoop(sim, dev, null, { rw: 'randwrite', bs: 4096, iodepth: 64, runtimeNs: 0.02e9, rampNs: 0.001e9 });
    const perIo = 10_000 + (dev.driver as NullBlk).irqCpuNs + dev.options.complete_cpu_ns;
    expect(r.iops).to.be.closeTo(64 / (perIo / 1e9), (64 / (perIo / 1e9)) * 0.02);
  });

  it('with the defaults, latency is pure CPU cost and completion stays on the submitting CPU', () => {
    const { sim, cpus } = machine();
    const dev = createDevice(sim, cpus, { name: 'nullb0', profile: 'null_blk', overrides: { submit_queues: 2 } });
    const r = runClosedLoop(sim, dev, cpus, { rw: 'randwrite', bs: 4096, iodepth: 1, numjobs: 2, runtimeNs: 0.01e9 });
    expect(r.meanLatNs).to.be.below(20_000);
    // irqmode=1 completes on the submitting CPU; both CPUs submit and complete.
    expect(dev.completionsOnCpu[0]).to.be.above(0);
    expect(dev.completionsOnCpu[1]).to.be.above(0);
  });

  it('irqmode 0 and 1 on blk-mq complete inside queue_rq: the bio has ended when submit returns (irqmode 2 has not)', () => {
    // Pins a bug: irqmode=1 completions were deferred by the handler + softirq time, so a
    // kcopyd worker went idle before its read completed and needed a wakeup per phase.
    // blk_mq_complete_request calls mq_ops->complete directly when the completing CPU is the
    // submitting one (4.x-5.x __blk_mq_complete_request; >= 5.9 for multi-queue devices).
    for (const [irqmode, ended] of [[0, true], [1, true], [2, false]] as const) {
      const { sim, cpus } = machine();
      const dev = createDevice(sim, cpus, { name: 'nullb0', profile: 'null_blk', overrides: { irqmode, submit_queues: 2 } });
      const t = cpus.thread('fio', { pin: 1 });
      const bio = new Bio('write', 0, 8, REQ_SYNC);
      bio.thread = t;
      let endedAtReturn: boolean | null = null;
      t.spawn(function* (): ProcessGenerator<void> {
        yield* dev.submit(bio);
        endedAtReturn = bio.tComplete === bio.tComplete;
        yield bio.wait(sim);
      });
      sim.run();
      expect(endedAtReturn, `irqmode ${irqmode}`).to.equal(ended);
      expect(bio.completionCpu).to.equal(1);
    }
  });

  it('queue_mode=1 puts the legacy queue in front', () => {
    const sim = new Simulation();
    const dev = createDevice(sim, null, { name: 'nullb0', profile: 'null_blk', overrides: { queue_mode: 1 } });
    expect(dev.constructor.name).to.equal('RequestQueue');
  });
});
