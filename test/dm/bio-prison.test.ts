import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { BioPrison, prisonLocksFor, type PrisonCell } from '../../kernel-lib/dm/bio-prison.js';
import { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation } from '../../kernel-lib/sim/index.js';
import { lockReport } from '../../kernel-lib/sim/lock-report.js';

describe('dm/bio-prison', () => {
  it('the first bio holds the cell, later ones for the same key are detained; release hands all back in order', () => {
    const sim = new Simulation();
    const prison = new BioPrison(sim, { name: 't', opNs: 0 });
    const bios = [0, 1, 2].map((i) => new Bio('write', i * 8, 8));
    const other = new Bio('write', 4096, 8);
    let cell: PrisonCell | null = null;
    const results: boolean[] = [];
    sim.process(function* () {
      for (const b of bios) {
        const r = yield* prison.detain(null, 7, b);
        results.push(r.detained);
        cell = r.cell;
      }
      results.push((yield* prison.detain(null, 8, other)).detained);
    });
    sim.run();
    expect(results).to.deep.equal([false, true, true, false]);
    expect(prison.size).to.equal(2);
    expect(prison.detained).to.equal(2);
    let released: Bio[] = [];
    sim.process(function* () {
      released = yield* prison.release(null, cell!);
    });
    sim.run();
    expect(released).to.deep.equal(bios);
    expect(prison.peek(7)).to.equal(undefined);
    expect(prison.size).to.equal(1);
  });

  it('release without holder gives only the detained bios; a cell released twice is a programming error', () => {
    const sim = new Simulation();
    const prison = new BioPrison(sim, { name: 't', opNs: 0 });
    const a = new Bio('write', 0, 8);
    const b = new Bio('write', 0, 8);
    let out: Bio[] = [];
    let error = '';
    sim.process(function* () {
      const { cell } = yield* prison.detain(null, 1, a);
      yield* prison.detain(null, 1, b);
      out = yield* prison.releaseNoHolder(null, cell);
      try {
        yield* prison.release(null, cell);
      } catch (err) {
        error = (err as Error).message;
      }
    });
    sim.run();
    expect(out).to.deep.equal([b]);
    expect(error).to.match(/released twice/);
  });

  it('dm_num_hash_locks: 2 x CPUs as a power of two, at most 64', () => {
    expect([1, 2, 3, 6, 12, 32, 64].map(prisonLocksFor)).to.deep.equal([2, 4, 8, 16, 32, 64, 64]);
  });

  it('one prison lock serializes every detain; region locks let different regions go in parallel', () => {
    // 8 threads on 8 cores detain keys in 8 different lock regions, 1 us each under the lock.
    const run = (locks: number) => {
      const sim = new Simulation();
      const cpus = new CpuSet(sim, { cores: 8 });
      const prison = new BioPrison(sim, { name: 'p', locks, opNs: 1_000 });
      for (let i = 0; i < 8; i++) {
        const t = cpus.thread(`t${i}`, { pin: i });
        t.spawn(function* () {
          yield* prison.detain(t, i * 1024, null);
        });
      }
      sim.run();
      return { now: sim.now, contended: lockReport(sim, sim.now).find((r) => r.name === 'p.prison_lock')!.contended };
    };
    const one = run(1);
    const many = run(8);
    expect(one.now).to.equal(8_000);
    expect(one.contended).to.equal(7);
    expect(many.now).to.equal(1_000);
    expect(many.contended).to.equal(0);
  });
});
