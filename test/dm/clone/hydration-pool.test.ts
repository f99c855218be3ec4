import { expect } from 'chai';
import { MIN_HYDRATIONS } from '../../../kernel-lib/dm/clone/hydration-pool.js';
import { dataOps, io, REGION, setup } from './helpers.js';

/** 300 writers at once, each to its own unhydrated region: 300 hydrations wanted together. */
function run(memoryPressure: boolean) {
  const s = setup({ params: { 'clone.memoryPressure': memoryPressure } });
  const statuses: (string | null)[] = [];
  let maxHashed = 0;
  s.sim.process(function* () {
    yield s.target.ready;
    for (let r = 0; r < 300; r++) {
      s.sim.process(function* () {
        statuses.push((yield* io(s.sim, s.dev, 'write', r * REGION + 8, 8)).status);
      });
    }
    while (statuses.length < 300) {
      maxHashed = Math.max(maxHashed, s.c.hash.size);
      yield s.sim.timeout(50_000);
    }
  });
  s.sim.run({ until: 60e9 });
  return { s, statuses, maxHashed };
}

describe('dm/clone hydration mempool', () => {
  it('without memory pressure the slab never fails: all 300 hydrations start at once', function () {
    this.timeout(0);
    const { s, statuses } = run(false);
    expect(statuses.filter((x) => x === null)).to.have.length(300);
    expect(s.c.pool.maxInUse).to.equal(300);
    expect(s.c.pool.waits).to.equal(0);
    expect(s.c.pool.inUse).to.equal(0);
  });

  it('under memory pressure the reserve of MIN_HYDRATIONS is all there is: the 257th writer waits for a hydration to finish, then all complete', function () {
    this.timeout(0);
    const { s, statuses, maxHashed } = run(true);
    expect(MIN_HYDRATIONS).to.equal(256);
    expect(statuses.filter((x) => x === null)).to.have.length(300);
    expect(s.c.pool.maxInUse).to.equal(256);
    expect(s.c.pool.waits).to.equal(300 - 256);
    expect(maxHashed).to.be.at.most(256);
    expect(s.c.pool.inUse).to.equal(0);
    expect(s.c.cmd.nrHydrated).to.equal(300);
    // Each region copied once: the writers that slept looked again and found nothing started.
    expect(dataOps(s.source)).to.have.length(300);
  });
});
