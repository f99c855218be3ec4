// Power cuts against dm-clone (block/power-cut.ts, the target's recoverAfterPowerCut): at
// random instants of a run with user writes, background hydration and commits, the metadata a
// re-open would read is consistent and every region it records as hydrated holds, on the
// destination's media, data written there. With the 5.5 commit (clone.preCommitFlush: the
// destination is flushed before the metadata naming its regions is written) no cut breaks
// that; 5.4's commit, which does not flush the destination, is caught.
import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import { PowerCut } from '../../../kernel-lib/block/power-cut.js';
import { createMappedDevice } from '../../../kernel-lib/dm/index.js';
import type { CloneTarget } from '../../../kernel-lib/dm/clone/index.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { FakeDevice } from '../fake-device.js';

const REGION = 128; // 64 KiB
const SIZE = 1 << 16; // 512 regions

interface Outcome {
  probes: number;
  inconsistent: number;
  firstProblem: string;
  /** Probes at which some region recorded as hydrated had data not on the destination's media. */
  falselyHydrated: number;
  /** Most regions recorded hydrated at a probe (the check has something to check). */
  maxHydrated: number;
}

function run(preCommitFlush: boolean, times: readonly number[]): { outcome: Outcome; end: number } {
  const sim = new Simulation({ seed: 21 });
  const pc = new PowerCut(sim);
  // The SSD-like destination and metadata: writes 50 us, a flush 1 ms; the source 1 ms a read.
  const service = (bio: Bio) => (bio.op === 'flush' ? 1_000_000 : 50_000);
  const meta = pc.wrap(new FakeDevice(sim, 'meta', 1 << 14, service));
  const dest = pc.wrap(new FakeDevice(sim, 'dest', SIZE, service));
  const source = new FakeDevice(sim, 'source', SIZE, 1_000_000);
  const devs: Record<string, unknown> = { meta, dest, source };
  const ctx = { sim, cpus: null, params: { 'clone.preCommitFlush': preCommitFlush }, deviceName: 'cl', lookupDevice: (d: string) => devs[d] as FakeDevice };
  const dev = createMappedDevice(ctx, `0 ${SIZE} clone meta dest source ${REGION} 0 2 hydration_threshold 4`);
  const target = dev.targets[0].target as unknown as CloneTarget;
  const c = target.clone;
  const rng = sim.rng('writes');
  const user = sim.process(function* (): ProcessGenerator<void> {
    yield c.setup;
    // Bursts of random 4 KiB writes (each first one hydrates its region) with idle gaps in
    // which background hydration runs, for about three seconds.
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < 20; i++) {
        const bio = new Bio('write', rng.integer(0, SIZE / 8 - 1) * 8, 8);
        const done = bio.wait(sim);
        yield* dev.submit(bio);
        yield done;
      }
      yield sim.timeout(60_000_000);
    }
  });
  const out: Outcome = { probes: 0, inconsistent: 0, firstProblem: '', falselyHydrated: 0, maxHydrated: 0 };
  for (const at of times) {
    sim.run({ until: at });
    if (user.processed) throw new Error(`the run ended before the cut at ${at} ns`);
    if (!c.setup.processed) continue; // not formatted yet
    out.probes++;
    pc.probe(() => {
      const r = target.recoverAfterPowerCut();
      out.maxHydrated = Math.max(out.maxHydrated, Number(r.recovered.hydratedRegions ?? 0));
      if (r.consistent) return;
      if (r.problems.every((p) => /never reached the destination's media/.test(p))) out.falselyHydrated++;
      else {
        out.inconsistent++;
        out.firstProblem ||= r.problems[0];
      }
    });
  }
  sim.run({ until: user });
  return { outcome: out, end: sim.now };
}

function cuts(preCommitFlush: boolean, n: number): Outcome {
  const { end } = run(preCommitFlush, []);
  const instants = new Simulation({ seed: 22 }).rng('power-cut-instants');
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(instants.uniform(0, end));
  times.sort((a, b) => a - b);
  return run(preCommitFlush, times).outcome;
}

describe('dm/clone power cuts', function () {
  this.timeout(0);

  it('with the pre-commit flush (5.5 on), the metadata survives a cut at 300 random instants and every region marked hydrated is hydrated', () => {
    const o = cuts(true, 300);
    expect(o.probes).to.be.greaterThan(290);
    expect(o.maxHydrated).to.be.greaterThan(100);
    expect(o.firstProblem).to.equal('');
    expect(o.inconsistent).to.equal(0);
    expect(o.falselyHydrated).to.equal(0);
  });

  it('5.4\'s commit (no flush of the destination first) is caught: some cuts leave regions marked hydrated whose data never reached the media', () => {
    const o = cuts(false, 300);
    expect(o.firstProblem).to.equal('');
    expect(o.inconsistent).to.equal(0);
    expect(o.falselyHydrated).to.be.greaterThan(0);
  });
});
