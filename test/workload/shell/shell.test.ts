import { expect } from 'chai';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { parseShell } from '../../../kernel-lib/workload/shell/index.js';

function scenario(shell: string, extra: Record<string, unknown> = {}) {
  return {
    seed: 1,
    devices: { sda: { profile: 'ram' } },
    volumes: { vol: { device: 'sda', offset: 0, size: '256M' } },
    workload: { shell, ...extra },
  };
}

describe('workload/shell', () => {
  it('an unsupported command or option is an InputError naming the line', () => {
    expect(() => parseShell('mkfs.ext3 -q /dev/x\nmount /dev/x /mnt\nfsck /dev/x', 'a.yaml', 10)).to.throw(InputError, /a\.yaml:12: .*command 'fsck' is not modelled/);
    expect(() => parseShell('mount -o data=journal /dev/x /mnt', 'a.yaml', 3)).to.throw(/a\.yaml:3: .*data=journal is not modelled/);
    expect(() => parseShell('mkfs.ext3 -O uninit_bg /dev/x', 'a.yaml', 1)).to.throw(/option -O is not modelled/);
    expect(() => parseShell('dd if=/dev/zero of=/mnt/f bs=1M count=1 cbs=80', 'a.yaml', 1)).to.throw(/unsupported operand 'cbs'/);
  });

  it('runs mkfs, mount, dd, cp -r, sync, umount; each command timed, one after the other', () => {
    const r = runScenario(
      scenario(
        'mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\ndd if=/dev/zero of=/mnt/f bs=1M count=8\ncp -r /src/tree /mnt/\ncat /mnt/f > /dev/null\nrm /mnt/f\nsync\numount /mnt',
        { trees: { '/src/tree': { files: 20, size: '4K-64K', dirs: 3 } } },
      ),
    );
    const cmds = r.toJSON().commands as { cmd: string; start_ns: number; elapsed_ns: number; exit_status: number; dd?: { bytes: number } }[];
    expect(cmds.map((c) => c.cmd.split(' ')[0])).to.deep.equal(['mkfs.ext2', 'mount', 'dd', 'cp', 'cat', 'rm', 'sync', 'umount']);
    for (let i = 1; i < cmds.length; i++) expect(cmds[i].start_ns).to.equal(cmds[i - 1].start_ns + cmds[i - 1].elapsed_ns);
    expect(cmds.every((c) => c.exit_status === 0)).to.equal(true);
    expect(cmds[2].dd!.bytes).to.equal(8 * 2 ** 20);
    expect(r.text()).to.match(/8\+0 records in\n8\+0 records out\n8388608 bytes \(8\.4 MB, 8\.0 MiB\) copied/);
    expect(r.text()).to.match(/\$ umount \/mnt\nreal\t0m\d+\.\d{3}s/);
  });

  it('a path that is not mounted stops the run with the real message, as set -e would', () => {
    const r = runScenario(scenario('mkfs.ext3 -q /dev/vg/vol\ndd if=/dev/zero of=/mnt/f bs=1M count=1\nsync'));
    const cmds = r.toJSON().commands as { output: string; exit_status: number }[];
    expect(cmds).to.have.length(2);
    expect(cmds[1].output).to.equal("dd: failed to open '/mnt/f': No such file or directory");
    expect(cmds[1].exit_status).to.equal(1);
  });

  it('mount of an unformatted device fails as mount does', () => {
    const r = runScenario(scenario('mount /dev/vg/vol /mnt\nsync'));
    const cmds = r.toJSON().commands as { output: string; exit_status: number }[];
    expect(cmds).to.have.length(1);
    expect(cmds[0].output).to.match(/^mount: wrong fs type, bad option, bad superblock on \/dev\/vg\/vol,/);
    expect(cmds[0].exit_status).to.equal(32);
  });

  it('a file bigger than the file system: ENOSPC as dd reports it, after the blocks that fitted', () => {
    const r = runScenario(scenario('mkfs.ext2 -q /dev/vg/vol\nmount /dev/vg/vol /mnt\ndd if=/dev/zero of=/mnt/f bs=1M count=300\numount /mnt'));
    const cmds = r.toJSON().commands as { output: string; exit_status: number; dd?: { records_out: number } }[];
    expect(cmds).to.have.length(3);
    expect(cmds[2].output).to.match(/^dd: error writing '\/mnt\/f': No space left on device\n\d+\+0 records in\n\d+\+0 records out/);
    // 256 MiB less the metadata: fewer than 256 blocks of 1 MiB went in, but most of them.
    expect(cmds[2].dd!.records_out).to.be.within(230, 255);
  });

  it('fs.* parameters are checked with their name and line', () => {
    expect(() => runScenario({ ...scenario('sync'), params: { fs: { commitInterval: 5 } } })).to.throw(InputError, /fs\.commitInterval: unknown file-system parameter/);
  });
});
