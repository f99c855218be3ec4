import { expect } from 'chai';
import { Bio, REQ_FUA, REQ_PREFLUSH } from '../../../kernel-lib/block/bio.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { dataOps, io, REGION, setup, SIZE } from './helpers.js';

describe('dm/clone target', () => {
  it('a read of an unhydrated region reads the source and copies nothing', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      s.dest.seen.length = 0;
      yield* io(s.sim, s.dev, 'read', 5 * REGION + 8, 8);
    });
    s.sim.run({ until: 5e9 });
    expect(dataOps(s.source)).to.deep.equal([{ op: 'read', sector: 5 * REGION + 8, sectors: 8, flags: 0, at: s.source.seen[0].at }]);
    expect(dataOps(s.dest)).to.have.length(0);
    expect(s.c.kc.stats.copies).to.equal(0);
    expect(s.c.cmd.nrHydrated).to.equal(0);
  });

  it('the first 4K write to a 64K region reads 64K from the source, writes 64K to the destination, then the bio', () => {
    const s = setup();
    let doneAt = NaN;
    s.sim.process(function* () {
      yield s.target.ready;
      s.dest.seen.length = 0;
      const b = yield* io(s.sim, s.dev, 'write', 3 * REGION + 16, 8);
      doneAt = b.tComplete;
    });
    s.sim.run({ until: 5e9 });
    const src = dataOps(s.source);
    const dst = dataOps(s.dest);
    expect(src.map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([['read', 3 * REGION, REGION]]);
    expect(dst.map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([['write', 3 * REGION, REGION], ['write', 3 * REGION + 16, 8]]);
    expect(dst[0].at).to.be.at.least(src[0].at + 1_000_000); // the copy's write after its read
    expect(dst[1].at).to.be.at.least(dst[0].at + 50_000); // the bio after the copy
    expect(doneAt).to.be.at.least(dst[1].at + 50_000);
    expect(s.c.cmd.isRegionHydrated(3)).to.equal(true);
    expect(s.c.counters.writeHydrations).to.equal(1);
    // A second write to the region goes straight to the destination.
  });

  it('a write that covers a region exactly overwrites it without copying', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      s.dest.seen.length = 0;
      yield* io(s.sim, s.dev, 'write', 7 * REGION, REGION);
      yield* io(s.sim, s.dev, 'read', 7 * REGION, 8);
    });
    s.sim.run({ until: 5e9 });
    expect(dataOps(s.source)).to.have.length(0);
    expect(s.c.kc.stats.copies).to.equal(0);
    expect(dataOps(s.dest).map((x) => [x.op, x.sector, x.sectors])).to.deep.equal([['write', 7 * REGION, REGION], ['read', 7 * REGION, 8]]);
    expect(s.c.counters.overwrites).to.equal(1);
  });

  it('bios never span regions: dm core splits them at region boundaries', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      yield* io(s.sim, s.dev, 'read', REGION - 8, 24);
    });
    s.sim.run({ until: 5e9 });
    expect(dataOps(s.source).map((x) => [x.sector, x.sectors])).to.deep.equal([[REGION - 8, 8], [REGION, 16]]);
  });

  it('writes to a region being hydrated wait for that one copy', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      const a = s.sim.process(io(s.sim, s.dev, 'write', 0, 8));
      const b = s.sim.process(io(s.sim, s.dev, 'write', 64, 8));
      yield s.sim.allOf([a, b]);
    });
    s.sim.run({ until: 5e9 });
    expect(s.c.kc.stats.copies).to.equal(1);
    expect(s.c.counters.deferredOnHydration).to.equal(1);
    expect(dataOps(s.source)).to.have.length(1);
  });

  it('a discard reaches clone whole (not cut at region boundaries), marks the whole regions it covers hydrated without copying and passes down one discard trimmed to them', () => {
    const s = setup();
    const arrived: [number, number][] = [];
    const map = s.c.map.bind(s.c);
    s.c.map = function (bio, offset) {
      if (bio.op === 'discard') arrived.push([offset, bio.sectors]);
      return map(bio, offset);
    };
    s.sim.process(function* () {
      yield s.target.ready;
      yield* io(s.sim, s.dev, 'discard', REGION / 2, 3 * REGION); // covers regions 1 and 2 whole
    });
    s.sim.run({ until: 5e9 });
    // As the kernel: dm core cuts discards at the target's end only (num_discard_bios = 1,
    // no max_io_len split), so process_discard_bio sees the whole range once.
    expect(arrived).to.deep.equal([[REGION / 2, 3 * REGION]]);
    expect([0, 1, 2, 3].map((r) => s.c.cmd.isRegionHydrated(r))).to.deep.equal([false, true, true, false]);
    expect(s.dest.seen.filter((x) => x.op === 'discard').map((x) => [x.sector, x.sectors])).to.deep.equal([[REGION, 2 * REGION]]);
    expect(s.c.counters.discardedRegions).to.equal(2);
    expect(s.c.kc.stats.copies).to.equal(0);
  });

  it('with no_discard_passdown a discard hydrates its whole regions and completes without reaching the destination', () => {
    const s = setup({ table: `0 ${SIZE} clone meta dest source ${REGION} 2 no_hydration no_discard_passdown` });
    let status: string | null = 'pending';
    s.sim.process(function* () {
      yield s.target.ready;
      status = (yield* io(s.sim, s.dev, 'discard', 0, 4 * REGION + 7)).status;
    });
    s.sim.run({ until: 5e9 });
    expect(status).to.equal(null);
    expect([0, 1, 2, 3, 4].map((r) => s.c.cmd.isRegionHydrated(r))).to.deep.equal([true, true, true, true, false]);
    expect(s.dest.seen.filter((x) => x.op === 'discard')).to.have.length(0);
    expect(s.target.discardLimits).to.deep.equal({ maxSectors: 8388608 - REGION, granularity: REGION });
  });

  it('a FLUSH after a hydration commits the metadata before it reaches the destination; the destination is flushed first (5.5 on)', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      s.meta.seen.length = 0;
      s.dest.seen.length = 0;
      yield* io(s.sim, s.dev, 'write', 0, 8);
      expect(s.meta.seen).to.have.length(0);
      yield* io(s.sim, s.dev, 'flush', 0, 0, REQ_PREFLUSH);
    });
    s.sim.run({ until: 0.5e9 });
    expect(s.c.counters.flushCommits).to.equal(1);
    const metaWrites = s.meta.seen.filter((x) => x.op === 'write');
    const destFlushes = s.dest.seen.filter((x) => x.op === 'flush');
    expect(metaWrites.length).to.be.greaterThan(0);
    expect(destFlushes).to.have.length(2); // the pre-commit flush, then the user's flush
    expect(destFlushes[0].at).to.be.at.most(metaWrites[0].at);
    expect(destFlushes[1].at).to.be.at.least(metaWrites[metaWrites.length - 1].at);
  });

  it('clone.preCommitFlush off (kernel 5.4): the metadata is written with no flush of the destination before it', () => {
    const s = setup({ params: { kernel: '5.4' } });
    s.sim.process(function* () {
      yield s.target.ready;
      s.dest.seen.length = 0;
      s.meta.seen.length = 0;
      yield* io(s.sim, s.dev, 'write', 0, 8);
      yield* io(s.sim, s.dev, 'flush', 0, 0, REQ_PREFLUSH);
    });
    s.sim.run({ until: 0.5e9 });
    const metaWrites = s.meta.seen.filter((x) => x.op === 'write');
    const destFlushes = s.dest.seen.filter((x) => x.op === 'flush');
    expect(destFlushes).to.have.length(1);
    expect(destFlushes[0].at).to.be.at.least(metaWrites[metaWrites.length - 1].at);
  });

  it('a FUA write to an unhydrated region completes only after a commit', () => {
    const s = setup();
    s.sim.process(function* () {
      yield s.target.ready;
      yield* io(s.sim, s.dev, 'write', 2 * REGION, REGION, REQ_FUA);
    });
    s.sim.run({ until: 0.5e9 });
    expect(s.c.counters.flushCommits).to.equal(1);
    expect(s.c.cmd.changedThisTransaction()).to.equal(false);
  });

  it('a full-region FUA write is the hydration itself (its own bio to the destination, no copy) and completes once, after the commit that records it', () => {
    const s = setup();
    let bio: Bio | null = null;
    s.sim.process(function* () {
      yield s.target.ready;
      s.dest.seen.length = 0;
      s.meta.seen.length = 0;
      bio = yield* io(s.sim, s.dev, 'write', 2 * REGION, REGION, REQ_FUA);
    });
    s.sim.run({ until: 0.5e9 });
    const dst = dataOps(s.dest);
    expect(dst.map((x) => [x.op, x.sector, x.sectors, x.flags])).to.deep.equal([['write', 2 * REGION, REGION, REQ_FUA]]);
    expect(dataOps(s.source)).to.have.length(0);
    const metaWrites = dataOps(s.meta).filter((x) => x.op === 'write');
    expect(metaWrites.length).to.be.greaterThan(0);
    const done = bio as unknown as Bio;
    expect(done.status).to.equal(null);
    // The destination write returned long before: the bio waited for the metadata commit.
    expect(done.tComplete).to.be.greaterThan(metaWrites[metaWrites.length - 1].at);
    expect(s.c.iosInFlight).to.equal(0);
    expect(s.c.hydrationsInFlight).to.equal(0);
    expect(s.c.hash.size).to.equal(0);
  });

  it('without FLUSH the metadata commits one second after the last commit, not before', () => {
    const s = setup();
    let ready = NaN;
    let metaWritesBefore = -1;
    s.sim.process(function* () {
      yield s.target.ready;
      ready = s.sim.now;
      s.meta.seen.length = 0;
      yield* io(s.sim, s.dev, 'write', 0, 8);
      yield s.sim.timeout(ready + 0.99e9 - s.sim.now);
      metaWritesBefore = s.meta.seen.length;
    });
    s.sim.run({ until: 3e9 });
    expect(metaWritesBefore).to.equal(0);
    const first = s.meta.seen.find((x) => x.op === 'write');
    expect(first).to.not.equal(undefined);
    expect(first!.at - ready).to.be.within(1e9, 1.01e9);
    expect(s.c.counters.periodicCommits).to.equal(1);
  });

  it('background hydration stops while user I/O is in flight and resumes after', () => {
    // hydration_threshold 4, batch 1: four regions copied at a time while nobody does I/O.
    const s = setup({ table: `0 ${SIZE} clone meta dest source ${REGION} 0 2 hydration_threshold 4` });
    const marks: Record<string, number> = {};
    s.sim.process(function* () {
      yield s.target.ready;
      yield s.sim.timeout(50e6);
      marks.beforeIo = s.c.counters.backgroundHydrations;
      expect(marks.beforeIo).to.be.greaterThan(20);
      // 200 ms of reads, two always in flight (hydrated regions: to the destination).
      const end = s.sim.now + 200e6;
      const reader = function* (): ProcessGenerator<void> {
        while (s.sim.now < end) yield* io(s.sim, s.dev, 'read', 0, 8);
      };
      const a = s.sim.process(reader());
      const b = s.sim.process(reader());
      yield s.sim.timeout(2e6); // the copies in flight when the I/O started may finish
      marks.startIo = s.c.counters.backgroundHydrations;
      yield s.sim.allOf([a, b]);
      marks.endIo = s.c.counters.backgroundHydrations;
      yield s.sim.timeout(1.1e9); // the waker restarts hydration within a second
      marks.after = s.c.counters.backgroundHydrations;
    });
    s.sim.run({ until: 2e9 });
    expect(marks.endIo).to.equal(marks.startIo);
    expect(marks.endIo).to.be.lessThan(400);
    expect(marks.after).to.be.greaterThan(marks.endIo + 20);
  });

  it('background hydration batches adjacent regions into one copy and keeps at most the threshold in flight', () => {
    const s = setup({ table: `0 ${SIZE} clone meta dest source ${REGION} 0 4 hydration_threshold 8 hydration_batch_size 4`, sourceNs: 100_000 });
    let maxInFlight = 0;
    s.sim.process(function* () {
      yield s.target.ready;
      while (s.c.cmd.nrHydrated < 512) {
        maxInFlight = Math.max(maxInFlight, s.c.hash.size);
        yield s.sim.timeout(10_000);
      }
    });
    s.sim.run({ until: 10e9 });
    expect(s.c.cmd.nrHydrated).to.equal(512);
    expect(s.c.counters.backgroundHydrations).to.equal(512);
    expect(s.c.counters.copies).to.equal(128);
    expect(dataOps(s.source).every((x) => x.sectors === 4 * REGION)).to.equal(true);
    expect(maxInFlight).to.be.at.most(8);
    expect(s.target.statusLine()).to.match(/^8 \d+\/\d+ 128 512\/512 0 0 4 hydration_threshold 8 hydration_batch_size 4 rw$/);
  });

  it('is deterministic', () => {
    const run = () => {
      const s = setup({ table: `0 ${SIZE} clone meta dest source ${REGION} 0 2 hydration_threshold 2` });
      s.sim.process(function* () {
        yield s.target.ready;
        for (let i = 0; i < 50; i++) yield* io(s.sim, s.dev, i % 3 === 0 ? 'read' : 'write', ((i * 7919) % 500) * REGION + 8, 8);
      });
      s.sim.run({ until: 3e9 });
      return JSON.stringify([s.target.status(), s.source.seen, s.dest.seen, s.meta.seen]);
    };
    expect(run()).to.equal(run());
  });

});
