import { expect } from 'chai';
import type { StripedTarget } from '../../../kernel-lib/dm/targets/striped.js';
import { refusal, setup, submitAt } from './helpers.js';

describe('dm/targets striped', () => {
  it('sends chunk i to stripe i mod n at (i div n) * chunk + offset within the chunk, plus the stripe offset', () => {
    const { sim, devs, create } = setup();
    // 3 stripes of 8-sector chunks; stripe width 2400 = 300 chunks.
    const md = create('0 7200 striped 3 8 sdb 0 sdc 100 sdd 2000');
    // One 64-sector write from sector 4: chunks 0..8 touched; pieces split at chunk boundaries.
    submitAt(sim, md, 0, 'write', 4, 64);
    sim.run();
    const expected: Record<string, [number, number][]> = { sdb: [], sdc: [], sdd: [] };
    const starts = { sdb: 0, sdc: 100, sdd: 2000 } as Record<string, number>;
    const names = ['sdb', 'sdc', 'sdd'];
    for (let s = 4; s < 68; ) {
      const chunk = Math.floor(s / 8);
      const len = Math.min(68, (chunk + 1) * 8) - s;
      const dev = names[chunk % 3];
      expected[dev].push([starts[dev] + Math.floor(chunk / 3) * 8 + (s % 8), len]);
      s += len;
    }
    for (const n of names) expect(devs[n].seen.map((x) => [x.sector, x.sectors]), n).to.deep.equal(expected[n]);
    expect(expected.sdb[0]).to.deep.equal([4, 4]); // the hand-checked first piece
    expect(expected.sdc[0]).to.deep.equal([100, 8]);
  });

  it('works with a chunk size that is not a power of two, and a second target after it', () => {
    const { sim, devs, create } = setup();
    const md = create('0 120 striped 2 12 sdb 0 sdc 0\n120 100 linear sde 0');
    submitAt(sim, md, 0, 'read', 36, 12); // chunk 3 -> stripe 1, chunk 1 on it
    submitAt(sim, md, 0, 'read', 120, 8);
    sim.run();
    expect(devs.sdc.seen.map((x) => [x.sector, x.sectors])).to.deep.equal([[12, 12]]);
    expect(devs.sde.seen.map((x) => [x.sector, x.sectors])).to.deep.equal([[0, 8]]);
  });

  it('sends a flush to every stripe and prints the status line as stripe_status does', () => {
    const { sim, devs, create } = setup();
    const md = create('0 2048 striped 2 64 /dev/sdb 0 /dev/sdc 0');
    const f = submitAt(sim, md, 0, 'flush', 0, 0);
    sim.run();
    expect(devs.sdb.seen.length + devs.sdc.seen.length).to.equal(2);
    expect(f.at).to.equal(1000);
    const t = md.targets[0].target as StripedTarget;
    expect(t.statusLine()).to.equal('2 sdb sdc 1 AA');
  });

  it('refuses tables as stripe_ctr does, naming the field', () => {
    const { create } = setup();
    expect(refusal(() => create('0 100 striped 2'))).to.match(/^t\.yaml:1: chunk size: striped: Not enough arguments/);
    expect(refusal(() => create('0 100 striped 0 8'))).to.match(/^t\.yaml:1: #stripes: striped: Invalid stripe count '0'/);
    expect(refusal(() => create('0 100 striped 2 0 sdb 0 sdc 0'))).to.match(/Invalid chunk_size '0'/);
    expect(refusal(() => create('0 99 striped 2 8 sdb 0 sdc 0'))).to.match(/^t\.yaml:1: length: striped: Target length not divisible by number of stripes/);
    expect(refusal(() => create('0 100 striped 2 8 sdb 0 sdc 0'))).to.match(/^t\.yaml:1: chunk size: striped: Target length not divisible by chunk size/);
    expect(refusal(() => create('0 96 striped 2 8 sdb 0'))).to.match(/Not enough destinations specified/);
    expect(refusal(() => create('0 96 striped 2 8 sdb 0 sdc 9990'))).to.match(/^t\.yaml:1: stripe 1 offset: striped: sdc too small for target/);
    expect(refusal(() => create('0 96 striped 2 8 sdb 0 nope 0'))).to.match(/stripe 1 dev: striped: <stripe 1 dev>: no device 'nope'/);
  });
});
