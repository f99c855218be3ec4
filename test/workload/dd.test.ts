import { expect } from 'chai';
import { InputError } from '../../kernel-lib/base/input-error.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { blockFingerprint } from '../../kernel-lib/block/bio-payload.js';
import { DdRun, ddTransferLine, formatG, parseDdOperands } from '../../kernel-lib/workload/dd.js';
import { FakeDevice } from '../dm/fake-device.js';

describe('workload/dd', () => {
  it('prints the transfer line in coreutils\' format', () => {
    expect(ddTransferLine(1048576000, 23.1)).to.equal('1048576000 bytes (1.0 GB, 1000 MiB) copied, 23.1 s, 45.4 MB/s');
    expect(ddTransferLine(1073741824, 3.51913)).to.equal('1073741824 bytes (1.1 GB, 1.0 GiB) copied, 3.51913 s, 305 MB/s');
    expect(ddTransferLine(512, 0.000123)).to.equal('512 bytes copied, 0.000123 s, 4.2 MB/s');
    expect(formatG(12.3456789)).to.equal('12.3457');
    expect(formatG(0.00005)).to.equal('5e-05');
  });

  it('parses operands with dd\'s units and rejects unknown ones by name', () => {
    const o = parseDdOperands('dd if=/dev/zero of=lv bs=1M count=1000 oflag=direct,dsync conv=fdatasync seek=2');
    expect(o.ibs).to.equal(1 << 20);
    expect(o.count).to.equal(1000);
    expect([...o.oflag]).to.deep.equal(['direct', 'dsync']);
    expect(parseDdOperands(['bs=512KB']).ibs).to.equal(512_000);
    expect(parseDdOperands(['bs=4k']).ibs).to.equal(4096);
    expect(() => parseDdOperands('if=/dev/zero cbs=80', 'run.yaml')).to.throw(InputError, /^run\.yaml: cbs: unsupported operand/);
    expect(() => parseDdOperands('status=loud', 'run.yaml')).to.throw(InputError, /^run\.yaml: status: invalid status level 'loud'/);
    expect(() => parseDdOperands('bs=1Q')).to.throw(InputError, /bs: invalid number '1Q'/);
    expect(() => parseDdOperands('oflag=nocache')).to.throw(InputError, /oflag: invalid oflag 'nocache'/);
  });

  it('copies count blocks one at a time, seeks, flushes with conv=fdatasync and reports the rate', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'lv', 1 << 22, 10_000_000); // 10 ms per block
    const warnings: string[] = [];
    const dd = new DdRun(
      { sim, cpus: null, resolveFile: (n) => (n === 'lv' ? dev : undefined), cpuNsPerIo: 0, copyNsPerByte: 0, source: 'dd', warn: (m) => warnings.push(m) },
      parseDdOperands('if=/dev/zero of=lv bs=1M count=10 seek=3 oflag=direct conv=fdatasync'),
    );
    sim.run({ until: dd.start() });
    const r = dd.result();
    expect(dev.maxInFlight).to.equal(1);
    expect(dev.seen.filter((s) => s.op === 'write').map((s) => s.sector)).to.deep.equal(Array.from({ length: 10 }, (_, i) => (3 + i) * 2048));
    expect(dev.seen[10].op).to.equal('flush');
    expect(r.seconds).to.be.closeTo(0.11, 1e-9);
    expect(r.text).to.equal('10+0 records in\n10+0 records out\n10485760 bytes (10 MB, 10 MiB) copied, 0.11 s, 95.3 MB/s');
    expect(warnings).to.deep.equal([]);
  });

  it('status=none|noxfer|progress print what GNU dd prints; iflag=fullblock changes nothing on devices', () => {
    const run = (ops: string) => {
      const sim = new Simulation();
      const dev = new FakeDevice(sim, 'lv', 1 << 22, 400_000_000); // 0.4 s per block
      const dd = new DdRun({ sim, cpus: null, resolveFile: (n) => (n === 'lv' ? dev : undefined), cpuNsPerIo: 0, copyNsPerByte: 0, source: 'dd', warn: () => {} }, parseDdOperands(ops));
      sim.run({ until: dd.start() });
      return dd.result().text;
    };
    const base = 'if=/dev/zero of=lv bs=1M count=5 oflag=direct';
    expect(run(`${base} status=none`)).to.equal('');
    expect(run(`${base} status=noxfer`)).to.equal('5+0 records in\n5+0 records out');
    // A progress line each second (after 3 blocks at 1.2 s), overwritten in place, then the usual three.
    expect(run(`${base} status=progress`)).to.equal(
      '3145728 bytes (3.1 MB, 3.0 MiB) copied, 1.2 s, 2.6 MB/s\n5+0 records in\n5+0 records out\n5242880 bytes (5.2 MB, 5.0 MiB) copied, 2 s, 2.6 MB/s',
    );
    expect(run(`${base} iflag=fullblock`)).to.equal(run(base));
  });

  it('seek= or skip= at or past the end of the device is an error naming the operand, not 0 bytes at Infinity B/s', () => {
    const sim = new Simulation();
    const dev = new FakeDevice(sim, 'lv', 2048 * 16, 1000); // 16 MiB
    const run = (ops: string) => {
      try {
        new DdRun({ sim, cpus: null, resolveFile: (n) => (n === 'lv' ? dev : undefined), cpuNsPerIo: 0, copyNsPerByte: 0, source: 'dd', warn: () => {} }, parseDdOperands(ops));
      } catch (e) {
        if (e instanceof InputError) return e;
        throw e;
      }
      throw new Error('expected an InputError');
    };
    const seek = run('if=/dev/zero of=lv bs=1M seek=16 count=1');
    expect(seek.message).to.equal('dd: seek: seek=16 starts writing at or past the end of lv (16 blocks of 1048576 bytes)');
    expect(run('if=lv of=/dev/null bs=1M skip=100').field).to.equal('skip');
    expect(run('if=/dev/zero of=lv bs=4k count=99999999999999999999').message).to.match(/count: '99999999999999999999' is beyond 2\^53/);
  });

  /** dd onto (or from) `lv` of `sectors`, 1 ms per bio; its result and the bios it sent. */
  const ddOn = (sectors: number, ops: string) => {
    const sim = new Simulation();
    const fingerprints: (number | null)[] = [];
    const dev = new FakeDevice(sim, 'lv', sectors, (bio) => {
      if (bio.op === 'write') for (let i = 0; i < bio.sectors / 8; i++) fingerprints.push(blockFingerprint(bio, i));
      return 1_000_000;
    });
    const warnings: string[] = [];
    const dd = new DdRun({ sim, cpus: null, resolveFile: (n) => (n === 'lv' ? dev : undefined), cpuNsPerIo: 0, copyNsPerByte: 0, source: 'dd', warn: (m) => warnings.push(m) }, parseDdOperands(ops));
    sim.run({ until: dd.start() });
    return { r: dd.result(), dev, warnings, fingerprints };
  };

  it('writing past the end of a device: the last write is cut short, then ENOSPC, as GNU dd reports it (exit status 1)', () => {
    // 16.25 MiB: 16 whole 1 MiB blocks and a quarter.
    const { r, dev, warnings } = ddOn(2048 * 16 + 512, 'if=/dev/zero of=lv bs=1M count=20 oflag=direct');
    // dd_copy: the 17th block is read (17+0 in), its write is short (no record out, its
    // bytes counted), then "error writing" and EXIT_FAILURE.
    expect(r.text).to.equal("dd: error writing 'lv': No space left on device\n17+0 records in\n16+0 records out\n17039360 bytes (17 MB, 16 MiB) copied, 0.017 s, 1.0 GB/s");
    expect(r.exitStatus).to.equal(1);
    expect(r.bytes).to.equal(16.25 * 2 ** 20);
    expect(dev.seen.map((x) => x.sectors)).to.deep.equal([...Array(16).fill(2048), 512]);
    expect(warnings).to.deep.equal([]);
    // Without count=, /dev/zero fills the device and ends the same way; status=none keeps the error line.
    const fill = ddOn(2048 * 4, 'if=/dev/zero of=lv bs=1M oflag=direct status=none');
    expect(fill.r.text).to.equal("dd: error writing 'lv': No space left on device");
    expect([fill.r.recordsIn, fill.r.recordsOut, fill.r.bytes, fill.r.exitStatus]).to.deep.equal([5, 4, 4 * 2 ** 20, 1]);
    expect(fill.dev.seen).to.have.length(4);
    // count= that fits: no error.
    expect(ddOn(2048 * 4, 'if=/dev/zero of=lv bs=1M count=4 oflag=direct').r.exitStatus).to.equal(0);
  });

  it('reading a device to its end: a short last read is a partial record ("+1"), exit status 0', () => {
    const { r, dev } = ddOn(2048 * 16 + 512, 'if=lv of=/dev/null bs=1M iflag=direct');
    expect(r.text).to.equal('16+1 records in\n16+1 records out\n17039360 bytes (17 MB, 16 MiB) copied, 0.017 s, 1.0 GB/s');
    expect(r.exitStatus).to.equal(0);
    expect(dev.seen.at(-1)).to.include({ op: 'read', sector: 2048 * 16, sectors: 512 });
    expect(ddOn(2048 * 16 + 512, 'if=lv of=/dev/null bs=1M count=3 iflag=direct').r.text).to.match(/^3\+0 records in\n3\+0 records out\n/);
  });

  it('if=/dev/urandom writes unique blocks, if=/dev/zero one repeated zero block (what dedup and VDO see)', () => {
    const urandom = ddOn(2048 * 4, 'if=/dev/urandom of=lv bs=64k count=4 oflag=direct').fingerprints;
    expect(urandom).to.have.length(64);
    expect(urandom.every((f) => f === null)).to.equal(true); // no payload: data no other bio holds
    const zero = ddOn(2048 * 4, 'if=/dev/zero of=lv bs=64k count=4 oflag=direct').fingerprints;
    expect(new Set(zero)).to.deep.equal(new Set([0]));
  });
});
