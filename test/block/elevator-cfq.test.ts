import { expect } from 'chai';
import { CpuSet, Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC } from '../../kernel-lib/block/bio.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { RequestQueue } from '../../kernel-lib/block/request-queue.js';
import { FakeDriver } from './fake-driver.js';
import { legacy, submitAll } from './queues.js';

describe('block/elevator-cfq', () => {
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

  it('cfq serves a sync read ahead of queued async writes', () => {
    const sim = new Simulation();
    const drv = new FakeDriver(sim, 1);
    const q = legacy(sim, drv, { scheduler: 'cfq' });
    submitAll(sim, q, [...[100, 200, 300, 400].map((s) => new Bio('write', s, 8)), new Bio('read', 9000, 8, REQ_SYNC)]);
    sim.run();
    expect(drv.seen[1].sector).to.equal(9000);
  });
});
