// fio in a shell workload on a mounted file system: its files are files of the file system
// (allocated by it, written through its page cache, made durable by its fsync), not blocks of
// the device.
import { expect } from 'chai';
import { runScenario } from '../../../kernel-lib/scenario/run.js';

function scenario(shell: string) {
  return { seed: 1, devices: { sda: { profile: 'ram' } }, volumes: { vol: { device: 'sda', offset: 0, size: '256M' } }, workload: { shell } };
}

type Cmd = { cmd: string; exit_status: number; output: string; fio?: { jobname: string; read: { io_bytes: number }; write: { io_bytes: number }; sync: { total_ios: number } }[] };

describe('workload/shell: fio with directory= / filename= on a mounted file system', function () {
  this.timeout(0);

  it('writes a file through ext2 (directory=: jobname.0.0), reads it back; the file system holds it after umount', () => {
    const r = runScenario(
      scenario(
        'mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\n' +
          'fio --name=w --directory=/mnt --rw=write --bs=64k --size=8m --end_fsync=1\n' +
          'fio --name=r --filename=/mnt/w.0.0 --rw=read --bs=64k --size=8m\n' +
          'cat /mnt/w.0.0 > /dev/null\numount /mnt',
      ),
    );
    const cmds = r.toJSON().commands as Cmd[];
    expect(cmds.map((c) => c.exit_status)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    expect(cmds[2].fio![0].write.io_bytes).to.equal(8 * 2 ** 20);
    expect(cmds[3].fio![0].read.io_bytes).to.equal(8 * 2 ** 20);
    // The reads found the file fio wrote: no layout pass wrote it again (the same run without
    // the read job writes as many sectors to the device, metadata included).
    const written = (x: ReturnType<typeof runScenario>) => (x.dmsim.devices.find((d) => d.name === 'sda') as { writeSectors: number }).writeSectors;
    const noRead = runScenario(scenario('mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\nfio --name=w --directory=/mnt --rw=write --bs=64k --size=8m --end_fsync=1\ncat /mnt/w.0.0 > /dev/null\numount /mnt'));
    expect(written(r) - written(noRead)).to.be.within(0, 16);
    expect(written(noRead)).to.be.at.least(16384); // the 8 MiB reached the device
    expect(cmds[2].output).to.match(/^w: \(groupid=0, jobs=1\)/);
  });

  it('nrfiles=4 with filesize= makes four files of the file system; opendir= then reads every file under the directory, whole', () => {
    const r = runScenario(
      scenario(
        'mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\nmkdir /mnt/d\n' +
          'fio --name=w --directory=/mnt/d --nrfiles=4 --filesize=1m --rw=write --bs=64k --end_fsync=1\n' +
          'fio --name=r --opendir=/mnt/d --rw=read --bs=64k --file_service_type=sequential\n' +
          'fio --name=z --opendir=/mnt/d --rw=randread --bs=4k --size=2m\n' +
          'fio --name=e --opendir=/mnt/nothere --rw=read',
      ),
    );
    const cmds = r.toJSON().commands as Cmd[];
    expect(cmds.map((c) => c.exit_status)).to.deep.equal([0, 0, 0, 0, 0, 0, 1]);
    // size = nrfiles x filesize when not given (setup_files).
    expect(cmds[3].fio![0].write.io_bytes).to.equal(4 * 2 ** 20);
    // opendir found the four files and read each once (their lengths sum to 4 MiB; nothing laid out again).
    expect(cmds[4].fio![0].read.io_bytes).to.equal(4 * 2 ** 20);
    expect(cmds[5].fio![0].read.io_bytes).to.equal(2 * 2 ** 20);
    expect(cmds[6].output).to.match(/^fio: <scenario>:\d+: opendir: opendir=\/mnt\/nothere: no mounted file system holds that directory/);
  });

  it('a read job on a new file lays it out first, as fio does; direct=1 on a file is refused with fio\'s name', () => {
    const r = runScenario(scenario('mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\nfio --name=r --filename=/mnt/data --rw=randread --size=4m\nfio --name=d --filename=/mnt/data --direct=1 --size=4m'));
    const cmds = r.toJSON().commands as Cmd[];
    expect(cmds[2].exit_status).to.equal(0);
    expect(cmds[2].fio![0].read.io_bytes).to.equal(4 * 2 ** 20);
    expect(cmds[3].exit_status).to.equal(1);
    expect(cmds[3].output).to.equal('fio: /mnt/data: direct=1 on a file of ext2/ext3 is not modelled (O_DIRECT through the file system)');
  });
});
