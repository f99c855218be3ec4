import { expect } from 'chai';
import { Bio } from '../../../kernel-lib/block/bio.js';
import { VdoCompletion } from '../../../kernel-lib/dm/vdo/completion.js';
import { DedicatedThreads } from '../../../kernel-lib/dm/vdo/dedicated-threads.js';
import { ExecContext, type StepRunner } from '../../../kernel-lib/dm/vdo/executor.js';
import { CpuSet } from '../../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';

const STEP_NS = 1000;
const SLEEP_NS = 50_000;

/**
 * Two VDO threads; every step queues two bios (vdo_submit_vio) from its thread. Thread 0's
 * submissions sleep (a full request queue), so thread 1's steps run and queue bios while
 * thread 0's server is still submitting: each server must submit exactly its own steps' bios.
 */
function twoThreads(steps: number, burstNs = 0) {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores: 2, contextSwitchNs: 0, wakeupNs: 0 });
  const queuedBy = new Map<Bio, number>();
  const submitted: { bio: Bio; by: string; at: number }[] = [];
  const runner: StepRunner = {
    ctx: new ExecContext(),
    costOf: () => STEP_NS,
    run(c: VdoCompletion) {
      for (let k = 0; k < 2; k++) {
        const bio = new Bio('write', 0, 8);
        queuedBy.set(bio, c.thread);
        runner.ctx.bios.push(bio);
      }
    },
    *submit(bio: Bio): ProcessGenerator<void> {
      submitted.push({ bio, by: bio.thread?.name ?? '', at: sim.now });
      if (queuedBy.get(bio) === 0) yield sim.timeout(SLEEP_NS);
    },
    cpuByThread: new Float64Array(2),
    runsByThread: new Float64Array(2),
  };
  const ex = new DedicatedThreads(sim, cpus, runner, ['t0', 't1'], [1, 1], 'test', 0, 0, 0, burstNs);
  for (let i = 0; i < steps; i++) {
    for (const thread of [0, 1]) {
      const c = new VdoCompletion();
      c.thread = thread;
      ex.launch(c);
    }
  }
  sim.run();
  return { runner, queuedBy, submitted, ex };
}

describe('dm/vdo executor (serveCompletions)', () => {
  for (const burstNs of [0, 2500]) {
  it(`burstNs ${burstNs}: submits every bio once, from the thread whose step queued it, in the order queued`, () => {
    const steps = 5;
    const { runner, queuedBy, submitted, ex } = twoThreads(steps, burstNs);
    expect(submitted.length).to.equal(4 * steps);
    expect(new Set(submitted.map((s) => s.bio)).size).to.equal(4 * steps);
    for (const s of submitted) expect(s.by).to.equal(`test:t${queuedBy.get(s.bio)}`);
    for (const thread of [0, 1]) {
      const ids = submitted.filter((s) => queuedBy.get(s.bio) === thread).map((s) => s.bio.id);
      expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    }
    // Theory: each thread ran its steps, each charged STEP_NS; one wake-up each served all of them.
    expect([...runner.runsByThread]).to.deep.equal([steps, steps]);
    expect([...runner.cpuByThread]).to.deep.equal([steps * STEP_NS, steps * STEP_NS]);
    expect(ex.queues.map((q) => q.served)).to.deep.equal([steps, steps]);
  });
  }

  it('is deterministic: the same submissions at the same times on a second run', () => {
    const a = twoThreads(4).submitted.map((s) => [s.by, s.at]);
    const b = twoThreads(4).submitted.map((s) => [s.by, s.at]);
    expect(a).to.deep.equal(b);
    // thread 1 never waits behind thread 0's sleeping submissions: its last bio goes out
    // after its 4 steps, long before thread 0's 8 sleeps end.
    const last1 = Math.max(...a.filter((s) => s[0] === 'test:t1').map((s) => s[1] as number));
    expect(last1).to.be.at.most(4 * STEP_NS);
    const last0 = Math.max(...a.filter((s) => s[0] === 'test:t0').map((s) => s[1] as number));
    expect(last0).to.be.at.least(7 * SLEEP_NS);
  });

  it('burstNs: the same callbacks, in the same order, each at most one burst (plus one callback) early; the CPU and the end time the same; fewer events', () => {
    const run = (burstNs: number) => {
      const sim = new Simulation({ seed: 1 });
      const cpus = new CpuSet(sim, { cores: 1, contextSwitchNs: 0, wakeupNs: 0 });
      const at: number[] = [];
      const order: VdoCompletion[] = [];
      const runner: StepRunner = {
        ctx: new ExecContext(),
        costOf: () => STEP_NS,
        run(c: VdoCompletion) {
          at.push(sim.now);
          order.push(c);
        },
        *submit(): ProcessGenerator<void> {},
        cpuByThread: new Float64Array(1),
        runsByThread: new Float64Array(1),
      };
      const ex = new DedicatedThreads(sim, cpus, runner, ['t0'], [1], 'test', 0, 0, 0, burstNs);
      const made: VdoCompletion[] = [];
      for (let i = 0; i < 40; i++) {
        const c = new VdoCompletion();
        c.thread = 0;
        made.push(c);
        ex.launch(c);
      }
      sim.run();
      return { at, order, made, end: sim.now, events: sim.eventsProcessed, cpu: runner.cpuByThread[0], threadCpu: ex.threads[0].cpuNs };
    };
    const exact = run(0);
    const burstNs = 3500;
    const burst = run(burstNs);
    expect(burst.order).to.deep.equal(burst.made);
    // Theory: with a burst per callback, callback k (from 1) runs once its cost is spent, at k x STEP_NS.
    expect(exact.at).to.deep.equal(exact.at.map((_, k) => (k + 1) * STEP_NS));
    for (let k = 0; k < burst.at.length; k++) {
      const early = exact.at[k] - burst.at[k];
      expect(early).to.be.at.least(0);
      expect(early).to.be.below(burstNs + STEP_NS);
    }
    expect(burst.end).to.equal(exact.end);
    expect(burst.cpu).to.equal(exact.cpu);
    expect(burst.threadCpu).to.equal(40 * STEP_NS);
    // 40 callbacks in bursts of 4 (3500 ns rounded up to whole callbacks): 10 bursts, and one
    // wait for a core before the first callback runs, against 40 bursts.
    expect(exact.events - burst.events).to.equal(29);
  });
});
