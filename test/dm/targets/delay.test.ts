import { expect } from 'chai';
import { REQ_PREFLUSH } from '../../../kernel-lib/block/bio.js';
import type { DelayTarget } from '../../../kernel-lib/dm/targets/delay.js';
import { refusal, setup, submitAt } from './helpers.js';

const MS = 1_000_000;

describe('dm/targets delay', () => {
  it('adds exactly its delay to a read, remapped to <dev> at <offset>', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 delay sdb 500 20');
    const r = submitAt(sim, md, 0, 'read', 10, 8);
    sim.run({ until: 10 * MS });
    expect((md.targets[0].target as DelayTarget).statusLine()).to.equal('1 0 0'); // held
    sim.run();
    expect(r.at).to.equal(20 * MS + 1000);
    expect(devs.sdb.seen).to.deep.include({ op: 'read', sector: 510, sectors: 8, flags: 0, at: 20 * MS });
    expect((md.targets[0].target as DelayTarget).statusLine()).to.equal('0 0 0');
  });

  it('gives reads, writes and flushes their own device, offset and delay', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 delay sdb 0 0 sdc 100 5 sdd 200 7');
    const r = submitAt(sim, md, 0, 'read', 0, 8);
    const w = submitAt(sim, md, 0, 'write', 0, 8);
    const pf = submitAt(sim, md, 0, 'write', 8, 8, REQ_PREFLUSH);
    const f = submitAt(sim, md, 0, 'flush', 0, 0);
    sim.run();
    expect(r.at).to.equal(1000); // zero delay: straight through
    expect(w.at).to.equal(5 * MS + 1000);
    expect(pf.at).to.equal(7 * MS + 1000);
    expect(f.at).to.equal(7 * MS + 1000);
    expect(devs.sdc.seen.map((s) => s.sector)).to.deep.equal([100]);
    expect(devs.sdd.seen.map((s) => s.sector)).to.deep.equal([208, 0]);
  });

  it('with 6 arguments, flushes take the write class', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 delay sdb 0 1 sdc 0 3');
    const f = submitAt(sim, md, 0, 'flush', 0, 0);
    sim.run();
    expect(f.at).to.equal(3 * MS + 1000);
    expect(devs.sdc.seen).to.have.length(1);
  });

  it('refuses tables as delay_ctr does', () => {
    const { create } = setup();
    expect(refusal(() => create('0 100 delay sdb 0'))).to.match(/^t\.yaml:1: delay: Requires exactly 3, 6 or 9 arguments, got 2/);
    expect(refusal(() => create('0 100 delay sdb x 5'))).to.match(/^t\.yaml:1: read offset: delay: Invalid device sector 'x'/);
    expect(refusal(() => create('0 100 delay sdb 0 5 sdc 0 -1'))).to.match(/^t\.yaml:1: write delay: delay: Invalid delay '-1'/);
    expect(refusal(() => create('0 100 delay sdb 9950 5'))).to.match(/read offset: delay: sdb too small for target/);
  });
});
