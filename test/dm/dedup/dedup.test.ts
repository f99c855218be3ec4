import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/index.js';
import { Bio, REQ_FUA, REQ_PREFLUSH } from '../../../kernel-lib/block/bio.js';
import { bioPayload, setBioPayload } from '../../../kernel-lib/block/bio-payload.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import '../../../kernel-lib/dm/dedup/index.js';
import type { DedupTarget } from '../../../kernel-lib/dm/dedup/index.js';
import { checkMetadata } from '../../../kernel-lib/dm/persistent-data/index.js';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

const SPB = 8; // 4 KiB blocks

function setup(backend: 'cowbtree' | 'inram', flushrq = 0, params: Record<string, unknown> = {}, metaSectors = 1 << 16) {
  const sim = new Simulation({ seed: 1 });
  const meta = new FakeDevice(sim, 'meta', metaSectors, 20_000);
  const data = new FakeDevice(sim, 'data', 1 << 20, 50_000);
  const devs: Record<string, FakeDevice> = { meta, data };
  const ctx = { sim, cpus: null, params, deviceName: 'dd', lookupDevice: (d: string) => devs[d] };
  const dev = createMappedDevice(ctx, `0 ${1 << 20} dedup meta data 4096 md5 ${backend} ${flushrq}`);
  const target = dev.targets[0].target as unknown as DedupTarget;
  return { sim, meta, data, dev, target };
}

function* io(sim: Simulation, dev: { submit(b: Bio): ProcessGenerator<void> }, op: 'read' | 'write', lbn: number, fp?: number, flags = 0): ProcessGenerator<Bio> {
  const bio = new Bio(op, lbn * SPB, SPB, flags);
  if (fp !== undefined) setBioPayload(bio, { fingerprint: fp, blocks: 'distinct', compressPercentage: 0 });
  const done = bio.wait(sim);
  yield* dev.submit(bio);
  yield done;
  return bio;
}

