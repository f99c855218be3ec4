// kcopyd mechanism: the order of one worker pass, page starvation and the requeue policy,
// splitting into sub-jobs, read-then-write, serialized callbacks, and bad parameters.
import { expect } from 'chai';
import { CpuSet, Simulation, type ProcessGenerator } from '../../../kernel-lib/sim/index.js';
import { KcopydClient } from '../../../kernel-lib/dm/kcopyd/client.js';
import { parseKcopydParams, type KcopydParams } from '../../../kernel-lib/dm/kcopyd/params.js';
import { FakeDevice } from '../fake-device.js';
import { REQ_SYNC } from '../../../kernel-lib/block/bio.js';
import { createDevice } from '../../../kernel-lib/block/index.js';

function setup(params: Record<string, unknown>, serviceNs = 100_000) {
  const sim = new Simulation({ seed: 1 });
  const cpus = new CpuSet(sim, { cores: 2 });
  const src = new FakeDevice(sim, 'src', 1 << 20, serviceNs);
  const dst = new FakeDevice(sim, 'dst', 1 << 20, serviceNs);
  const kc = new KcopydClient(sim, cpus, 'test', parseKcopydParams(params) as KcopydParams);
  const done: { id: number; at: number; readErr: boolean; writeErr: boolean }[] = [];
  function* notify(readErr: boolean, writeErr: boolean, context: unknown): ProcessGenerator<void> {
    done.push({ id: context as number, at: sim.now, readErr, writeErr });
  }
  const copy = (id: number, sector: number, count: number) =>
    kc.copy({ dev: src, sector, count }, [{ dev: dst, sector, count }], notify, id, null);
  return { sim, cpus, src, dst, kc, done, copy };
}

