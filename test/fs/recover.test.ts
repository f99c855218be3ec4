// ext3 after a power cut (kernel-lib/fs/recover.ts): jbd's replay of the committed
// transactions that reached the media, and what each file lost. The drive (hdd-2019) has a
// volatile write cache; at a cut each cached write reached the media with probability 1/2
// (block/power-cut.ts). Whole runs, seeded: same result on any machine.
import { expect } from 'chai';
import { powerCut, runScenario, type PowerCutReport } from '../../kernel-lib/scenario/index.js';
import { Simulation } from '../../kernel-lib/sim/index.js';

const FILES = 12;

/** mkfs.ext3, then FILES files of 256 KiB each written with dd conv=fsync, then a file without fsync. */
function scenario(barrier: 0 | 1) {
  const lines = ['mkfs.ext3 -q -b 4096 /dev/vg/vol', `mount -o barrier=${barrier} /dev/vg/vol /mnt`];
  for (let i = 0; i < FILES; i++) lines.push(`dd if=/dev/zero of=/mnt/f${i} bs=64k count=4 conv=fsync`);
  lines.push('dd if=/dev/zero of=/mnt/nofsync bs=1M count=4', 'sleep 1', 'umount /mnt');
  return {
    description: `ext3 fsync and power cuts, barrier=${barrier}`,
    seed: 1,
    params: { kernel: '2.6.32' },
    devices: { sda: { profile: 'hdd-2019', capacity_gb: 2 } },
    volumes: { vol: { device: 'sda', offset: 0, size: '1G' } },
    workload: { shell: lines.join('\n') },
  };
}

/** The instants 1 µs after each `dd ... conv=fsync` returned (a first run, same seed, says when). */
function afterFsyncs(barrier: 0 | 1): number[] {
  const r = runScenario(scenario(barrier));
  return r.shell!.results.filter((c) => c.cmd.includes('conv=fsync')).map((c) => (c.start_ns + c.elapsed_ns) / 1e9 + 1e-6);
}

function fsOf(p: PowerCutReport) {
  expect(p.file_systems, 'the mounted ext3 is checked').to.have.length(1);
  return p.file_systems![0];
}

describe('fs: ext3 after a power cut (recover.ts)', function () {
  this.timeout(0);

  it('barrier=1: a cut right after each fsync returns finds every fsynced file whole (replayed commit, data on the media)', () => {
    const at = afterFsyncs(1);
    expect(at).to.have.length(FILES);
    const r = runScenario(scenario(1), { powerCutProbes: at });
    const probes = r.dmsim.power_cut_probes!;
    expect(probes).to.have.length(FILES);
    probes.forEach((p, i) => {
      const f = fsOf(p);
      expect(f.problems, `cut after fsync ${i}`).to.deep.equal([]);
      expect(f.journal!.not_durable).to.equal(0);
      // Every file fsynced so far: its size is recovered and its blocks hold its data.
      for (let k = 0; k <= i; k++) {
        const file = f.files.find((x) => x.path === `/mnt/f${k}`)!;
        expect(file.promised).to.equal(262144);
        expect(file.promised_lost).to.equal(0);
        expect(file.recovered_size).to.equal(262144);
        expect(file.blocks_on_media).to.equal(64);
      }
    });
  });

  it('sync makes everything written so far survive a cut right after it', () => {
    const sc = scenario(1);
    sc.workload.shell = sc.workload.shell.replace('sleep 1', 'sync\nsleep 1');
    const syncEnd = runScenario(sc).shell!.results.find((c) => c.cmd === 'sync')!;
    const r = powerCut(sc, (syncEnd.start_ns + syncEnd.elapsed_ns) / 1e9 + 1e-6);
    const f = fsOf(r.dmsim.power_cut!);
    expect(f.problems).to.deep.equal([]);
    expect(f.lost_blocks).to.equal(0);
    const nofsync = f.files.find((x) => x.path === '/mnt/nofsync')!;
    expect(nofsync.recovered_size).to.equal(4 << 20);
    expect(nofsync.blocks_on_media).to.equal(1024);
  });

  it('barrier=0 (volatile cache, no flush): cuts find committed transactions that are not durable and fsynced data lost', () => {
    const rng = new Simulation({ seed: 7 }).rng('fs-power-cut-instants');
    const fsyncs = afterFsyncs(0);
    const end = fsyncs[fsyncs.length - 1];
    const random = Array.from({ length: 40 }, () => rng.uniform(fsyncs[0], end));
    const r = runScenario(scenario(0), { powerCutProbes: [...fsyncs, ...random] });
    const probes = r.dmsim.power_cut_probes!.map(fsOf);
    const notDurable = probes.filter((f) => f.journal!.not_durable > 0).length;
    const fsyncLost = probes.filter((f) => f.files.some((x) => x.promised_lost > 0)).length;
    const violations = probes.filter((f) => f.problems.some((p) => p.includes('ordering violation') || p.includes('stale journal'))).length;
    // The known ext3 barrier=0 hazard: fsync returned, the commit is still in the drive's cache.
    expect(notDurable).to.be.greaterThan(0);
    expect(fsyncLost).to.be.greaterThan(0);
    // With p = 1/2 per cached write, a commit block destaged before its data or journal blocks is as likely.
    expect(violations).to.be.greaterThan(0);
    // Every probe with a problem has one of these two kinds.
    expect(probes.filter((f) => !f.consistent).every((f) => f.problems.every((p) => /ordering violation|stale journal|fsync\/sync returned/.test(p)))).to.equal(true);
    if (process.env.FS_POWER_CUT_REPORT) console.log({ probes: probes.length, notDurable, fsyncLost, violations, inconsistent: probes.filter((f) => !f.consistent).length });
  });

  it('data written without fsync may be lost: the report names the file and how much', () => {
    const sc = scenario(1);
    const dd = runScenario(sc).shell!.results.find((c) => c.cmd.includes('of=/mnt/nofsync'))!;
    const r = powerCut(sc, (dd.start_ns + dd.elapsed_ns) / 1e9 + 0.1);
    const f = fsOf(r.dmsim.power_cut!);
    const file = f.files.find((x) => x.path === '/mnt/nofsync')!;
    expect(file.size).to.equal(4 << 20);
    expect(file.promised).to.equal(0);
    // Still in the page cache 0.1 s later (dirty_expire is 30 s): nothing reached the media, and no commit holds its size.
    expect(file.blocks - file.blocks_on_media).to.equal(1024);
    expect(file.recovered_size).to.equal(0);
    expect(f.problems).to.deep.equal([]); // losing unsynced data is not an inconsistency
    expect(r.text()).to.include('/mnt/nofsync: 1024 of 1024 data blocks written not on the media, size 0 of 4194304 bytes after recovery');
    expect(JSON.parse(JSON.stringify(r.toJSON())).dmsim.power_cut.file_systems[0].files.find((x: { path: string }) => x.path === '/mnt/nofsync').promised_lost).to.equal(0);
  });
});
