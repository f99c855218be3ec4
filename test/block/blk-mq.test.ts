import { expect } from 'chai';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { BlkMq } from '../../kernel-lib/block/blk-mq.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { blkFinishPlug, blkStartPlug } from '../../kernel-lib/block/plug.js';
import { FakeDriver } from './fake-driver.js';

function mq(sim: Simulation, cpus: CpuSet | null, driver: FakeDriver, block: Record<string, unknown> = {}): BlkMq {
  return new BlkMq(sim, cpus, driver, parseBlockOptions({ queue: 'mq', scheduler: 'none', ...block }));
}

describe('block/blk-mq', () => {
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

  it('without a scheduler, a submitter that finds no driver tag sleeps', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 4, 1e6);
    const q = mq(sim, null, drv);
    const bios = Array.from({ length: 5 }, (_, i) => new Bio('write', 1000 * i, 8, REQ_SYNC));
    for (const b of bios) sim.process(q.submit(b));
    sim.run();
    expect(drv.maxInFlight).to.equal(4);
    expect(q.counters.tagSleeps).to.equal(1);
    expect(drv.seen[4].at).to.equal(1e6 + q.options.complete_cpu_ns);
  });

  it('with a scheduler, nr_requests = 2 x min(queue_depth, 128) scheduler tags', () => {
    const sim = new Simulation();
    const small = mq(sim, null, new FakeDriver(sim, 64), { scheduler: 'mq-deadline' });
    const big = mq(sim, null, new FakeDriver(sim, 1024), { scheduler: 'mq-deadline' });
    const none = mq(sim, null, new FakeDriver(sim, 64));
    expect(small.hctxs[0].schedTags?.depth).to.equal(128);
    expect(big.hctxs[0].schedTags?.depth).to.equal(256);
    expect(none.hctxs[0].schedTags).to.equal(null);
  });

  it('the default scheduler is mq-deadline for one hardware queue, none for several', () => {
    const sim = new Simulation();
    expect(new BlkMq(sim, null, new FakeDriver(sim, 64, 1, 1), parseBlockOptions({})).scheduler).to.equal('mq-deadline');
    expect(new BlkMq(sim, null, new FakeDriver(sim, 64, 1, 4), parseBlockOptions({})).scheduler).to.equal('none');
  });

  describe('per-task plug', () => {
    const plugged = (bios: Bio[], atSubmit?: (i: number, seen: number) => void): FakeDriver => {
      const sim = new Simulation();
      const cpus = new CpuSet(sim, { cores: 1 });
      const drv = new FakeDriver(sim, 64);
      const q = mq(sim, cpus, drv);
      const t = cpus.thread('writer');
      t.spawn(function* (): ProcessGenerator<void> {
        blkStartPlug(t);
        for (let i = 0; i < bios.length; i++) {
          bios[i].thread = t;
          atSubmit?.(i, drv.seen.length);
          yield* q.submit(bios[i]);
        }
        blkFinishPlug(t);
      });
      sim.run();
      return drv;
    };

    it('merges eight sequential 4 KiB writes into one request', () => {
      const drv = plugged(Array.from({ length: 8 }, (_, i) => new Bio('write', 8 * i, 8)));
      expect(drv.seen).to.have.length(1);
      expect(drv.seen[0]).to.include({ sector: 0, sectors: 64, bios: 8 });
    });

    it('flushes at 32 requests', () => {
      const seenAt: number[] = [];
      plugged(
        Array.from({ length: 40 }, (_, i) => new Bio('write', 1000 * i, 8)),
        (i, seen) => (seenAt[i] = seen),
      );
      expect(seenAt[32]).to.equal(0); // the 33rd submission finds the plug full and flushes it
      expect(seenAt[33]).to.equal(32);
    });

    it('flushes once its last request reached 128 KiB', () => {
      const seenAt: number[] = [];
      plugged([new Bio('write', 0, 256), new Bio('write', 10_000, 8), new Bio('write', 20_000, 8)], (i, seen) => (seenAt[i] = seen));
      expect(seenAt).to.deep.equal([0, 0, 1]);
    });
  });
});
