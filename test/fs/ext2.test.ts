import { expect } from 'chai';
import { REQ_FUA, REQ_PREFLUSH } from '../../kernel-lib/block/bio.js';
import { PageCache } from '../../kernel-lib/block/page-cache.js';
import { Ext2Mount, FS_DEFAULTS, indirectBlocksFor, planMkfs, runMkfs, type FsParams } from '../../kernel-lib/fs/index.js';
import { Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from '../dm/fake-device.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function setup(bytes: number, journal: boolean, params: Partial<FsParams> = {}, ram = 1024) {
  const sim = new Simulation({ seed: 1 });
  const dev = new FakeDevice(sim, 'vol', bytes / 512, (bio) => 20_000 + bio.sectors * 10);
  const cache = new PageCache(sim, dev, null, { ram_mib: ram });
  const p = { ...FS_DEFAULTS, ...params };
  const plan = planMkfs(bytes, { journal, lazyItableInit: false, quiet: true }, p);
  sim.process(runMkfs(cache, null, plan));
  sim.run();
  dev.seen.length = 0;
  const fs = new Ext2Mount(sim, dev, cache, plan.image, { data: p.data as 'ordered', barrier: p.barrier, commitIntervalS: p.commitIntervalS }, p, sim.rng('fs'), null);
  const run = (body: () => ProcessGenerator<void>) => {
    let done = false;
    sim.process(
      (function* () {
        yield* body();
        done = true;
      })(),
    );
    sim.run({ until: sim.timeout(3600e9) });
    expect(done).to.equal(true);
  };
  return { sim, dev, cache, fs, run, image: plan.image };
}

describe('fs/ext2', () => {
  it('a 4 GiB file needs the indirect blocks its size implies, allocated around its data', () => {
    const { fs, run, image } = setup(6 * GiB, false, {}, 512);
    const usedBefore = image.bitmap.size;
    const blocks = (4 * GiB) / 4096;
    // 12 direct, 1 indirect of 1024, 1 double-indirect with ceil((2^20 - 12 - 1024) / 1024) indirect blocks.
    const expected = 1 + 1 + Math.ceil((blocks - 12 - 1024) / 1024);
    expect(indirectBlocksFor(blocks, 1024)).to.equal(expected);
    run(function* () {
      const root = fs.inode(2);
      const f = yield* fs.create(null, root, 'big', false, 0);
      for (let i = 0; i < 4096; i++) yield* fs.write(null, f, i * MiB, MiB, 0);
      expect(f.indirect.size).to.equal(expected);
      // The first indirect block sits right after the 12 direct blocks, the data after it.
      const ind = f.indirect.get('i')!;
      expect(ind).to.equal(f.pstart[0] + 12);
      expect(f.lstart[1]).to.equal(12);
      expect(f.pstart[1]).to.equal(ind + 1);
      yield* fs.umount(null);
    });
    // The directory entry fits in root's first block: data + indirect blocks only.
    expect(image.bitmap.size - usedBefore).to.equal(blocks + expected);
  });

  it('umount leaves no dirty page, and the cache is dropped', () => {
    const { fs, run, cache } = setup(2 * GiB, false);
    run(function* () {
      const f = yield* fs.create(null, fs.inode(2), 'f', false, 0);
      for (let i = 0; i < 64; i++) yield* fs.write(null, f, i * MiB, MiB, 0);
      expect(cache.dirtyPages).to.be.greaterThan(0);
      yield* fs.umount(null);
    });
    expect(cache.dirtyPages).to.equal(0);
    expect(cache.writeback.pagesUnderWriteback).to.equal(0);
    expect(cache.isCached(0, 4096)).to.equal(false);
  });

  it('a file created after mount lands in its directory\'s group, its blocks in that group', () => {
    const { fs, run, image } = setup(4 * GiB, false);
    run(function* () {
      const d = yield* fs.create(null, fs.inode(2), 'dir', true, 0);
      const f = yield* fs.create(null, d, 'file', false, 0);
      yield* fs.write(null, f, 0, MiB, 0);
      expect(image.groupOfInode(f.ino)).to.equal(image.groupOfInode(d.ino));
      expect(image.groupOfBlock(f.pstart[0])).to.equal(image.groupOfInode(d.ino));
      const g = image.layout.groups[image.groupOfInode(d.ino)];
      expect(f.pstart[0]).to.be.greaterThan(g.inodeTable + image.layout.inodeTableBlocks - 1);
    });
  });

  it('ext3 ordered mode: a commit writes the transaction\'s data before the commit block', () => {
    const { fs, run, dev, image } = setup(2 * GiB, true, { barrier: true });
    let runs: [number, number][] = [];
    run(function* () {
      const f = yield* fs.create(null, fs.inode(2), 'f', false, 0);
      for (let i = 0; i < 8; i++) yield* fs.write(null, f, i * MiB, MiB, 0);
      runs = f.pstart.map((p, k) => [p * 8, (p + f.len[k]) * 8]);
      // No fsync: the 5 s commit timer does it.
      const sim = (fs as unknown as { sim: Simulation }).sim;
      yield sim.timeout(6e9);
    });
    const j = image.journal!.inode;
    const jStart = j.pstart[0] * 8;
    const jEnd = (j.pstart[j.pstart.length - 1] + j.len[j.len.length - 1]) * 8;
    const commit = dev.seen.findIndex((s) => s.op === 'write' && s.sector >= jStart && s.sector < jEnd && (s.flags & REQ_FUA) !== 0 && (s.flags & REQ_PREFLUSH) !== 0);
    expect(commit, 'a commit block with a barrier').to.be.greaterThan(-1);
    const dataWrites = dev.seen.map((s, i) => ({ s, i })).filter(({ s }) => s.op === 'write' && runs.some(([a, b]) => s.sector >= a && s.sector < b));
    const dataSectors = dataWrites.reduce((a, { s }) => a + s.sectors, 0);
    expect(dataSectors).to.equal(8 * MiB / 512);
    for (const { i } of dataWrites) expect(i).to.be.lessThan(commit);
    expect(fs.journal!.log[0].commitSubmitNs).to.be.at.least(5e9);
  });

  it('fsync on ext3 writes the file and commits before it returns; on ext2 it writes the file and its inode', () => {
    for (const journal of [true, false]) {
      const { fs, run, cache, image } = setup(2 * GiB, journal);
      run(function* () {
        const f = yield* fs.create(null, fs.inode(2), 'f', false, 0);
        for (let i = 0; i < 4; i++) yield* fs.write(null, f, i * MiB, MiB, 0);
        yield* fs.fsync(null, f);
        const page = (b: number) => Math.floor((b * 4096) / 4096);
        for (let k = 0; k < f.pstart.length; k++) expect(cache.dirty.covers(page(f.pstart[k]), page(f.pstart[k]) + 1)).to.equal(false);
        if (journal) expect(fs.journal!.log.length).to.equal(1);
        else expect(cache.dirty.covers(image.inodeBlock(f.ino), image.inodeBlock(f.ino) + 1)).to.equal(false);
      });
    }
  });
});
