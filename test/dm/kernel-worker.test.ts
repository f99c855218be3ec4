import { expect } from 'chai';
import { JOB_DONE, JOB_REQUEUE, KernelWorker, kernelWorkers } from '../../kernel-lib/dm/kernel-worker.js';
import { CpuSet, type Thread } from '../../kernel-lib/sim/cpu.js';
import { Deque, Simulation, Workqueue, type ProcessGenerator } from '../../kernel-lib/sim/index.js';

/** A worker with two lists drained in order: `first` then `second`; jobs are numbers. */
class TwoLists extends KernelWorker {
  readonly first = new Deque<number>();
  readonly second = new Deque<number>();
  readonly order: string[] = [];
  /** Jobs of `second` below this value get JOB_REQUEUE. */
  starveBelow = -Infinity;

  protected *doWork(t: Thread): ProcessGenerator<void> {
    yield* this.processJobs(this.first, this.handle('first'), t);
    yield* this.processJobs(this.second, this.handle('second'), t, 'tail');
  }

  private handle(list: string) {
    const self = this;
    return function* (job: number, t: Thread): ProcessGenerator<number> {
      yield t.exec(1_000);
      if (list === 'second' && job < self.starveBelow) return JOB_REQUEUE;
      self.order.push(`${list}:${job}`);
      // A job of the first list that adds to the second is handled in the same pass.
      if (list === 'first' && job === 1) self.second.push(99);
      return JOB_DONE;
    };
  }
}

function setup() {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores: 2 });
  const wq = new Workqueue(cpus, { name: 'test' });
  return { sim, cpus, w: new TwoLists(wq, 'two-lists', -1) };
}

describe('dm/kernel-worker', () => {
  it('drains its lists in the fixed order, jobs added meanwhile in the same pass', () => {
    const { sim, w } = setup();
    w.second.push(10);
    w.first.push(1);
    w.first.push(2);
    w.wake(0);
    sim.run();
    expect(w.order).to.deep.equal(['first:1', 'first:2', 'second:10', 'second:99']);
    expect(w.passes).to.equal(1);
    // Four jobs of 1 us each, charged to the worker thread.
    expect(w.cpuNs).to.equal(4_000);
  });

  it('process_jobs: a job put back stops its list for this pass; tail requeue moves it behind the others', () => {
    const { sim, w } = setup();
    w.starveBelow = 5;
    w.second.push(3);
    w.second.push(7);
    w.wake(0);
    sim.run();
    expect(w.order).to.deep.equal([]);
    expect(w.requeues).to.equal(1);
    expect([w.second.at(0), w.second.at(1), w.second.length]).to.deep.equal([7, 3, 2]);
    w.starveBelow = -Infinity;
    w.wake(0);
    sim.run();
    expect(w.order).to.deep.equal(['second:7', 'second:3']);
    expect(w.passes).to.equal(2);
  });

  it('waking a worker that is already queued does not add a pass; the simulation lists its workers', () => {
    const { sim, w } = setup();
    w.first.push(1);
    w.wake(0);
    w.wake(0);
    w.wake(1);
    sim.run();
    expect(w.passes).to.equal(1);
    expect(kernelWorkers(sim)).to.deep.equal([w]);
  });
});
