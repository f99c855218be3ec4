// dm-raid raid1 (kernel-lib/dm/raid): writes to every leg, completing with the slowest;
// reads balanced as md raid1's read_balance does it; the table's errors. Expectations come
// from raid1.c's rules (stated per test), with FakeDevice legs of known service times.
import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import type { BlockDevice } from '../../../kernel-lib/block/device.js';
import { createMappedDevice, InputError, type TargetContext } from '../../../kernel-lib/dm/index.js';
import { Raid1Target } from '../../../kernel-lib/dm/raid/index.js';
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

/** A FakeDevice that says whether it is rotational (queue/rotational). */
class Leg extends FakeDevice {
  constructor(sim: Simulation, name: string, serviceNs: number, readonly rotational: boolean) {
    super(sim, name, 100_000, serviceNs);
  }
}

function setup() {
  const sim = new Simulation({ seed: 1 });
  const hdd = new Leg(sim, 'sdb', 5_000_000, true); // 5 ms per I/O
  const ssd = new Leg(sim, 'sdc', 100_000, false); // 100 us per I/O
  const meta = new FakeDevice(sim, 'meta', 100, 1000);
  const devs: Record<string, BlockDevice> = { sdb: hdd, sdc: ssd, meta, sdd: new Leg(sim, 'sdd', 5_000_000, true), small: new FakeDevice(sim, 'small', 1000, 1000) };
  const ctx: TargetContext = { sim, cpus: null, params: {}, deviceName: 'r1', lookupDevice: (n) => devs[n.replace(/^\/dev\//, '')] };
  return { sim, hdd, ssd, ctx };
}

/** Random 4 KiB reads, `depth` in flight, `n` in all. */
function randomReads(sim: Simulation, dev: BlockDevice, n: number, depth: number): void {
  const rng = sim.rng('reads');
  for (let j = 0; j < depth; j++) {
    sim.process(function* () {
      for (let k = j; k < n; k += depth) {
        const bio = new Bio('read', rng.integer(1, 10_000) * 8, 8);
        yield* dev.submit(bio);
        yield bio.wait(sim);
      }
    });
  }
  sim.run();
}

const raid1 = (r: { target: unknown }[]): Raid1Target => r[0].target as Raid1Target;

describe('dm/raid raid1', () => {
  it('a write goes to both legs and completes when the slower leg has', () => {
    const { sim, hdd, ssd, ctx } = setup();
    const md = createMappedDevice(ctx, '0 80000 raid raid1 3 0 region_size 1024 2 meta sdb - sdc');
    const bio = new Bio('write', 800, 8);
    sim.process(function* () {
      yield* md.submit(bio);
    });
    sim.run();
    expect(hdd.seen.map((s) => [s.op, s.sector, s.sectors])).to.deep.equal([['write', 800, 8]]);
    expect(ssd.seen.map((s) => [s.op, s.sector, s.sectors])).to.deep.equal([['write', 800, 8]]);
    expect(bio.tComplete).to.equal(5_000_000); // the HDD leg's 5 ms, not the SSD's 100 us
  });

  it('random reads go to the SSD leg when it is listed first (idle legs tie: the first wins)', () => {
    const { sim, hdd, ssd, ctx } = setup();
    const md = createMappedDevice(ctx, '0 80000 raid raid1 1 0 2 - sdc - sdb');
    randomReads(sim, md, 200, 1);
    expect(ssd.seen.length).to.equal(200);
    expect(hdd.seen.length).to.equal(0);
  });

  it('with the HDD listed first, QD1 random reads tie on pending and go to it; at QD32 the SSD takes most (least pending, as raid1.c does with a non-rotational leg)', () => {
    const qd1 = setup();
    randomReads(qd1.sim, createMappedDevice(qd1.ctx, '0 80000 raid raid1 1 0 2 - sdb - sdc'), 50, 1);
    expect(qd1.hdd.seen.length).to.equal(50);
    const qd32 = setup();
    randomReads(qd32.sim, createMappedDevice(qd32.ctx, '0 80000 raid raid1 1 0 2 - sdb - sdc'), 3200, 32);
    // The HDD leg holds a read 50 times as long: least-pending sends it about 1 in 50 reads
    // once both are busy, far fewer than half.
    expect(qd32.ssd.seen.length).to.be.above(0.9 * 3200);
  });

  it('write_mostly on the HDD leg sends every read to the SSD, writes still to both', () => {
    const { sim, hdd, ssd, ctx } = setup();
    const md = createMappedDevice(ctx, '0 80000 raid raid1 3 0 write_mostly 0 2 - sdb - sdc');
    randomReads(sim, md, 100, 4);
    expect(ssd.seen.length).to.equal(100);
    expect(hdd.seen.length).to.equal(0);
  });

  it('all-rotational legs: an idle leg first, then the nearest head', () => {
    const { sim, ctx } = setup();
    const md = createMappedDevice(ctx, '0 80000 raid raid1 1 0 2 - sdb - sdd');
    const t = raid1((md as unknown as { targets: { target: unknown }[] }).targets);
    // Heads: leg 0 at 1000, leg 1 at 60000, both busy (min_pending != 0): the nearest head wins.
    t.mirrors[0].headPosition = 1000;
    t.mirrors[1].headPosition = 60_000;
    t.mirrors[0].pending = 1;
    t.mirrors[1].pending = 1;
    const read = (sector: number) => {
      const bio = new Bio('read', sector, 8);
      sim.process(function* () {
        yield* md.submit(bio);
      });
      sim.run({ until: sim.now + 1 });
    };
    read(59_000);
    expect(t.readsPerLeg).to.deep.equal([0, 1]);
    read(2000);
    expect(t.readsPerLeg).to.deep.equal([1, 1]);
  });

  it('status line and fields', () => {
    const { ctx } = setup();
    const md = createMappedDevice(ctx, '0 80000 raid raid1 3 0 region_size 1024 2 meta sdb - sdc');
    const t = raid1((md as unknown as { targets: { target: unknown }[] }).targets);
    expect(t.statusLine()).to.equal('raid1 2 AA 80000/80000 idle 0 0 -');
    expect(t.mirrors.map((m) => m.nonrot)).to.deep.equal([false, true]);
  });

  it('bad tables are errors naming the line and the field', () => {
    const { ctx } = setup();
    const bad: [string, RegExp, string][] = [
      ['0 80000 raid raid1 1 0 1 - sdb', /raid1 needs at least 2 legs/, '#raid_devs'],
      ['0 80000 raid raid5_ls 1 0 2 - sdb - sdc', /not modelled/, 'raid_type'],
      ['0 80000 raid raid1 3 0 region_size 1000 2 - sdb - sdc', /power of two/, 'region_size'],
      ['0 80000 raid raid1 1 0 2 - sdb - small', /too small/, 'data_dev 1'],
      ['0 80000 raid raid1 1 0 2 - sdb', /needs 4 device words/, '#raid_devs'],
      ['0 80000 raid raid1 2 0 bogus 2 - sdb - sdc', /unknown raid parameter/, 'bogus'],
    ];
    for (const [table, msg, field] of bad) {
      let err: unknown;
      try {
        createMappedDevice(ctx, `\n${table}`, { file: 'stack.yaml', line: 10 });
      } catch (e) {
        err = e;
      }
      expect(err, table).to.be.instanceOf(InputError);
      expect((err as InputError).message, table).to.match(msg);
      expect((err as InputError).field, table).to.equal(field);
      expect((err as InputError).line, table).to.equal(11);
    }
  });
});
