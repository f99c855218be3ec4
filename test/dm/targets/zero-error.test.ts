import { expect } from 'chai';
import { REQ_RAHEAD } from '../../../kernel-lib/block/bio.js';
import { refusal, setup, submitAt } from './helpers.js';

describe('dm/targets zero and error', () => {
  it('zero: reads and writes complete at once and reach no device', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 zero\n1000 1000 linear sdb 0');
    const r = submitAt(sim, md, 5, 'read', 0, 8);
    const w = submitAt(sim, md, 5, 'write', 100, 8);
    const ra = submitAt(sim, md, 5, 'read', 200, 8, REQ_RAHEAD);
    const l = submitAt(sim, md, 5, 'read', 1000, 8);
    sim.run();
    expect([r.at, w.at, r.bio.status, w.bio.status]).to.deep.equal([5, 5, null, null]);
    expect(ra.bio.status).to.equal('EIO'); // zero_map fails readahead
    expect(l.at).to.equal(1005); // the linear half takes the device's 1 us
    expect(devs.sdb.seen.map((s) => s.sector)).to.deep.equal([0]);
    expect(md.targets[0].target.statusLine!()).to.equal('');
  });

  it('zero: refuses arguments as zero_ctr does', () => {
    const { create } = setup();
    expect(refusal(() => create('0 100 zero sdb'))).to.equal('t.yaml:1: zero: No arguments required');
  });

  it('error: every bio fails with EIO at once, flushes included', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 linear sdb 0\n1000 1000 error');
    const w = submitAt(sim, md, 0, 'write', 1000, 8);
    const f = submitAt(sim, md, 0, 'flush', 0, 0);
    const span = submitAt(sim, md, 0, 'read', 996, 8); // half on linear, half on error
    const ok = submitAt(sim, md, 0, 'read', 0, 8);
    sim.run();
    expect(w.bio.status).to.equal('EIO');
    expect(w.at).to.equal(0);
    expect(f.bio.status).to.equal('EIO');
    expect(span.bio.status).to.equal('EIO');
    expect(ok.bio.status).to.equal(null);
    expect(devs.sdb.seen.filter((s) => s.op === 'write')).to.have.length(0);
  });
});
