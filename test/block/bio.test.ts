import { expect } from 'chai';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_FUA, REQ_SYNC } from '../../kernel-lib/block/bio.js';

describe('block/bio', () => {
  it('counts 512-byte sectors and knows its end, direction and flags', () => {
    const b = new Bio('write', 100, 8, REQ_SYNC);
    expect([b.bytes, b.end, b.isWrite]).to.deep.equal([4096, 108, true]);
    expect(b.hasFlag(REQ_SYNC)).to.equal(true);
    expect(b.hasFlag(REQ_FUA)).to.equal(false);
    expect(new Bio('discard', 0, 8).isWrite).to.equal(true);
    expect(new Bio('read', 0, 8).isWrite).to.equal(false);
  });

  it('endio runs bi_end_io once with the status and wakes a waiter, even one that came late', () => {
    const sim = new Simulation();
    const b = new Bio('read', 0, 8);
    const ended: (string | null)[] = [];
    b.endIo = (x) => ended.push(x.status);
    let wokenAt = -1;
    sim.process(function* () {
      yield b.wait(sim);
      wokenAt = sim.now;
    });
    sim.process(function* () {
      yield sim.timeout(7);
      b.endio(sim, 'EIO');
    });
    sim.run();
    expect(ended).to.deep.equal(['EIO']);
    expect([wokenAt, b.tComplete]).to.deep.equal([7, 7]);
    expect(() => b.endio(sim)).to.throw(/completed twice/);
    let late = -1;
    sim.process(function* () {
      yield b.wait(sim);
      late = sim.now;
    });
    sim.run();
    expect(late).to.equal(7);
  });
});
