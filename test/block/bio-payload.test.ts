import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { blockFingerprint, bioPayload, inheritBioPayload, setBioPayload, ZERO_PAYLOAD } from '../../kernel-lib/block/bio-payload.js';
import type { DeviceFactory } from '../../kernel-lib/scenario/build.js';
import { runScenario } from '../../kernel-lib/scenario/run.js';
import { FakeDevice } from '../dm/fake-device.js';

/** A fake-device factory that records the fingerprint of every 4 KiB block written, per device. */
function recording(): { factory: DeviceFactory; blocks: Map<string, (number | null)[]> } {
  const blocks = new Map<string, (number | null)[]>();
  const factory: DeviceFactory = (sim, _cpus, spec) => {
    const dev = new FakeDevice(sim, spec.name, 2048 * 64, 10_000);
    dev.record = false;
    const list: (number | null)[] = [];
    blocks.set(spec.name, list);
    const submit = dev.submit.bind(dev);
    dev.submit = (bio: Bio) => {
      if (bio.op === 'write') for (let i = 0; i < bio.sectors / 8; i++) list.push(blockFingerprint(bio, i));
      return submit(bio);
    };
    return dev;
  };
  return { factory, blocks };
}

function fio(job: string, extraDevice = ''): object {
  return {
    devices: { sda: 'fake', ...(extraDevice ? { sdb: 'fake' } : {}) },
    ...(extraDevice ? { targets: { both: extraDevice } } : {}),
    workload: { fio: `[j]\nfilename=${extraDevice ? '/dev/mapper/both' : 'sda'}\ndirect=1\nrw=write\nsize=1M\n${job}\n` },
  };
}

describe('block/bio-payload', () => {
  it('a bio without a payload holds unique data; a payload gives each 4 KiB block its fingerprint', () => {
    const b = new Bio('write', 0, 16);
    expect(bioPayload(b)).to.equal(null);
    expect(blockFingerprint(b, 0)).to.equal(null);
    setBioPayload(b, { fingerprint: 100, blocks: 'distinct', compressPercentage: 50 });
    expect([blockFingerprint(b, 0), blockFingerprint(b, 1)]).to.deep.equal([100, 101]);
    setBioPayload(b, ZERO_PAYLOAD);
    expect([blockFingerprint(b, 0), blockFingerprint(b, 1)]).to.deep.equal([0, 0]);
  });

  it('a clone or a piece of a bio holds the blocks of its range of the parent', () => {
    const parent = new Bio('write', 64, 32);
    setBioPayload(parent, { fingerprint: 1000, blocks: 'distinct', compressPercentage: 0 });
    const piece = parent.child('write', 80, 16, 0, null, null);
    expect([blockFingerprint(piece, 0), blockFingerprint(piece, 1)]).to.deep.equal([1002, 1003]);
    const clone = new Bio('write', 72, 8);
    inheritBioPayload(clone, parent, 8);
    expect(blockFingerprint(clone, 0)).to.equal(1001);
    expect(parent.child('read', 64, 8, 0, null, null).thread).to.equal(parent.thread);
  });

  it('fio dedupe_percentage=0 with buffer_compress_percentage writes every block once; 100 repeats earlier blocks', () => {
    const unique = recording();
    runScenario(fio('bs=64k\nbuffer_compress_percentage=50'), { createDevice: unique.factory });
    const u = unique.blocks.get('sda')!;
    expect(u).to.have.length(256);
    expect(new Set(u).size).to.equal(256);
    const dup = recording();
    runScenario(fio('bs=64k\ndedupe_percentage=100'), { createDevice: dup.factory });
    const d = dup.blocks.get('sda')!;
    // The first buffer is new (nothing to repeat yet); every later one repeats earlier blocks.
    expect(new Set(d).size).to.equal(16);
  });

  it('dedupe_percentage=50: about half the writes repeat earlier content (seeded, within 3 sigma)', () => {
    const r = recording();
    runScenario(fio('bs=4k\ndedupe_percentage=50\nsize=4M'), { createDevice: r.factory });
    const blocks = r.blocks.get('sda')!;
    const n = blocks.length;
    const repeats = n - new Set(blocks).size;
    // Binomial(n - 1, 0.5): the first write is always new.
    expect(Math.abs(repeats - (n - 1) / 2)).to.be.below(3 * Math.sqrt((n - 1) / 4));
  });

  it('zero_buffers and buffer_pattern: every block the same; different patterns differ', () => {
    const z = recording();
    runScenario(fio('bs=16k\nzero_buffers'), { createDevice: z.factory });
    expect(new Set(z.blocks.get('sda'))).to.deep.equal(new Set([0]));
    const p = recording();
    runScenario(fio('bs=16k\nbuffer_pattern=0xdeadbeef'), { createDevice: p.factory });
    const q = recording();
    runScenario(fio('bs=16k\nbuffer_pattern=0xfeedface'), { createDevice: q.factory });
    expect(new Set(p.blocks.get('sda')).size).to.equal(1);
    expect(p.blocks.get('sda')![0]).to.not.equal(q.blocks.get('sda')![0]);
  });

  it('scramble_buffers=0 without refill: fio reuses its iodepth buffers, so writes repeat every iodepth I/Os', () => {
    const r = recording();
    runScenario(fio('bs=4k\nioengine=libaio\niodepth=4\nscramble_buffers=0'), { createDevice: r.factory });
    expect(new Set(r.blocks.get('sda')).size).to.equal(4);
  });

  it('dd if=/dev/zero writes zero blocks, if=/dev/urandom unique ones, through a dm-linear clone', () => {
    for (const [input, expectSame] of [['/dev/zero', true], ['/dev/urandom', false]] as const) {
      const r = recording();
      runScenario({ devices: { sda: 'fake' }, targets: { lin: '0 131072 linear sda 0' }, workload: { dd: `if=${input} of=/dev/mapper/lin bs=64k count=4 oflag=direct` } }, { createDevice: r.factory });
      const blocks = r.blocks.get('sda')!;
      expect(blocks).to.have.length(64);
      if (expectSame) expect(new Set(blocks)).to.deep.equal(new Set([0]));
      else expect(blocks.every((b) => b === null)).to.equal(true);
    }
  });
});
