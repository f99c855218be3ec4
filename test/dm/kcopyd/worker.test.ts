import { expect } from 'chai';
import { KcopydWorker } from '../../../kernel-lib/dm/kcopyd/worker.js';
import { runScenario } from '../../../kernel-lib/scenario/run.js';

// do_work is written out inline for speed; the kernel's own shape (process_jobs over the
// lists with run_complete_job, run_pages_job and run_io_job) is kept beside it. Both must
// produce the same simulation, event for event.
function run(file: string, inline: boolean, set: Record<string, unknown> = {}): string {
  KcopydWorker.inline = inline;
  try {
    const r = runScenario(file, { set });
    const json = r.toJSON() as Record<string, any>;
    json.dmsim.wall_ms = 0;
    return JSON.stringify(json);
  } finally {
    KcopydWorker.inline = true;
  }
}

describe('dm/kcopyd/worker', () => {
  for (const [file, set] of [
    ['examples/snapshot-2007-dd-same-disk.yaml', { 'workload.dd': 'if=/dev/zero of=/dev/mapper/base bs=1M count=24 oflag=direct' }],
    ['examples/snapshot-2019-null_blk-origin-randwrite.yaml', {}],
    ['examples/snapshot-2019-null_blk-origin-randwrite.yaml', { 'kcopyd.pages': 32, 'kcopyd.pool': 'hard', 'kcopyd.requeue': 'tail' }],
  ] as const) {
    it(`the inlined do_work and the named process_jobs version give identical runs: ${file} ${JSON.stringify(set)}`, function () {
      this.timeout(0); // wall time depends on the load, the result does not
      const a = run(file, true, set);
      const b = run(file, false, set);
      expect(a.length).to.be.greaterThan(1000);
      expect(b).to.equal(a);
    });
  }

  it('per-CPU workers sharing a small page pool: pages freed on one CPU wake a job starved on another (no deadlock)', function () {
    this.timeout(0);
    const r = runScenario('examples/snapshot-2019-null_blk-origin-randwrite.yaml', {
      set: { 'kcopyd.threading': 'per-cpu', 'kcopyd.pool': 'hard', 'kcopyd.pages': 32 },
    });
    const job = r.fio!.jobs[0];
    expect(job.write.total_ios).to.be.greaterThan(1000);
    const status = r.dmsim.devices.find((d) => d.name === 'snap')!.status as { kcopyd: { page_starvations: number } }[];
    // The pool really was too small: jobs starved, and went on when pages came back.
    expect(status[0].kcopyd.page_starvations).to.be.greaterThan(0);
  });
});
