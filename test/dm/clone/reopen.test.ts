// Re-opening existing clone metadata (dm_clone_metadata_open on a formatted device): a table
// loaded on a metadata device that already holds a clone superblock keeps its hydrated regions.
import { expect } from 'chai';
import { createMappedDevice, InputError } from '../../../kernel-lib/dm/index.js';
import type { CloneTarget } from '../../../kernel-lib/dm/clone/index.js';
import { checkMetadata } from '../../../kernel-lib/dm/persistent-data/checker.js';
import { dataOps, io, REGION, setup, SIZE } from './helpers.js';

type S = ReturnType<typeof setup>;

/** A second table on the same three devices (after the first was suspended: dmsetup remove + create). */
function reload(s: S, table: string) {
  const devs: Record<string, unknown> = { meta: s.meta, dest: s.dest, source: s.source };
  const ctx = { sim: s.sim, cpus: null, params: {}, deviceName: 'cl2', lookupDevice: (d: string) => devs[d] as S['meta'] };
  const dev = createMappedDevice(ctx, table);
  const target = dev.targets[0].target as unknown as CloneTarget;
  return { dev, target, c: target.clone };
}

describe('dm/clone re-opening existing metadata', () => {
  it('a table loaded on a metadata device holding clone metadata re-opens it: committed hydrated regions stay hydrated, and the metadata goes on committing', function () {
    this.timeout(0);
    const s = setup();
    const TABLE = `0 ${SIZE} clone meta dest source ${REGION} 1 no_hydration`;
    let second: ReturnType<typeof reload> | null = null;
    const marks: Record<string, number> = {};
    s.sim.process(function* () {
      yield s.target.ready;
      yield* io(s.sim, s.dev, 'write', 3 * REGION + 8, 8); // copies region 3
      yield* io(s.sim, s.dev, 'write', 7 * REGION, 8); // copies region 7
      yield* io(s.sim, s.dev, 'write', 10 * REGION, REGION); // overwrites region 10
      yield* io(s.sim, s.dev, 'flush', 0, 0); // commits
      yield* io(s.sim, s.dev, 'write', 20 * REGION, 8); // hydrated in memory only...
      yield* s.target.suspend(); // ...until clone_postsuspend commits
      marks.metaWrites = s.meta.seen.filter((x) => x.op === 'write').length;
      marks.metaReads = s.meta.seen.filter((x) => x.op === 'read').length;
      s.source.seen.length = 0;
      second = reload(s, TABLE);
      yield second.target.ready;
      marks.openReads = s.meta.seen.filter((x) => x.op === 'read').length - marks.metaReads;
      marks.openWrites = s.meta.seen.filter((x) => x.op === 'write').length - marks.metaWrites;
      const r = yield* io(s.sim, second.dev, 'read', 3 * REGION, 8);
      marks.readOk = r.status === null ? 1 : 0;
      yield* io(s.sim, second.dev, 'write', 7 * REGION + 8, 8); // hydrated: no copy
      yield* io(s.sim, second.dev, 'write', 30 * REGION + 8, 8); // a new hydration, then a commit
      yield* io(s.sim, second.dev, 'flush', 0, 0);
    });
    s.sim.run({ until: 20e9 });
    const c2 = second!.c;
    expect(c2.opened).to.equal(true);
    expect(marks.openReads).to.be.greaterThan(0); // superblock, space map, bitset blocks
    expect(marks.openWrites).to.equal(0); // opening writes nothing
    expect(marks.readOk).to.equal(1);
    expect([3, 7, 10, 20, 30].map((r) => c2.cmd.isRegionHydrated(r))).to.deep.equal([true, true, true, true, true]);
    expect(c2.cmd.nrHydrated).to.equal(5);
    expect(c2.counters.destReads).to.equal(1);
    expect(c2.counters.sourceReads).to.equal(0);
    expect(c2.counters.writeHydrations).to.equal(1); // region 30 only
    // Only region 30's copy read the source after the re-open.
    expect(dataOps(s.source).map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([['read', 30 * REGION, REGION]]);
    expect(second!.target.statusLine()).to.match(/^8 \d+\/2048 128 5\/512 0 1 no_hydration 4 hydration_threshold 1 hydration_batch_size 1 rw$/);
    // The re-opened space map allocated no block the committed metadata still used: the
    // metadata on the media checks clean, and its bitset names the five regions.
    const check = checkMetadata(c2.cmd.pm.bufio.media.durableView());
    expect(check.problems).to.deep.equal([]);
    expect(c2.cmd.pm.generation).to.be.greaterThan(s.c.cmd.pm.generation);
  });

  it('a table whose region size differs from the metadata\'s fails, naming the field', function () {
    this.timeout(0);
    const s = setup();
    s.sim.run({ until: 1e9 });
    expect(() => reload(s, `0 ${SIZE} clone meta dest source ${2 * REGION}`)).to.throw(InputError, /region size/);
    try {
      reload(s, `0 ${SIZE} clone meta dest source ${2 * REGION}`);
    } catch (e) {
      expect((e as InputError).field).to.equal('region size');
      expect((e as InputError).message).to.match(/don't match the ones in metadata/);
    }
    expect(() => reload(s, `0 ${SIZE / 2} clone meta dest source ${REGION}`)).to.throw(InputError, /target size/);
  });
});
