// Buffered writes keep what they wrote: dd from /dev/zero and fio's dedupe_percentage through
// the page cache (of a block device, or of a file on ext2) reach a dm-dedup target below as
// the duplicates they are. Before, writeback bios carried no content, so every block looked
// unique to the target.
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';

type Status = { uniqwrites: number; dupwrites: number; writes: number };

function dedupStack(workload: object) {
  return {
    seed: 1,
    devices: { meta: { profile: 'ram' }, data: { profile: 'ram' } },
    volumes: { m: { device: 'meta', offset: 0, size: '64M' }, d: { device: 'data', offset: 0, size: '512M' } },
    targets: { dd: '0 524288 dedup m d 4096 md5 cowbtree 100' },
    workload,
  };
}

function dedupStatus(r: ReturnType<typeof runScenario>): Status {
  const dev = r.dmsim.devices.find((d) => d.name === 'dd') as unknown as { status: Status[] };
  return dev.status[0];
}

describe('buffered writes carry their content to the targets below (page cache and ext2)', function () {
  this.timeout(0);

  it('dd if=/dev/zero to a file on ext2 over dm-dedup: every data block after the first is a duplicate; from /dev/urandom none is', () => {
    const shell = (src: string) => `mkfs.ext2 -q -b 4096 /dev/mapper/dd\nmount /dev/mapper/dd /mnt\ndd if=${src} of=/mnt/f bs=1M count=4\nsync\numount /mnt`;
    const zero = dedupStatus(runScenario(dedupStack({ shell: shell('/dev/zero') })));
    const random = dedupStatus(runScenario(dedupStack({ shell: shell('/dev/urandom') })));
    // 4 MiB = 1024 blocks of zeros: one stored, 1023 found again (metadata blocks are unique).
    expect(zero.dupwrites).to.equal(1023);
    expect(random.dupwrites).to.equal(0);
    // The same metadata in both runs: the zero run stores 1023 blocks fewer.
    expect(random.uniqwrites - zero.uniqwrites).to.equal(1023);
    // With 1 KiB blocks a 4 KiB page can hold an indirect block beside file data: such a page
    // holds metadata bytes and is not a page of zeros; a run of data blocks that does not
    // start on a page boundary spans one page more (content is kept per page, the block
    // targets' unit).
    const small = dedupStatus(runScenario(dedupStack({ shell: shell('/dev/zero').replace(' -b 4096', '') })));
    expect(small.dupwrites).to.be.within(1000, 1025);
  });

  it('buffered dd if=/dev/zero straight onto the dedup device (its own page cache), and fio dedupe_percentage=50 buffered', () => {
    const dd = dedupStatus(runScenario(dedupStack({ dd: 'if=/dev/zero of=/dev/mapper/dd bs=64k count=64 conv=fdatasync' })));
    expect(dd.dupwrites).to.equal(1023);
    const fio = dedupStatus(
      runScenario(dedupStack({ fio: '[w]\nfilename=/dev/mapper/dd\nrw=write\nbs=4k\nsize=8m\ndirect=0\ndedupe_percentage=50\nend_fsync=1\n' })),
    );
    // 2048 writes, each a repeat of an earlier block with probability 1/2 (a binomial: +-4 sd).
    expect(fio.writes).to.equal(2048);
    expect(fio.dupwrites).to.be.within(1024 - 4 * 22.6, 1024 + 4 * 22.6);
    expect(fio.uniqwrites + fio.dupwrites).to.equal(2048);
  });
});
