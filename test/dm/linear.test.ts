import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { createMappedDevice, InputError, type TargetContext } from '../../kernel-lib/dm/index.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { FakeDevice } from './fake-device.js';

function setup() {
  const sim = new Simulation({ seed: 1 });
  const sdb = new FakeDevice(sim, 'sdb', 10_000, 1000);
  const sdc = new FakeDevice(sim, 'sdc', 10_000, 1000);
  const devs: Record<string, FakeDevice> = { sdb, sdc };
  const ctx: TargetContext = {
    sim,
    cpus: null,
    params: {},
    deviceName: 'striped',
    lookupDevice: (n) => devs[n.replace(/^\/dev\//, '')],
  };
  return { sim, sdb, sdc, ctx };
}

describe('dm/linear', () => {
  it('remaps sector = offset + (sector - begin) and splits at target boundaries', () => {
    const { sim, sdb, sdc, ctx } = setup();
    const md = createMappedDevice(ctx, '0 1000 linear /dev/sdb 500\n1000 1000 linear sdc 7000');
    expect(md.sizeSectors).to.equal(2000);
    const bio = new Bio('write', 990, 20);
    let doneAt = NaN;
    bio.endIo = () => (doneAt = sim.now);
    sim.process(function* () {
      yield* md.submit(bio);
    });
    sim.run();
    expect(sdb.seen.map((s) => [s.sector, s.sectors])).to.deep.equal([[1490, 10]]);
    expect(sdc.seen.map((s) => [s.sector, s.sectors])).to.deep.equal([[7000, 10]]);
    expect(doneAt).to.equal(1000); // both halves in parallel, 1 us each
    expect(bio.sector).to.equal(990); // the original is untouched
    const st = md.diskStats();
    expect(st.writeIos).to.equal(1);
    expect(st.writeSectors).to.equal(20);
  });

  it('sends a flush to every target and completes the original once', () => {
    const { sim, sdb, sdc, ctx } = setup();
    const md = createMappedDevice(ctx, '0 1000 linear sdb 0\n1000 1000 linear sdc 0');
    const flush = new Bio('flush', 0, 0);
    let completions = 0;
    flush.endIo = () => completions++;
    sim.process(function* () {
      yield* md.submit(flush);
    });
    sim.run();
    expect(sdb.seen.length + sdc.seen.length).to.equal(2);
    expect(completions).to.equal(1);
  });

  it('fails an I/O beyond the end of the mapped device with EIO', () => {
    const { sim, sdb, ctx } = setup();
    const md = createMappedDevice(ctx, '0 1000 linear sdb 0');
    const bio = new Bio('read', 999, 8);
    sim.process(function* () {
      yield* md.submit(bio);
    });
    sim.run();
    expect(bio.status).to.equal('EIO');
    expect(sdb.seen).to.have.length(0);
  });

  it('names the line and argument of constructor errors', () => {
    const { ctx } = setup();
    const bad = (t: string) => {
      try {
        createMappedDevice(ctx, t, { file: 'x.yaml', line: 10 });
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        return (e as InputError).message;
      }
      throw new Error('no error');
    };
    expect(bad('0 100 linear sdb')).to.equal('x.yaml:10: offset: linear: missing argument <offset> (expects <dev> <offset>)');
    expect(bad('0 100 linear nope 0')).to.match(/^x\.yaml:10: dev: linear: <dev>: no device 'nope'/);
    expect(bad('0 100 linear sdb 0\n100 100 linear sdb 9990')).to.match(/^x\.yaml:11: offset: .*too small/);
    expect(bad('0 100 frobnicate sdb 0')).to.match(/^x\.yaml:10: target: unknown target type 'frobnicate' \(known: .*linear/);
  });
});
