import { expect } from 'chai';
import { CpuSet, Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { RequestQueue } from '../../kernel-lib/block/request-queue.js';
import { FakeDriver } from './fake-driver.js';

function legacy(sim: Simulation, driver: FakeDriver, block: Record<string, unknown> = {}): RequestQueue {
  return new RequestQueue(sim, null, driver, parseBlockOptions({ queue: 'legacy', scheduler: 'noop', ...block }));
}

function submitAll(sim: Simulation, q: RequestQueue, bios: Bio[]): void {
  sim.process(function* (): ProcessGenerator<void> {
    for (const b of bios) yield* q.submit(b);
  });
}

describe('block/request-queue (legacy, 2.6)', () => {
  it('CFQ idles (slice_idle 8 ms) for the next read of a process with a short think time, holding async writes back', () => {
    const order = (sliceIdleMs: number) => {
      const sim = new Simulation();
      const cpus = new CpuSet(sim, { cores: 2 });
      const drv = new FakeDriver(sim, 1);
      const q = new RequestQueue(sim, cpus, drv, parseBlockOptions({ queue: 'legacy', scheduler: 'cfq', slice_idle_ms: sliceIdleMs }));
      const reader = cpus.thread('reader');
      reader.spawn(function* (): ProcessGenerator<void> {
        for (const sector of [0, 1000]) {
          const b = new Bio('read', sector, 8);
          b.thread = reader;
          yield* q.submit(b);
          yield b.wait(sim);
          yield sim.timeout(2e6); // 2 ms of think time before the next read
        }
      });
      const writer = cpus.thread('writer');
      writer.spawn(function* (): ProcessGenerator<void> {
        yield sim.timeout(10_000);
        const w = new Bio('write', 500_000, 8);
        w.thread = writer;
        yield* q.submit(w);
      });
      sim.run();
      return drv.seen.map((s) => `${s.op}@${(s.at / 1e6).toFixed(1)}`);
    };
    // Without idling the write goes as soon as the first read is done; with it, the disk
    // waits for the reader's second read, then the write waits out the 8 ms idle timer.
    expect(order(0)).to.deep.equal(['read@0.0', 'write@0.1', 'read@2.1']);
    const idle = order(8);
    expect(idle.slice(0, 2)).to.deep.equal(['read@0.0', 'read@2.1']);
    expect(idle[2]).to.match(/^write@10\.[12]$/);
  });

  it('merges eight sequential 4 KiB writes into one request, sent when the 3 ms unplug timer fires', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    const bios = Array.from({ length: 8 }, (_, i) => new Bio('write', 1000 + 8 * i, 8));
    submitAll(sim, q, bios);
    sim.run();
    expect(drv.seen).to.have.length(1);
    expect(drv.seen[0]).to.include({ sector: 1000, sectors: 64, bios: 8 });
    expect(drv.seen[0].at).to.equal(3e6);
    expect(q.diskStats().writeMerges).to.equal(7);
    expect(q.counters.unplugTimer).to.equal(1);
    for (const b of bios) expect(b.tComplete).to.equal(3e6 + drv.serviceNs + q.options.complete_cpu_ns);
  });

  it('front-merges a bio that ends where a queued request starts (deadline)', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv, { scheduler: 'deadline' });
    submitAll(sim, q, [new Bio('write', 1008, 8), new Bio('write', 1000, 8), new Bio('write', 1016, 8)]);
    sim.run();
    expect(drv.seen).to.have.length(1);
    expect(drv.seen[0]).to.include({ sector: 1000, sectors: 24, bios: 3 });
  });

  it('unplugs at unplug_thresh = 4 queued requests', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, [0, 100, 200, 300].map((s) => new Bio('write', s, 8)));
    sim.run();
    expect(drv.seen.map((s) => s.at)).to.deep.equal([0, 0, 0, 0]);
    expect(q.counters.unplugThreshold).to.equal(1);
  });

  it('a sync bio unplugs at once', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, [new Bio('read', 0, 8, REQ_SYNC)]);
    sim.run();
    expect(drv.seen[0].at).to.equal(0);
  });

  it('caps merged requests at max_sectors', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim);
    const q = legacy(sim, drv);
    submitAll(sim, q, Array.from({ length: 300 }, (_, i) => new Bio('write', 8 * i, 8)));
    sim.run();
    expect(drv.seen.map((s) => s.sectors)).to.deep.equal([1024, 1024, 352]);
  });

  it('the 129th submitter sleeps until a request is freed', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 1, 1e6);
    const q = legacy(sim, drv);
    const bios = Array.from({ length: 129 }, (_, i) => new Bio('write', 1000 * i, 8));
    for (const b of bios) sim.process(q.submit(b));
    sim.run({ until: 1 });
    expect(q.allocatedRequests(1)).to.equal(128);
    expect(q.counters.sleeps).to.equal(1);
    expect(bios[128].tInsert).to.be.NaN;
    sim.run();
    // It got the request freed by the first completion (1 ms of service + the softirq).
    expect(bios[128].tInsert).to.equal(1e6 + q.options.complete_cpu_ns);
    expect(bios.every((b) => b.status === null && b.tComplete > 0)).to.equal(true);
  });

  it('deadline dispatches in sorted batches starting at the oldest request; noop in FIFO order', () => {
    const order = (scheduler: string): number[] => {
      const sim = new Simulation();
      const drv = new FakeDriver(sim, 1);
      const q = legacy(sim, drv, { scheduler });
      submitAll(sim, q, [3000, 1000, 2000, 4000].map((s) => new Bio('write', s, 8)));
      sim.run();
      return drv.seen.map((s) => s.sector);
    };
    // deadline: the first batch starts at the FIFO head (3000) and continues upward (4000);
    // with nothing above, the next batch starts again at the oldest remaining (1000).
    expect(order('deadline')).to.deep.equal([3000, 4000, 1000, 2000]);
    expect(order('noop')).to.deep.equal([3000, 1000, 2000, 4000]);
  });

  it('cfq serves a sync read ahead of queued async writes', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 1);
    const q = legacy(sim, drv, { scheduler: 'cfq' });
    submitAll(sim, q, [...[100, 200, 300, 400].map((s) => new Bio('write', s, 8)), new Bio('read', 9000, 8, REQ_SYNC)]);
    sim.run();
    expect(drv.seen[1].sector).to.equal(9000);
  });
});