describe('kcopyd', () => {
  it('reads the source, then writes the destination, then calls back in the worker', () => {
    const { sim, src, dst, done, copy } = setup({});
    copy(1, 0, 16);
    sim.run();
    expect(src.seen.map((s) => s.op)).to.deep.equal(['read']);
    expect(dst.seen.map((s) => s.op)).to.deep.equal(['write']);
    expect(dst.seen[0].at).to.be.at.least(src.seen[0].at + 100_000);
    expect(done).to.have.length(1);
    expect(done[0].at).to.be.at.least(dst.seen[0].at + 100_000);
  });

  for (const requeue of ['tail', 'head'] as const) {
    it(`a job that finds no pages goes to the ${requeue} and nothing behind it runs in that pass`, () => {
      // 4 pages: job 1 (16 sectors = 2 pages) and job 2 (1 page) fit; job 3 (2 pages) does not.
      const { sim, kc, src, copy } = setup({ 'kcopyd.pool': 'hard', 'kcopyd.pages': 4, 'kcopyd.subJobKiB': 16, 'kcopyd.requeue': requeue, 'kcopyd.threading': 'per-client' });
      copy(1, 0, 16);
      copy(2, 1000, 8);
      copy(3, 2000, 16);
      copy(4, 3000, 8); // would fit in the 1 free page left, but sits behind job 3
      const w = kc.workers[0];
      sim.run({ until: 50_000 }); // the first pass has run, no I/O has completed
      expect(src.seen.map((s) => s.sector)).to.deep.equal([0, 1000]);
      expect(w.requeues).to.equal(1);
      const waiting = [w.pagesJobs.at(0)!.context, w.pagesJobs.at(1)!.context];
      expect(waiting).to.deep.equal(requeue === 'tail' ? [4, 3] : [3, 4]);
      sim.run();
      const order = src.seen.map((s) => s.sector);
      expect(order.slice(2)).to.deep.equal(requeue === 'tail' ? [3000, 2000] : [2000, 3000]);
    });
  }

  it('splits a copy into 8 sub-job streams (64 KiB old: count >= sub-job)', () => {
    const { sim, src, done, copy, kc } = setup({ kernel: '2.6.21', 'kcopyd.pages': 256, 'kcopyd.threading': 'per-client' });
    copy(1, 0, 2048); // 1 MiB = 16 segments of 64 KiB, 8 at a time
    sim.run({ until: 50_000 });
    expect(src.seen).to.have.length(8);
    expect(src.seen.every((s) => s.sectors === 128)).to.equal(true);
    sim.run();
    expect(src.seen).to.have.length(16);
    expect(done).to.have.length(1);
    expect(kc.stats.subJobs).to.equal(16);
    // a 64 KiB copy is split in the old era (not strictly smaller than a sub-job) ...
    const old = setup({ kernel: '2.6.21' });
    old.copy(1, 0, 128);
    old.sim.run();
    expect(old.kc.stats.subJobs).to.equal(1);
    // ... and dispatched whole in the modern one
    const modern = setup({ 'kcopyd.subJobKiB': 64 });
    modern.copy(1, 0, 128);
    modern.sim.run();
    expect(modern.kc.stats.subJobs).to.equal(0);
  });

  it('the global kcopyd of 2.6.21 serves every client from one worker', () => {
    const sim = new Simulation({ seed: 1 });
    const cpus = new CpuSet(sim, { cores: 2 });
    const a = new KcopydClient(sim, cpus, 'a', parseKcopydParams({ kernel: '2.6.21' }));
    const b = new KcopydClient(sim, cpus, 'b', parseKcopydParams({ kernel: '2.6.21' }));
    const c = new KcopydClient(sim, cpus, 'c', parseKcopydParams({ kernel: '2.6.26' }));
    expect(a.workers[0]).to.equal(b.workers[0]);
    expect(c.workers[0]).to.not.equal(a.workers[0]);
    const d = new KcopydClient(sim, cpus, 'd', parseKcopydParams({ 'kcopyd.threading': 'per-cpu' }));
    expect(d.workers).to.have.length(2);
  });

  // The 2022 per-CPU design (docs/kcopyd.md): callbacks serialized for persistent snapshots,
  // in parallel for transient ones. The client says which (KcopydClientOptions).
  function perCpuCallbacks(serializeCallbacks: boolean | undefined): { copies: number; maxInside: number } {
    const sim = new Simulation({ seed: 1 });
    const cpus = new CpuSet(sim, { cores: 4 });
    const src = new FakeDevice(sim, 'src', 1 << 20, 10_000);
    const kc = new KcopydClient(sim, cpus, 'p', parseKcopydParams({ 'kcopyd.threading': 'per-cpu' }), serializeCallbacks === undefined ? undefined : { serializeCallbacks });
    let inside = 0;
    let maxInside = 0;
    function* notify(): ProcessGenerator<void> {
      inside++;
      maxInside = Math.max(maxInside, inside);
      yield sim.timeout(50_000);
      inside--;
    }
    for (let i = 0; i < 4; i++) {
      const t = cpus.thread(`t${i}`, { pin: i });
      t.spawn(function* () {
        yield t.exec(1000);
        for (let k = 0; k < 5; k++) kc.copy({ dev: src, sector: (i * 5 + k) * 8, count: 8 }, [{ dev: src, sector: 100_000 + (i * 5 + k) * 8, count: 8 }], notify, null, t);
      });
    }
    sim.run();
    return { copies: kc.stats.copies, maxInside };
  }

  it('per-CPU workers: callbacks serialized when the client asks (persistent snapshot), one per CPU at once otherwise', () => {
    const serialized = perCpuCallbacks(true);
    expect(serialized.copies).to.equal(20);
    expect(serialized.maxInside).to.equal(1);
    // Each of the 4 CPUs' workers runs its own callbacks: up to 4 at once, never more.
    expect(perCpuCallbacks(false).maxInside).to.equal(4);
    expect(perCpuCallbacks(undefined).maxInside).to.equal(4);
  });

  it('kcopyd.bound follows the era, not the threading: one floating thread per client before 3.1, a bound work item after', () => {
    const sim = new Simulation({ seed: 1 });
    const cpus = new CpuSet(sim, { cores: 2 });
    expect(parseKcopydParams({ kernel: '2.6.26' }).bound).to.equal(false);
    expect(parseKcopydParams({ kernel: '5.0' }).bound).to.equal(true);
    const old = new KcopydClient(sim, cpus, 'old', parseKcopydParams({ kernel: '2.6.26' }));
    const modern = new KcopydClient(sim, cpus, 'new', parseKcopydParams({ kernel: '2.6.26', 'kcopyd.bound': true }));
    expect(old.params.threading).to.equal(modern.params.threading);
    expect(old.workers[0].wq.bound).to.equal(false);
    expect(modern.workers[0].wq.bound).to.equal(true);
  });

  it('copy offload moves no data through the host', () => {
    const { sim, src, dst, done, copy } = setup({ 'kcopyd.offload': 'device', 'kcopyd.offloadLatencyUs': 50, 'kcopyd.offloadMBps': 1000 });
    copy(1, 0, 2048);
    sim.run();
    expect(src.seen).to.have.length(0);
    expect(dst.seen).to.have.length(0);
    expect(done).to.have.length(1);
    expect(done[0].at).to.be.within(50_000 + 1_048_576, 50_000 + 1_048_576 + 20_000);
  });

  it('2.6.21 kcopyd bios are not REQ_SYNC (run_io_job passes job->rw alone; dm_io_async dispatches with sync = 0)', () => {
    // Pins a bug: the 2.6.21 preset used to flag kcopyd I/O REQ_SYNC, so every copy read and
    // write unplugged the queue and went to CFQ's sync class, which made the same-disk cells
    // several times too fast. 2.6.3x kernels did set it (BIO_RW_SYNCIO | BIO_RW_UNPLUG).
    for (const [kernel, sync] of [['2.6.21', false], ['2.6.32', true], ['6.x', false]] as const) {
      const { sim, src, dst, copy } = setup({ kernel, 'kcopyd.threading': 'per-client' });
      copy(1, 0, 16);
      sim.run();
      expect([src.seen[0].flags & REQ_SYNC, dst.seen[0].flags & REQ_SYNC].map(Boolean), kernel).to.deep.equal([sync, sync]);
    }
  });

  it('on null_blk (irqmode=1, blk-mq) the worker never sleeps between the phases of a copy: one wakeup', () => {
    // The read completes inside queue_rq (at the plug flush that ends the pass), which
    // re-queues the running work item; so does the write: the worker runs its passes back
    // to back, as on the real machine, instead of sleeping and being woken per phase.
    const sim = new Simulation({ seed: 1 });
    const cpus = new CpuSet(sim, { cores: 2 });
    const sleeps = new Map<string, number>();
    const thread = cpus.thread.bind(cpus);
    cpus.thread = (name: string, opts?: { pin?: number }) => {
      const t = thread(name, opts);
      const onWait = t._onWait.bind(t);
      t._onWait = (ev) => {
        const had = t.core !== null;
        onWait(ev);
        if (had && t.core === null && ev !== null) sleeps.set(name, (sleeps.get(name) ?? 0) + 1);
      };
      return t;
    };
    const nb = createDevice(sim, cpus, { name: 'nullb0', profile: 'null_blk', overrides: { submit_queues: 2 } });
    const kc = new KcopydClient(sim, cpus, 'test', parseKcopydParams({ kernel: '5.0' }) as KcopydParams);
    const done: number[] = [];
    function* notify(): ProcessGenerator<void> {
      done.push(sim.now);
    }
    const fio = cpus.thread('fio', { pin: 1 });
    fio.spawn(function* (): ProcessGenerator<void> {
      yield fio.exec(1000);
      kc.copy({ dev: nb, sector: 0, count: 8 }, [{ dev: nb, sector: 4096, count: 8 }], notify, null, fio);
    });
    sim.run();
    expect(done).to.have.length(1);
    const kworkerSleeps = [...sleeps].filter(([n]) => n.startsWith('kworker')).reduce((a, [, v]) => a + v, 0);
    // Once, idle at the end; never between the read, the write and the callback.
    expect(kworkerSleeps).to.equal(1);
    expect(kc.workers[0].work.executions).to.be.at.least(2);
  });

  it('rejects unknown and malformed parameters by name', () => {
    expect(() => parseKcopydParams({ 'kcopyd.requeu': 'tail' })).to.throw(/kcopyd.requeu.*unknown kcopyd parameter/);
    expect(() => parseKcopydParams({ 'kcopyd.requeue': 'middle' })).to.throw(/kcopyd.requeue.*"tail", "head"/);
    expect(() => parseKcopydParams({ 'kcopyd.subJobKiB': 2048 })).to.throw(/subJobKiB/);
    expect(() => parseKcopydParams({ kernel: 'linux' })).to.throw(/kernel version/);
    const sim = new Simulation();
    expect(() => new KcopydClient(sim, new CpuSet(sim, { cores: 1 }), 'x', parseKcopydParams({ kernel: '2.6.21', 'kcopyd.pages': 8 }))).to.throw(/cannot hold one 64 KiB sub-job/);
  });

  it('era presets: 2.6.21 is tail/global/hard/64 KiB, 6.x head/per-client/reserve/512 KiB; explicit wins', () => {
    const old = parseKcopydParams({ kernel: '2.6.21' });
    expect([old.requeue, old.threading, old.pool, old.subJobKiB, old.syncIo]).to.deep.equal(['tail', 'global', 'hard', 64, false]);
    expect(parseKcopydParams({ kernel: '2.6.32' }).syncIo).to.equal(true);
    const modern = parseKcopydParams({ kernel: '6.x' });
    expect([modern.requeue, modern.threading, modern.pool, modern.subJobKiB, modern.syncIo]).to.deep.equal(['head', 'per-client', 'reserve', 512, false]);
    expect(parseKcopydParams({ kernel: '2.6.21', 'kcopyd.requeue': 'head' }).requeue).to.equal('head');
  });
});
