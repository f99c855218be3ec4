import { expect } from 'chai';
import { dmIo } from '../../kernel-lib/dm/dm-io.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from './fake-device.js';

describe('dm/dm-io', () => {
  it('completes once, after the slowest region, cutting regions at maxSectors', () => {
    const sim = new Simulation();
    const fast = new FakeDevice(sim, 'fast', 1 << 20, 1_000);
    const slow = new FakeDevice(sim, 'slow', 1 << 20, 50_000);
    let notified: string | null | undefined;
    let doneAt = NaN;
    sim.process(function* () {
      const done = yield* dmIo(sim, {
        op: 'write',
        regions: [
          { dev: fast, sector: 0, count: 300 },
          { dev: slow, sector: 64, count: 16 },
        ],
        maxSectors: 128,
        notify: (e) => (notified = e),
      });
      const err = yield done;
      expect(err).to.equal(null);
      doneAt = sim.now;
    });
    sim.run();
    expect(fast.seen.map((s) => [s.sector, s.sectors])).to.deep.equal([[0, 128], [128, 128], [256, 44]]);
    expect(slow.seen.map((s) => [s.sector, s.sectors])).to.deep.equal([[64, 16]]);
    expect(notified).to.equal(null);
    expect(doneAt).to.equal(50_000);
  });

  it('reports the first error of any bio', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'd', 100, 1_000);
    let err: unknown;
    sim.process(function* () {
      const done = yield* dmIo(sim, { op: 'read', regions: [{ dev, sector: 0, count: 8 }, { dev, sector: 96, count: 8 }] });
      err = yield done;
    });
    // The fake device does not check bounds: emulate a failing device by failing the second bio.
    const orig = dev.submit.bind(dev);
    dev.submit = function* (bio) {
      if (bio.sector === 96) {
        bio.endio(sim, 'EIO');
        return;
      }
      yield* orig(bio);
    };
    sim.run();
    expect(err).to.equal('EIO');
  });
});