describe('dm/dedup target', () => {
  for (const backend of ['cowbtree', 'inram'] as const) {
    it(`${backend}: writing the same block twice stores it once; a read returns the fingerprint written`, () => {
      const s = setup(backend);
      let readFp: number | undefined;
      let zeroRead: number | undefined = -1;
      s.sim.process(function* () {
        yield s.target.ready as NonNullable<typeof s.target.ready>;
        const dataWrites0 = s.data.diskStats().writeIos;
        yield* io(s.sim, s.dev, 'write', 10, 777);
        yield* io(s.sim, s.dev, 'write', 20, 777);
        yield* io(s.sim, s.dev, 'write', 30, 778);
        expect(s.data.diskStats().writeIos - dataWrites0).to.equal(2);
        const r = yield* io(s.sim, s.dev, 'read', 20);
        readFp = bioPayload(r)?.fingerprint;
        const z = yield* io(s.sim, s.dev, 'read', 99);
        zeroRead = bioPayload(z)?.fingerprint;
      });
      s.sim.run();
      expect(s.target.counters.uniqwrites).to.equal(2);
      expect(s.target.counters.dupwrites).to.equal(1);
      expect(s.target.counters.dataWrites).to.equal(2);
      expect(readFp).to.equal(777);
      expect(zeroRead).to.equal(undefined);
    });

    it(`${backend}: reference counts return to zero after overwrites and garbage collection`, () => {
      const s = setup(backend);
      const pbns = new Set<number>();
      s.sim.process(function* () {
        yield s.target.ready as NonNullable<typeof s.target.ready>;
        // 50 LBNs written with 10 contents (duplicates), then all overwritten with new unique ones.
        for (let l = 0; l < 50; l++) yield* io(s.sim, s.dev, 'write', l, 1000 + (l % 10));
        for (const [, pbn] of yield* s.target.backend.hashes()) pbns.add(pbn);
        // dmdedup counts: 1 (hash entry) + 5 LBNs each.
        for (const p of pbns) expect(s.target.backend.refcount(p)).to.equal(6);
        for (let l = 0; l < 50; l++) yield* io(s.sim, s.dev, 'write', l, 5000 + l);
        for (const p of pbns) expect(s.target.backend.refcount(p)).to.equal(1);
        s.dev.targets[0].target.message?.(['garbage_collect']);
        yield* io(s.sim, s.dev, 'read', 0); // queued behind the collection
      });
      s.sim.run();
      expect(pbns.size).to.equal(10);
      for (const p of pbns) expect(s.target.backend.refcount(p)).to.equal(0);
      expect(s.target.counters.gcCounter).to.equal(10);
      expect(s.target.physicalBlockCounter).to.equal(50);
    });
  }

  it('cowbtree: commits every flushrq writes and on FUA; the media holds both stores', () => {
    const s = setup('cowbtree', 8);
    s.sim.process(function* () {
      yield s.target.ready as NonNullable<typeof s.target.ready>;
      for (let l = 0; l < 20; l++) yield* io(s.sim, s.dev, 'write', l, 100 + l);
      yield* io(s.sim, s.dev, 'write', 20, 100, REQ_FUA);
    });
    s.sim.run();
    expect(s.target.counters.commits).to.equal(2 + 1); // after 8 and 16 writes, then the FUA
    const md = (s.target.backend as unknown as { metadata: { bufio: { media: Parameters<typeof checkMetadata>[0] } } }).metadata;
    const check = checkMetadata(md.bufio.media);
    expect(check.problems).to.deep.equal([]);
    expect(check.trees.lbn_pbn.size).to.equal(21);
    expect(check.trees.hash_pbn.size).to.equal(20);
  });

  // dmdedup4.19 (docs/references.md#dedup-commit-data-flush): flush_meta commits the metadata
  // device only; the data device sees a flush only when an empty flush bio is passed down to
  // it, after the commit (process_bio); a FUA write keeps its FUA on the remapped data write.
  it('cowbtree: a commit flushes the metadata device only; an empty flush reaches the data device after the commit', () => {
    const s = setup('cowbtree', 8);
    const isFlush = (x: { op: string; flags: number }) => x.op === 'flush' || (x.flags & REQ_PREFLUSH) !== 0;
    let afterFlushrq = { meta: 0, data: 0 };
    let flushDone = NaN;
    let fuaAcked = NaN;
    s.sim.process(function* () {
      yield s.target.ready as NonNullable<typeof s.target.ready>;
      s.meta.seen.length = 0;
      s.data.seen.length = 0;
      for (let l = 0; l < 8; l++) yield* io(s.sim, s.dev, 'write', l, 500 + l); // the 8th commits (flushrq)
      yield s.sim.timeout(1e9); // the 8th write completed with its data write, before its commit did
      afterFlushrq = { meta: s.meta.seen.filter(isFlush).length, data: s.data.seen.filter(isFlush).length };
      const flush = new Bio('flush', 0, 0, REQ_PREFLUSH);
      const done = flush.wait(s.sim);
      yield* s.dev.submit(flush);
      yield done;
      flushDone = s.sim.now;
      yield* io(s.sim, s.dev, 'write', 9, 600, REQ_FUA);
      fuaAcked = s.sim.now;
    });
    s.sim.run();
    expect(s.target.counters.commits).to.equal(3); // flushrq, the empty flush, the FUA write
    // The flushrq commit: two write-and-flush rounds on the metadata device, none on the data device.
    expect(afterFlushrq).to.deep.equal({ meta: 2, data: 0 });
    // The empty flush: the commit's two metadata flushes, then the flush passed down to the data device.
    const dataFlushes = s.data.seen.filter(isFlush);
    expect(dataFlushes.length).to.equal(1);
    const metaFlushes = s.meta.seen.filter(isFlush);
    expect(metaFlushes.length).to.equal(2 + 2 + 2);
    expect(dataFlushes[0].at).to.be.at.least(metaFlushes[3].at);
    expect(dataFlushes[0].at).to.be.at.most(flushDone);
    // The FUA write: its data write keeps FUA (that block is durable once written); no data flush.
    const fuaData = s.data.seen.filter((x) => x.op === 'write' && (x.flags & REQ_FUA) !== 0);
    expect(fuaData.length).to.equal(1);
    expect(s.data.seen.filter(isFlush).length).to.equal(1);
    // ... and it completes with its data write, while the worker is still committing the
    // mapping it needs: acknowledged before the superblock that makes it durable is written.
    expect(fuaAcked).to.be.lessThan(metaFlushes[5].at);
  });

  it('deterministic: the same run twice gives the same counters and times', () => {
    const once = () => {
      const s = setup('cowbtree', 16);
      let end = 0;
      s.sim.process(function* () {
        yield s.target.ready as NonNullable<typeof s.target.ready>;
        const rng = s.sim.rng('w');
        for (let i = 0; i < 300; i++) yield* io(s.sim, s.dev, 'write', rng.integer(0, 1000), rng.integer(0, 50));
        end = s.sim.now;
      });
      s.sim.run();
      return { end, c: { ...s.target.counters } };
    };
    expect(once()).to.deep.equal(once());
  });

  it('bad table lines name the field; a metadata device too small reports ENOSPC and goes on', () => {
    expect(() => setup('cowbtree', 0, {}, 1 << 16).target).to.not.throw();
    const bad = (line: string) => {
      const sim = new Simulation();
      const devs: Record<string, FakeDevice> = { meta: new FakeDevice(sim, 'meta', 1 << 16), data: new FakeDevice(sim, 'data', 1 << 20) };
      const ctx = { sim, cpus: null, params: {}, deviceName: 'dd', lookupDevice: (d: string) => devs[d] };
      try {
        createMappedDevice(ctx, line);
      } catch (err) {
        return err;
      }
      return null;
    };
    expect(bad('0 1024 dedup meta data 6000 md5 cowbtree 0')).to.be.instanceOf(InputError).with.property('field', 'block_size');
    expect(bad('0 1024 dedup meta data 4096 crc9 cowbtree 0')).to.be.instanceOf(InputError).with.property('field', 'hash_algo');
    expect(bad('0 1024 dedup meta data 4096 md5 xremap 0')).to.be.instanceOf(InputError).with.property('field', 'backend');
    expect(bad('0 1024 dedup meta data 4096 md5 cowbtree')).to.be.instanceOf(InputError).with.property('field', 'flushrq');
    // 64 metadata blocks: enough to format, not for thousands of mappings.
    const s = setup('cowbtree', 100, {}, 64 * 8);
    s.sim.process(function* () {
      yield s.target.ready as NonNullable<typeof s.target.ready>;
      for (let l = 0; l < 20_000; l++) yield* io(s.sim, s.dev, 'write', l, l);
    });
    s.sim.run();
    expect(s.target.counters.enospc).to.be.greaterThan(0);
    expect(s.target.health().warning).to.match(/out of metadata space/);
  });
});

