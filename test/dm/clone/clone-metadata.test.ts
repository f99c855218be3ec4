import { expect } from 'chai';
import { CloneMetadata } from '../../../kernel-lib/dm/clone/index.js';
import { parsePdataParams } from '../../../kernel-lib/dm/persistent-data/params.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

describe('dm/clone metadata', () => {
  it('a region hydrated after the pre-commit swap waits for the next commit; commits write bitset blocks on the metadata device', () => {
    const sim = new Simulation({ seed: 1 });
    const meta = new FakeDevice(sim, 'meta', 1 << 14, 20_000);
    const cmd = new CloneMetadata(sim, meta, 1000 * 8, 8, {}, parsePdataParams({}), 'cm');
    const seen: Record<string, unknown> = {};
    sim.process(function* (): ProcessGenerator<void> {
      yield* cmd.format();
      const w0 = meta.seen.filter((x) => x.op === 'write').length;
      expect(cmd.changedThisTransaction()).to.equal(false);
      cmd.setRegionHydrated(3);
      expect(cmd.isRegionHydrated(3)).to.equal(true);
      expect(cmd.changedThisTransaction()).to.equal(true);
      cmd.preCommit();
      cmd.setRegionHydrated(700); // during the destination flush: the next transaction's
      yield* cmd.commit();
      seen.after1 = [yield* cmd.bitset.testBit(3), yield* cmd.bitset.testBit(700)];
      seen.changed1 = cmd.changedThisTransaction();
      yield* cmd.commit(); // 5.4's commit: swaps by itself
      seen.after2 = yield* cmd.bitset.testBit(700);
      seen.changed2 = cmd.changedThisTransaction();
      seen.writes = meta.seen.filter((x) => x.op === 'write').length - w0;
    });
    sim.run();
    expect(seen.after1).to.deep.equal([true, false]);
    expect(seen.changed1).to.equal(true);
    expect(seen.after2).to.equal(true);
    expect(seen.changed2).to.equal(false);
    expect(seen.writes).to.be.greaterThan(3); // array block, btree, space map, superblock
    expect(cmd.commits).to.equal(2);
    expect(cmd.nrHydrated).to.equal(2);
    expect(cmd.findNextUnhydrated(3)).to.equal(4);
  });

  it('a discard marks only the regions not hydrated yet; the range test sees them', () => {
    const sim = new Simulation({ seed: 1 });
    const cmd = new CloneMetadata(sim, new FakeDevice(sim, 'meta', 1 << 14), 100 * 8, 8, {}, parsePdataParams({}), 'cm');
    cmd.setRegionHydrated(5);
    cmd.condSetRange(4, 4);
    expect(cmd.nrHydrated).to.equal(4);
    expect(cmd.isRangeHydrated(4, 4)).to.equal(true);
    expect(cmd.isRangeHydrated(3, 2)).to.equal(false);
  });
});
