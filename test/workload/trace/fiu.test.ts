import { expect } from 'chai';
import * as fs from 'node:fs';
import { inputErrorOf as error } from '../../helpers/input-error.js';
import { FIU_FINGERPRINT_BASE, parseFiu } from '../../../kernel-lib/workload/trace/fiu.js';
import { parseTrace, TraceReplay } from '../../../kernel-lib/workload/trace/index.js';
import { Bio } from '../../../kernel-lib/block/bio.js';
import { blockFingerprint, bioPayload } from '../../../kernel-lib/block/bio-payload.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import '../../../kernel-lib/dm/dedup/index.js';
import type { DedupTarget } from '../../../kernel-lib/dm/dedup/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../../dm/fake-device.js';

const ZERO = '620f0b67a91f7f74151bc5be745b7110';
const A = '56f11b711d91a065a2b6458eca924523';
const B = 'bf2879e23d4af01d04985d518d1d7ac6';
// The example trace: written for dmsim in the FIU format (examples/traces/make-fiu-mail-small.mjs).
const FIXTURE = 'examples/traces/fiu-mail-small.trace';

describe('workload/trace/fiu', () => {
  it('one page per line, ns timestamps; an MD5 names a content: equal digests, equal fingerprints; the zero page is 0', () => {
    const text = [
      `89968195792462 20782 gzip 283193184 8 R 6 0 ${A}`,
      `89968195793462 20782 gzip 1000 8 W 6 0 ${A}`,
      `89968195794000 977 syslogd 2000 8 W 6 0 ${B.toUpperCase()}`,
      `89968195795000 977 syslogd 3000 8 W 6 0 ${B}`,
      `89968195796000 977 syslogd 4000 8 w 6 0 ${ZERO}`,
      `89968195797000 977 syslogd 5000 16 W 6 0 ${A} ${ZERO}`,
      '',
    ].join('\n');
    const r = parseFiu(text, 'mail.1');
    expect(r.map((x) => [x.timeNs, x.op, x.sector, x.sectors])).to.deep.equal([
      [0, 'read', 283193184, 8],
      [1000, 'write', 1000, 8],
      [1538, 'write', 2000, 8],
      [2538, 'write', 3000, 8],
      [3538, 'write', 4000, 8],
      [4538, 'write', 5000, 16],
    ]);
    expect(r[0].payload).to.equal(undefined); // a read reads what the device holds
    const fp = (i: number, block = 0) => {
      const bio = new Bio('write', 0, r[i].sectors);
      bio.payload = r[i].payload ?? null;
      return blockFingerprint(bio, block);
    };
    expect(fp(1)).to.equal(FIU_FINGERPRINT_BASE); // numbered in order of first appearance
    expect(fp(2)).to.equal(FIU_FINGERPRINT_BASE + 1);
    expect(fp(3)).to.equal(fp(2)); // digests are hex: case does not matter
    expect(fp(4)).to.equal(0);
    expect([fp(5, 0), fp(5, 1)]).to.deep.equal([fp(1), 0]); // one digest per page, in order
    expect(parseTrace('fiu', text, 'mail.1')).to.deep.equal(r);
    // Only one device's I/Os when asked; a mix of devices without `from` is refused, naming them.
    expect(parseFiu(`1 1 a 8 8 W 6 0 ${A}\n2 1 a 16 8 W 9 0 ${A}\n`, 'x', { from: '9,0' }).map((x) => x.sector)).to.deep.equal([16]);
    expect(() => parseFiu(`1 1 a 8 8 W 6 0 ${A}\n2 1 a 16 8 W 9 0 ${A}\n`, 'x')).to.throw(/2 devices \(device 6,0: 1, 9,0: 1\)/);
  });

  it('malformed lines: an error naming the file, the line and the field', () => {
    const bad = (line: string) => error(() => parseFiu(`1 1 p 8 8 W 6 0 ${A}\n${line}\n`, 'web.trace')).message;
    expect(bad(`2 1 p 8 8 W 6 ${A}`)).to.equal('web.trace:2: expected 9 fields (ts pid process lba size op major minor md5), got 8');
    expect(bad(`2 1 p 8 8 X 6 0 ${A}`)).to.equal("web.trace:2: op: 'X' is not W or R");
    expect(bad(`2 1 p -8 8 W 6 0 ${A}`)).to.equal("web.trace:2: lba: '-8' is not a whole number");
    expect(bad(`2.5 1 p 8 8 W 6 0 ${A}`)).to.equal("web.trace:2: ts: '2.5' is not a whole number");
    expect(bad(`2 1 p 8 0 W 6 0 ${A}`)).to.equal('web.trace:2: size: an I/O of 0 sectors');
    expect(bad(`2 1 p 8 16 W 6 0 ${A}`)).to.equal('web.trace:2: md5: 16 sectors are 2 pages of 4 KiB and need as many MD5s, got 1');
    expect(bad('2 1 p 8 8 W 6 0 56f11b711d91a065')).to.equal("web.trace:2: md5: '56f11b711d91a065' is not an MD5 (32 hex digits)");
    expect(bad(`2 1 p 99999999999999999999 8 W 6 0 ${A}`)).to.match(/^web\.trace:2: lba: 99999999999999999999 is beyond 2\^53/);
    expect(error(() => parseFiu('\n\n', 'empty.trace')).message).to.equal('empty.trace: no I/Os in the trace');
  });

  it('a line of two pages: dm core splits it into the target\'s blocks and each block gets its own digest', () => {
    const text = `1 1 p 800 16 W 6 0 ${A} ${B}\n2 1 p 1600 8 W 6 0 ${B}\n3 1 p 2400 8 W 6 0 ${A}\n`;
    const records = parseFiu(text, 't');
    const sim = new Simulation({ seed: 1 });
    const devs: Record<string, FakeDevice> = { meta: new FakeDevice(sim, 'meta', 1 << 16, 20_000), data: new FakeDevice(sim, 'data', 1 << 20, 50_000) };
    const ctx = { sim, cpus: null, params: {}, deviceName: 'dd', lookupDevice: (d: string) => devs[d] };
    const dev = createMappedDevice(ctx, `0 ${1 << 20} dedup meta data 4096 md5 cowbtree 100`);
    const target = dev.targets[0].target as unknown as DedupTarget;
    const replay = new TraceReplay(sim, null, dev, records, { mode: 'closed', iodepth: 1, speed: 1 });
    sim.process(function* () {
      yield target.ready as NonNullable<typeof target.ready>;
      yield replay.start();
    });
    sim.run();
    expect(target.counters.writes).to.equal(4); // 2 + 1 + 1 blocks
    expect(target.counters.uniqwrites).to.equal(2); // A and B
    expect(target.counters.dupwrites).to.equal(2);
  });

  it('replayed on dm-dedup: a page written again under the same MD5 is stored once; reads return what was written', function () {
    this.timeout(0);
    const records = parseFiu(fs.readFileSync(FIXTURE, 'utf8'), FIXTURE);
    // What the trace says: distinct write digests, and each LBN's last digest.
    const lines = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => l.split(' '));
    const writes = lines.filter((w) => w[5] === 'W');
    const distinct = new Set(writes.map((w) => w[8]));
    expect(writes.length - distinct.size).to.be.greaterThan(300); // the fixture has duplicates to find
    const sim = new Simulation({ seed: 1 });
    const meta = new FakeDevice(sim, 'meta', 1 << 16, 20_000);
    const data = new FakeDevice(sim, 'data', 1 << 20, 50_000);
    const devs: Record<string, FakeDevice> = { meta, data };
    const ctx = { sim, cpus: null, params: {}, deviceName: 'dd', lookupDevice: (d: string) => devs[d] };
    const dev = createMappedDevice(ctx, `0 ${1 << 20} dedup meta data 4096 md5 cowbtree 100`);
    const target = dev.targets[0].target as unknown as DedupTarget;
    const replay = new TraceReplay(sim, null, dev, records, { mode: 'closed', iodepth: 4, speed: 1 });
    const last = new Map<number, number>(); // lbn -> fingerprint the trace wrote last
    for (const r of records) if (r.op === 'write') last.set(r.sector / 8, blockFingerprint(Object.assign(new Bio('write', 0, 8), { payload: r.payload }), 0)!);
    const readBack = new Map<number, number | undefined>();
    sim.process(function* () {
      yield target.ready as NonNullable<typeof target.ready>;
      yield replay.start();
      for (const lbn of last.keys()) {
        const bio = new Bio('read', lbn * 8, 8);
        const done = bio.wait(sim);
        yield* dev.submit(bio);
        yield done;
        readBack.set(lbn, bioPayload(bio)?.fingerprint);
      }
    });
    sim.run();
    expect(replay.errors).to.equal(0);
    expect(target.counters.writes).to.equal(writes.length);
    expect(target.counters.uniqwrites).to.equal(distinct.size);
    expect(target.counters.dupwrites).to.equal(writes.length - distinct.size);
    expect(target.counters.dataWrites).to.equal(distinct.size);
    expect(data.diskStats().writeIos).to.equal(distinct.size);
    expect([...readBack]).to.deep.equal([...last]);
  });
});
