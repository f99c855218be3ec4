import { expect } from 'chai';
import { PageCache } from '../../kernel-lib/block/page-cache.js';
import { FS_DEFAULTS, groupHasSuper, parseFsParams, planMkfs, runMkfs, type MkfsWrite } from '../../kernel-lib/fs/index.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from '../dm/fake-device.js';

const GiB = 2 ** 30;

describe('fs/mkfs', () => {
  it('sparse_super keeps copies in groups 0, 1 and powers of 3, 5, 7', () => {
    const expected = [0, 1, 3, 5, 7, 9, 25, 27, 49, 81, 125, 243, 343];
    const got = [];
    for (let g = 0; g < 400; g++) if (groupHasSuper(g)) got.push(g);
    expect(got).to.deep.equal(expected);
  });

  it('a 1 GiB ext2 has its bitmaps and inode tables where mke2fs puts them, and mkfs writes them', () => {
    // mke2fs.conf defaults for >= 512 MiB: 4 KiB blocks, 16 KiB per inode, 256-byte inodes.
    const bs = 4096;
    const blocks = GiB / bs; // 262144
    const bpg = 8 * bs; // 32768
    const groups = blocks / bpg; // 8
    const ipg = GiB / 16384 / groups; // 8192
    const itable = (ipg * 256) / bs; // 512 blocks
    const descBlocks = Math.ceil((groups * 32) / bs); // 1
    // calc_reserved_gdt_blocks: room for 1024x growth: ceil(1024 x blocks / bpg / (bs/32)) - desc.
    const rsvGdt = Math.ceil((blocks * 1024) / bpg / (bs / 32)) - descBlocks; // 63
    const plan = planMkfs(GiB, { journal: false, lazyItableInit: false, quiet: true }, FS_DEFAULTS);
    const L = plan.image.layout;
    expect([L.blockSize, L.blocksCount, L.groupCount, L.inodesPerGroup, L.inodeTableBlocks, L.reservedGdtBlocks]).to.deep.equal([bs, blocks, groups, ipg, itable, rsvGdt]);
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'vol', GiB / 512, 1000);
    const cache = new PageCache(sim, dev, null, { ram_mib: 2048 });
    sim.process(runMkfs(cache, null, plan));
    sim.run();
    const written = new Set<number>();
    for (const s of dev.seen) if (s.op === 'write') for (let k = 0; k < s.sectors / 8; k++) written.add(s.sector / 8 + k);
    for (let g = 0; g < groups; g++) {
      const first = g * bpg;
      const meta = [1, 3, 5, 7].includes(g) || g === 0 ? 1 + descBlocks + rsvGdt : 0;
      const grp = L.groups[g];
      expect([grp.blockBitmap, grp.inodeBitmap, grp.inodeTable], `group ${g}`).to.deep.equal([first + meta, first + meta + 1, first + meta + 2]);
      for (const b of [first + meta, first + meta + 1, first + meta + 2, first + meta + 2 + itable - 1]) expect(written.has(b), `block ${b} of group ${g} written`).to.equal(true);
      if (meta > 0) expect(written.has(first), `superblock copy of group ${g}`).to.equal(true);
    }
    // Nothing else in a data area is written but group 0's directories and resize block.
    const dataBlock = 4 * bpg + 1000;
    expect(written.has(dataBlock)).to.equal(false);
    expect(cache.dirtyPages).to.equal(0);
  });

  it('lazy_itable_init does not skip ext2/ext3 inode tables (no uninit_bg)', () => {
    const a = planMkfs(GiB, { journal: true, lazyItableInit: true, quiet: true }, FS_DEFAULTS);
    const tables = a.writes.filter((w: MkfsWrite) => w.what === 'inode-table');
    expect(tables.length).to.equal(a.image.layout.groupCount);
  });

  it('places the journal by era: after group 0 (e2fsprogs 1.39) or mid-disk (1.41+), sized by the table', () => {
    const old = planMkfs(8 * GiB, { journal: true, lazyItableInit: false, quiet: true }, parseFsParams({}, '2.6.21'));
    const j = old.image.journal!;
    // 2^21 blocks >= 1024 x 1024: 32768 journal blocks in the 1.39 table.
    expect(j.blocks).to.equal(32768);
    expect(old.image.groupOfBlock(j.inode.pstart[0])).to.equal(0);
    const now = planMkfs(8 * GiB, { journal: true, lazyItableInit: false, quiet: true }, parseFsParams({}, '6.8'));
    expect(now.image.journal!.blocks).to.equal(16384);
    const groups = now.image.layout.groupCount; // 64
    const g = now.image.groupOfBlock(now.image.journal!.inode.pstart[0]);
    expect(g).to.be.within(groups / 2 - 1, groups / 2 + 1);
  });

  it('fs.* parameters are checked by name', () => {
    expect(() => parseFsParams({ commitInterval: 5 })).to.throw(/fs\.commitInterval: unknown file-system parameter/);
    expect(() => parseFsParams({ barrier: 'yes' })).to.throw(/fs\.barrier: expected true or false/);
    expect(parseFsParams({}, '2.6.21').barrier).to.equal(false);
  });
});
