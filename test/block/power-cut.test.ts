// The volatile write cache of block/power-cut.ts against the rules of REQ_PREFLUSH and FUA:
// a flush makes durable what completed before it was issued, a FUA write is durable when it
// completes, a drive without a cache makes every completed write durable, and at a cut the
// cached writes survive as the destage draw says.
import { expect } from 'chai';
import { Bio, REQ_FUA, REQ_PREFLUSH } from '../../kernel-lib/block/bio.js';
import { PowerCut } from '../../kernel-lib/block/power-cut.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from '../dm/fake-device.js';

const US = 1_000;

function setup(destage = 0) {
  const sim = new Simulation({ seed: 1 });
  const pc = new PowerCut(sim, destage);
  const dev = pc.wrap(new FakeDevice(sim, 'sda', 1 << 20, 10 * US));
  const write = (block: number, fp: number, flags = 0) => {
    const b = new Bio('write', block * 8, 8, flags);
    b.payload = { fingerprint: fp, blocks: 'same', compressPercentage: 0 };
    return b;
  };
  const io = function* (b: Bio): ProcessGenerator<void> {
    const done = b.wait(sim);
    yield* dev.submit(b);
    yield done;
  };
  return { sim, pc, dev, write, io };
}

describe('block/power-cut', () => {
  it('a completed write is durable only after a flush issued after its completion', () => {
    const { sim, dev, write, io } = setup();
    sim.process(function* () {
      yield* io(write(1, 100));
      expect(dev.durableToken(8)).to.equal(undefined);
      // A flush issued while a later write is in flight covers only the earlier one.
      const late = write(2, 200);
      const lateDone = late.wait(sim);
      yield* dev.submit(late);
      yield* io(new Bio('flush', 0, 0, REQ_PREFLUSH));
      yield lateDone;
      expect(dev.durableToken(8)).to.equal(100);
      expect(dev.durableToken(16)).to.equal(undefined);
      yield* io(new Bio('flush', 0, 0));
      expect(dev.durableToken(16)).to.equal(200);
    });
    sim.run();
  });

  it('FUA is durable at completion and is not overwritten by an older cached write flushed later', () => {
    const { sim, dev, write, io } = setup();
    sim.process(function* () {
      yield* io(write(3, 300));
      yield* io(write(3, 301, REQ_FUA));
      expect(dev.durableToken(24)).to.equal(301);
      yield* io(new Bio('flush', 0, 0));
      expect(dev.durableToken(24)).to.equal(301);
    });
    sim.run();
  });

  it('a write with REQ_PREFLUSH|REQ_FUA makes what came before durable, and itself', () => {
    const { sim, dev, write, io } = setup();
    sim.process(function* () {
      yield* io(write(4, 400));
      yield* io(write(5, 500, REQ_PREFLUSH | REQ_FUA));
      expect(dev.durableToken(32)).to.equal(400);
      expect(dev.durableToken(40)).to.equal(500);
    });
    sim.run();
  });

  it('a cut loses cached and in-flight writes (destage probability 0), keeps them all at 1; a probe changes nothing', () => {
    for (const p of [0, 1]) {
      const { sim, pc, dev, write, io } = setup(p);
      sim.process(function* () {
        yield* io(write(6, 600));
        yield* io(write(7, 700));
        yield* dev.submit(write(8, 800)); // still in flight at the cut
      });
      sim.run({ until: 25 * US });
      const probed = pc.probe((l) => ({ loss: l[0], token: dev.durableToken(48) }));
      expect(probed.loss.cachedWrites).to.equal(2);
      expect(probed.loss.lostWrites).to.equal(p === 0 ? 2 : 0);
      expect(probed.loss.inFlightWrites).to.equal(1);
      expect(probed.token).to.equal(p === 0 ? undefined : 600);
      expect(dev.durableToken(48)).to.equal(undefined); // the probe is over
      const [loss] = pc.cut();
      expect(loss.lostWrites).to.equal(p === 0 ? 2 : 0);
      sim.run();
      expect(dev.durableToken(64)).to.equal(undefined); // completed after the cut: never on the media
    }
  });

  it('a drive without a volatile cache makes every completed write durable', () => {
    const sim = new Simulation({ seed: 1 });
    const pc = new PowerCut(sim, 0);
    const fake = new FakeDevice(sim, 'sdb', 1 << 20, 10 * US);
    const dev = pc.wrap(Object.assign(fake, { driver: { volatileWriteCache: false } }));
    sim.process(function* () {
      const b = new Bio('write', 80, 8);
      const done = b.wait(sim);
      yield* dev.submit(b);
      yield done;
    });
    sim.run();
    expect(dev.durableToken(80)).to.be.a('number'); // a unique token (no payload)
    expect(pc.cut()[0].lostWrites).to.equal(0);
  });

  it('completedSeq / reached: a recorded write counts as on the media when it or a later write to its block is, at a cut as after a flush', () => {
    const { sim, pc, dev, write, io } = setup(1); // at the cut every cached write has been destaged
    sim.process(function* () {
      yield* io(write(5, 500));
      const first = dev.completedSeq(40);
      expect(first).to.be.greaterThan(0);
      expect(dev.reached(40, first)).to.equal(false);
      yield* io(write(5, 501));
      const second = dev.completedSeq(40);
      expect(second).to.be.greaterThan(first);
      yield* io(new Bio('flush', 0, 0));
      expect(dev.reached(40, first)).to.equal(true); // a later write is there
      expect(dev.durableSeqAt(40)).to.equal(second);
      yield* io(write(5, 502));
      const third = dev.completedSeq(40);
      expect(dev.reached(40, third)).to.equal(false);
      pc.probe(() => expect(dev.reached(40, third)).to.equal(true)); // destaged at the cut (p = 1)
      expect(dev.reached(40, third)).to.equal(false); // the probe is undone
      expect(dev.completedSeq(48)).to.equal(0); // never written
    });
    sim.run();
  });
});
