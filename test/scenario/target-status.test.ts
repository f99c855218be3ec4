// Target status in run results (a snapshot that becomes Invalid must be visible in the JSON,
// the text summary, the warnings and the metrics), and parameter checking up front.
import { expect } from 'chai';
import { inputErrorOf as error } from '../helpers/input-error.js';
import { loadScenario, runScenario } from '../../kernel-lib/scenario/run.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeFactory } from './helpers.js';

/** Origin 16 MiB, a COW volume of `cowKiB`, a persistent snapshot with 16 KiB chunks, sequential origin writes. */
function snapScenario(cowKiB: number, params: Record<string, unknown> = {}): object {
  return {
    description: 'origin writes with a snapshot',
    seed: 1,
    params,
    devices: { sda: 'fake-100us-64m' },
    volumes: { 'base-real': { device: 'sda', offset: 0, size: '16M' }, cow: { device: 'sda', offset: '32M', size: `${cowKiB}K` } },
    targets: { base: '0 32768 snapshot-origin base-real', snap: '0 32768 snapshot base-real cow P 32' },
    workload: { fio: '[w]\nfilename=/dev/mapper/base\nrw=write\nbs=16k\nsize=4m\ndirect=1\nioengine=psync\n' },
  };
}

describe('scenario/target status', () => {
  it('a snapshot whose COW volume fills up is reported Invalid; the run completes and origin writes go on', () => {
    // 160 KiB of COW: header + area + 8 data chunks; the 256 origin writes need 256 copies.
    const r = runScenario(snapScenario(160), { createDevice: fakeFactory });
    const write = r.fio!.jobs[0].write;
    expect(write.io_bytes).to.equal(4 * 1024 * 1024);
    expect(write.total_ios).to.equal(256);
    const devs = Object.fromEntries(r.dmsim.devices.map((d) => [d.name, d]));
    const snap = devs.snap.status[0];
    expect(snap).to.include({ begin: 0, length: 32768, type: 'snapshot', state: 'Invalid', invalid_reason: 'ENOSPC', dmsetup: 'Invalid' });
    expect(snap.invalid_at_s).to.be.above(0);
    expect(devs.base.status[0]).to.include({ type: 'snapshot-origin' });
    // Every origin write completed; after the snapshot became invalid they went straight through.
    expect(devs.base.status[0].writesHeld).to.be.at.most(8);
    expect(devs.base.status[0].writesPassed).to.be.at.least(248);
    // Devices and volumes have no status.
    expect(devs.sda.status).to.equal(undefined);
    expect(devs.cow.status).to.equal(undefined);
    const warning = r.dmsim.warnings.find((w) => /snapshot snap is Invalid \(ENOSPC at [0-9.]+ s\): the COW device is full/.test(w));
    expect(warning, r.dmsim.warnings.join('\n')).to.not.equal(undefined);
    expect(r.text()).to.include(`dmsim: warning: ${warning}`);
    expect(r.metrics().snap_invalid).to.equal(true);
    expect(r.metrics()).to.not.have.property('base_invalid');
    // And it survives JSON.
    expect(JSON.parse(JSON.stringify(r.toJSON())).dmsim.devices.find((d: { name: string }) => d.name === 'snap').status[0].state).to.equal('Invalid');
  });

  it('a snapshot with room stays Active, without a warning', () => {
    const r = runScenario(snapScenario(8192), { createDevice: fakeFactory });
    const snap = r.dmsim.devices.find((d) => d.name === 'snap')!.status[0];
    expect(snap.state).to.equal('Active');
    expect(snap.exceptions).to.equal(256);
    expect(r.dmsim.warnings).to.deep.equal([]);
    expect(r.metrics().snap_invalid).to.equal(false);
  });
});

describe('scenario/params: kcopyd.* and snapshot.* checked up front', () => {
  /** A stack without any snapshot: nothing would ever parse these keys at build time. */
  const plain = (params: Record<string, unknown>) => ({
    seed: 1,
    params,
    devices: { sda: 'fake-100us-64m' },
    workload: { dd: 'if=/dev/zero of=sda bs=64k count=10 oflag=direct' },
  });

  it('a misspelt or bad key fails without a snapshot target, naming the key', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'kcopyd.requeu': 'head' }, /kcopyd\.requeu: unknown kcopyd parameter \(known: requeue,/],
      [{ 'kcopyd.requeue': 'middle' }, /kcopyd\.requeue: expected one of "tail", "head", got "middle"/],
      [{ 'kcopyd.subJobKiB': 2048 }, /kcopyd\.subJobKiB: expected an integer in 4\.\.1024, got 2048/],
      [{ 'snapshot.lockin': 'mutex' }, /snapshot\.lockin: unknown snapshot parameter/],
      [{ 'snapshot.cowThreshold': -1 }, /snapshot\.cowThreshold: expected an integer >= 0/],
      [{ 'snapshot.originWrite': 'sometimes' }, /snapshot\.originWrite: expected one of "primary-pe", "retry"/],
    ];
    for (const [params, re] of cases) {
      const e = error(() => loadScenario(plain(params)));
      expect(e.message, JSON.stringify(params)).to.match(re);
      expect(e.field, JSON.stringify(params)).to.equal(Object.keys(params)[0]);
      // Also through --set, and when running.
      expect(error(() => loadScenario(plain({}), { set: params })).message).to.match(re);
      expect(error(() => runScenario(plain(params), { createDevice: fakeFactory })).message).to.match(re);
    }
    // Good keys pass, with or without a kernel preset.
    expect(() => loadScenario(plain({ kernel: '2.6.21', 'kcopyd.requeue': 'head', 'snapshot.locking': 'fine-grained' }))).to.not.throw();
  });

  it('points at the key\'s line in a scenario file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmsim-params-'));
    const file = path.join(dir, 'typo.yaml');
    fs.writeFileSync(file, 'seed: 1\nparams:\n  kernel: "2.6.21"\n  kcopyd.pags: 64\ndevices:\n  sda: fake-100us-64m\nworkload:\n  dd: if=/dev/zero of=sda bs=64k count=10\n');
    expect(error(() => loadScenario(file)).message).to.match(/typo\.yaml:4: kcopyd\.pags: unknown kcopyd parameter/);
  });
});
