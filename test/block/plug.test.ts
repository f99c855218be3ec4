import { expect } from 'chai';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { Bio } from '../../kernel-lib/block/bio.js';
import { blkFinishPlug, blkStartPlug } from '../../kernel-lib/block/plug.js';
import { FakeDriver } from './fake-driver.js';
import { mq } from './queues.js';

describe('block/plug', () => {
  describe('per-task plug (blk-mq)', () => {
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
