// The dm-userspace copy test of 9 May 2006 (docs/references.md#dm-userspace-2006): mount,
// copy about 20 MB, unmount, on a plain loop file (about 1 s) and on dm-userspace/qcow over
// loop files with poll() and the hash table (about 10 s). Validation: nothing was fitted to
// these numbers (the machine, the costs and cowd's parameters were fixed before the first
// run, docs/userspace.md). Tolerance 50% each, as the issue asks; the published figures are
// rounded ("approximately"). Rows the model misses are pending with their cause.
import { runScenario } from '../../../kernel-lib/scenario/run.js';
import { checkRow } from './miss.js';

const seconds = (file: string): number => runScenario(file).metrics().mount_to_umount_s as number;

/** The misses, and why (docs/userspace.md, "Calibration"). */
const PENDING: Record<string, string> = {
  loop:
    'with the loop file buffered as in 2.6 (do_lo_send_aops), umount\'s sync ends once the 20 MB are in the host page cache of the image file; nothing in the timed part writes them to the disk (pdflush does, later), so the model times CPU and a few reads. What the published 1 s contains beyond that (host writeback, a slower machine, Xen dom0) is not described',
  userspace:
    'the same cause as the plain loop: through the buffered loop files the COPY_FIRST copies and the image writes are page-cache copies, and what is left is kernel and cowd CPU; the ratio of the two is within tolerance',
  boot:
    'the disk commands now match LVM (read-ahead in the loop file), but read-ahead over-fetches past the trace\'s runs, the modelled loop device has a plugged 2.6 request queue where 2.6 loop was bio-based (about 0.5 s of the difference), and each 4 KiB block waits for cowd one at a time (docs/userspace.md)',
};

/** The boot trace's I/O time (closed loop, one request at a time), s. */
const ioSeconds = (file: string): number => runScenario(file).fio!.jobs[0].job_runtime / 1e3;

describe('scenario/calibration/userspace-2006', function () {
  this.timeout(0); // whole simulations: their wall time depends on the load, their results do not

  describe('held-out rows (validation)', () => {
    let loop = NaN;
    let dmu = NaN;
    it('plain loop file: mount, copy 20 MB, umount in about 1 s (within 50%)', function () {
      loop = seconds('examples/loop-2006-copy.yaml');
      checkRow(this, 'plain loop, mount to umount (s)', loop, 1, 0.5, PENDING.loop);
    });
    it('dm-userspace/qcow (poll, hash): the same in about 10 s (within 50%)', function () {
      dmu = seconds('examples/userspace-2006-copy.yaml');
      checkRow(this, 'dm-userspace/qcow, mount to umount (s)', dmu, 10, 0.5, PENDING.userspace);
    });
    it('the cost of asking userspace: dm-userspace/qcow over the plain loop, published 10x (within 50%)', function () {
      if (Number.isNaN(loop)) loop = seconds('examples/loop-2006-copy.yaml');
      if (Number.isNaN(dmu)) dmu = seconds('examples/userspace-2006-copy.yaml');
      checkRow(this, 'dm-userspace/qcow over plain loop', dmu / loop, 10, 0.5);
    });
    it('Xen FC4 first boot: dm-userspace/qcow adds about 1 s to the 26 s of an LVM root (the difference within 50%)', function () {
      // The generated boot trace's I/O time on each stack; the rest of the boot is the same.
      const extra = ioSeconds('examples/xen-2006-firstboot-userspace.yaml') - ioSeconds('examples/xen-2006-firstboot-lvm.yaml');
      console.log(`      dm-userspace/qcow first boot predicted: ${(26 + extra).toFixed(1)} s (published 27 s)`);
      checkRow(this, 'first boot, dm-userspace/qcow minus LVM root (s)', extra, 1, 0.5, PENDING.boot);
    });
  });
});