describe('dm/dedup flusher stall (the 2013 mechanism, in miniature)', () => {
  // Metadata on a disk whose queue holds 128 requests and writes a 4 KiB block in 5 ms; a
  // flusher commits every second while one writer issues sequential unique 4 KiB writes.
  // Under 3.2 locking the flusher queues the commit's writes holding the client lock; once
  // the queue is full it sleeps with the lock held and the writer, which needs the lock for
  // every metadata lookup, stops. The copy-on-write commit never waits holding the lock.
  async function gaps(params: Record<string, unknown>) {
    const { QueueDevice } = await import('../bufio/queue-device.js');
    const sim = new Simulation({ seed: 1 });
    const meta = new QueueDevice(sim, 'meta', 1 << 16, 5_000_000, 128);
    const data = new FakeDevice(sim, 'data', 1 << 22, 100_000);
    data.record = false;
    const devs: Record<string, unknown> = { meta, data };
    const ctx = { sim, cpus: null, params: { 'dedup.flusherIntervalS': 1, 'bufio.writeback': 'percent', ...params }, deviceName: 'dd', lookupDevice: (d: string) => devs[d] as never };
    const dev = createMappedDevice(ctx, `0 ${1 << 22} dedup meta data 4096 md5 cowbtree 0`);
    const target = dev.targets[0].target as unknown as DedupTarget;
    let last = NaN;
    let longest = 0;
    let start = NaN;
    sim.process(function* () {
      yield target.ready as NonNullable<typeof target.ready>;
      start = sim.now;
      last = sim.now;
      for (let lbn = 0; ; lbn++) {
        yield* io(sim, dev, 'write', lbn);
        longest = Math.max(longest, sim.now - last);
        last = sim.now;
      }
    });
    sim.run({ until: target.ready as NonNullable<typeof target.ready> });
    sim.run({ until: start + 3e9 });
    return { longest, commitNs: (target.backend as unknown as { metadata: { commitStats: { maxCommitNs: number } } }).metadata.commitStats.maxCommitNs };
  }

  it('blocking commit under 3.2: the writer waits for tens of the commit\'s metadata writes; cow: for none', async function () {
    this.timeout(0); // wall time depends on the load, the result does not
    const blocking = await gaps({ 'bufio.locking': '3.2', 'pdata.commit': 'blocking' });
    const cow = await gaps({ 'bufio.locking': '3.2', 'pdata.commit': 'cow' });
    // The commit writes more blocks than the queue holds, at 5 ms each.
    expect(blocking.commitNs).to.be.greaterThan(128 * 5e6);
    expect(cow.commitNs).to.be.greaterThan(100 * 5e6);
    // Blocking: one write of the writer waits for tens of the commit's metadata writes (those
    // submitted after the queue filled, and the tail of write_dirty_buffers waited for with
    // the lock held); its own work is a 0.1 ms data write and cache hits.
    expect(blocking.longest).to.be.greaterThan(20 * 5e6);
    // Cow: not one metadata write's time.
    expect(cow.longest).to.be.lessThan(5e6);
  });
});

describe('dm/dedup out of metadata space, through a whole run', function () {
  this.timeout(0);
  it('a 1 MiB metadata device: ENOSPC mid-split unlocks what the split held, the target says so and the run goes on', () => {
    const r = runScenario('test/dm/dedup/metadata-too-small.yaml');
    const job = r.fio!.jobs[0];
    expect(job.write.total_ios).to.equal(51200); // every write completed, some with an error
    expect(r.dmsim.warnings.join('\n')).to.match(/dedup dd: out of metadata space at [\d.]+ s; \d+ bios failed with ENOSPC, the device went on/);
  });
});
