import { expect } from 'chai';
import type { FlakeyTarget } from '../../../kernel-lib/dm/targets/flakey.js';
import { refusal, setup, submitAt } from './helpers.js';

const S = 1e9;

describe('dm/targets flakey', () => {
  it('errors writes only during the down interval with error_writes; reads always work', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 flakey sdb 100 2 1 1 error_writes');
    // up during [0, 2) s, down during [2, 3) s, up again during [3, 5) s, ...
    const times = [0.5, 1.999, 2.0, 2.5, 2.999, 3.0, 4.5, 5.2];
    const writes = times.map((t) => submitAt(sim, md, t * S, 'write', 0, 8));
    const reads = times.map((t) => submitAt(sim, md, t * S, 'read', 8, 8));
    sim.run();
    expect(writes.map((d) => d.bio.status)).to.deep.equal([null, null, 'EIO', 'EIO', 'EIO', null, null, 'EIO']);
    expect(reads.map((d) => d.bio.status)).to.deep.equal(times.map(() => null));
    // Errored writes end at once and never reach the device; the others are remapped by <offset>.
    expect(writes[2].at).to.equal(2 * S);
    expect(devs.sdb.seen.filter((s) => s.op === 'write').map((s) => s.sector)).to.deep.equal([100, 100, 100, 100]);
  });

  it('drop_writes: writes during the down interval succeed without reaching the device', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 flakey sdb 0 1 1 1 drop_writes');
    const up = submitAt(sim, md, 0.5 * S, 'write', 0, 8);
    const down = submitAt(sim, md, 1.5 * S, 'write', 0, 8);
    sim.run();
    expect([up.bio.status, down.bio.status]).to.deep.equal([null, null]);
    expect(up.at).to.equal(0.5 * S + 1000);
    expect(down.at).to.equal(1.5 * S);
    expect(devs.sdb.seen).to.have.length(1);
    expect((md.targets[0].target as FlakeyTarget).counts.dropped).to.equal(1);
  });

  it('with no features everything fails while down; corrupt_bio_byte changes no timing', () => {
    const { sim, create } = setup();
    const md = create('0 1000 flakey sdb 0 1 1\n1000 1000 flakey sdc 0 1 1 5 corrupt_bio_byte 32 r 1 0');
    const r = submitAt(sim, md, 1.5 * S, 'read', 0, 8);
    const c = submitAt(sim, md, 1.5 * S, 'read', 1000, 8);
    sim.run();
    expect(r.bio.status).to.equal('EIO');
    expect(c.bio.status).to.equal(null);
    expect(c.at).to.equal(1.5 * S + 1000);
    expect(md.targets[1].target.statusLine!()).to.equal('');
  });

  it('error_reads alone fails reads while down and lets writes through', () => {
    const { sim, devs, create } = setup();
    const md = create('0 1000 flakey sdb 0 0 1 1 error_reads');
    const r = submitAt(sim, md, 0, 'read', 0, 8);
    const w = submitAt(sim, md, 0, 'write', 0, 8);
    sim.run();
    expect([r.bio.status, w.bio.status]).to.deep.equal(['EIO', null]);
    expect(devs.sdb.seen.map((s) => s.op)).to.deep.equal(['write']);
  });

  it('error_reads with drop_writes: reads fail, writes are dropped', () => {
    const { sim, create } = setup();
    const md = create('0 1000 flakey sdb 0 0 1 2 error_reads drop_writes');
    const r = submitAt(sim, md, 0, 'read', 0, 8);
    const w = submitAt(sim, md, 0, 'write', 0, 8);
    sim.run();
    expect([r.bio.status, w.bio.status]).to.deep.equal(['EIO', null]);
  });

  it('refuses tables as flakey_ctr does', () => {
    const { create } = setup();
    expect(refusal(() => create('0 100 flakey sdb 0 1'))).to.match(/^t\.yaml:1: flakey: Invalid argument count: 3/);
    expect(refusal(() => create('0 100 flakey sdb 0 0 0'))).to.match(/down interval: flakey: Total \(up \+ down\) interval is zero/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 x'))).to.match(/down interval: flakey: Invalid down interval 'x'/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 1 bogus'))).to.match(/feature: flakey: Unrecognised flakey feature requested 'bogus'/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 2 drop_writes error_writes'))).to.match(/Feature error_writes conflicts with feature drop_writes/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 2 drop_writes drop_writes'))).to.match(/Feature drop_writes duplicated/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 5 drop_writes corrupt_bio_byte 1 w 0'))).to.match(/corrupt_bio_byte requires parameters/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 3 drop_writes'))).to.match(/#feature args: flakey: Invalid number of feature args/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 6 drop_writes corrupt_bio_byte 1 w 0 0'))).to.match(/drop_writes is incompatible with corrupt_bio_byte/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 5 corrupt_bio_byte 1 x 0 0'))).to.match(/Invalid corrupt bio direction/);
    expect(refusal(() => create('0 100 flakey sdb 0 1 1 6 error_reads corrupt_bio_byte 1 r 0 0'))).to.match(/error_reads is incompatible with/);
  });
});
