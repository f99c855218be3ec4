// The vdo target's write path, checked against the design documents (vdo-design.rst, the
// kernel's data-vio.c) rather than against its own output: the threads a write visits and
// their order, deduplication with a verifying read, compression into shared blocks, journal
// order, the data_vio pool's bound, CPU accounting, determinism. Checks labelled [validates]
// hold by construction of the mechanism; none here guards a fitted number (those are in
// test/scenario/vdo-calibration.test.ts).
import { expect } from 'chai';
import { bioPayload } from '../../../kernel-lib/block/bio-payload.js';
import { STEP_NAMES } from '../../../kernel-lib/dm/vdo/index.js';
import { S } from '../../../kernel-lib/dm/vdo/steps.js';
import { SPB, vdoIo, vdoSetup, writers } from './vdo-harness.js';

describe('dm/vdo write path', () => {
  it('[validates] a unique incompressible 4 KiB write visits the threads in the documented order, 15 handoffs', function () {
    this.timeout(0);
    const h = vdoSetup('ack 1 bio 4 cpu 1 hash 1 logical 1 physical 1', { 'vdo.traceDataVios': 2 });
    const t = h.cpus.thread('fio');
    let before = 0;
    t.spawn(function* () {
      // A first write to the leaf page allocates the tree's pages (block-map-tree.test.ts); the second is the plain write.
      yield* vdoIo(h, t, 'write', 4);
      yield* vdoIo(h, t, 'flush', 0); // the first write has finished, counted
      before = h.target.vdo.stats.handoffs.unique[0];
      yield* vdoIo(h, t, 'write', 5);
    });
    h.sim.run();
    const trace = h.target.traces()[1].map((s) => `${s.thread} ${s.step}`);
    expect(trace.map((s) => s.replace(/bioQ\d/, 'bioQ'))).to.deep.equal([
      'logQ0 attempt_logical_block_lock',
      'physQ0 allocate_block',
      'ackQ acknowledge_write',
      'cpuQ hash_data_vio',
      'hashQ0 acquire_hash_lock',
      'udsZone0 uds_query',
      'hashQ0 finish_querying',
      'bioQ submit_vio',
      'logQ0 read_old_block_mapping',
      'journalQ journal_remapping',
      'physQ0 increment_reference_count',
      'logQ0 update_block_map',
      'hashQ0 continue_hash_lock',
      'physQ0 release_allocated_lock',
      'logQ0 release_logical_lock',
    ]);
    const st = h.target.status() as { dataBlocksWritten: number };
    // Every step above is on another thread than the one before: 15 handoffs (the first from the submitter).
    expect(h.target.vdo.stats.handoffs.unique[0] - before).to.equal(15);
    expect(st.dataBlocksWritten).to.equal(2);
  });

  it('[validates] with zone counts 0 one thread (reqQ) runs the zones, the journal and the packer: fewer handoffs', function () {
    this.timeout(0);
    const h = vdoSetup('ack 1 bio 1 cpu 1', { 'vdo.traceDataVios': 1 });
    const t = h.cpus.thread('fio');
    t.spawn(function* () {
      yield* vdoIo(h, t, 'write', 5);
    });
    h.sim.run();
    const threads = h.target.traces()[0].map((s) => s.thread);
    expect(threads).to.include('reqQ');
    expect(new Set(threads)).to.deep.equal(new Set(['reqQ', 'ackQ', 'cpuQ', 'udsZone0', 'bioQ0']));
    expect((h.target.status() as { handoffsPerWrite: { unique: number } }).handoffsPerWrite.unique).to.equal(8);
  });

  it('[validates] a duplicate is verified by a read of the candidate and writes no data block; reading it back returns the data', function () {
    this.timeout(0);
    const h = vdoSetup();
    const t = h.cpus.thread('fio');
    let readFp: number | undefined;
    let reads0 = 0;
    let writes0 = 0;
    t.spawn(function* () {
      yield* vdoIo(h, t, 'write', 1, 777);
      yield* vdoIo(h, t, 'flush', 0);
      reads0 = h.storage.diskStats().readIos;
      writes0 = (h.target.status() as { dataBlocksWritten: number }).dataBlocksWritten;
      yield* vdoIo(h, t, 'write', 2, 777);
      yield* vdoIo(h, t, 'flush', 0);
      const r = yield* vdoIo(h, t, 'read', 2);
      readFp = bioPayload(r)?.fingerprint;
    });
    h.sim.run();
    const st = h.target.status() as Record<string, number>;
    expect(st.dataBlocksWritten - writes0).to.equal(0);
    expect(st.dedupeAdviceValid).to.equal(1);
    // The verify read, then the read of LBN 2 (the same block).
    expect(h.storage.diskStats().readIos - reads0).to.equal(2);
    expect(h.target.vdo.blockMap.lookup(1)).to.equal(h.target.vdo.blockMap.lookup(2));
    expect(h.target.vdo.depot.refcount(Math.floor(h.target.vdo.blockMap.lookup(1) / 16))).to.equal(2);
    expect(readFp).to.equal(777);
  });

  it('[validates] 14 compressible fragments share one physical block, each read back as written', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1 compression on');
    writers(h, 14, 1, (w) => 5000 + w, 95);
    h.sim.run();
    const st = h.target.status() as Record<string, number>;
    expect(st.compressedBlocksWritten).to.equal(1);
    expect(st.compressedFragmentsWritten).to.equal(14);
    const entries = Array.from({ length: 14 }, (_, l) => h.target.vdo.blockMap.lookup(l));
    const pbns = new Set(entries.map((e) => Math.floor(e / 16)));
    expect(pbns.size).to.equal(1);
    expect(new Set(entries.map((e) => e % 16)).size).to.equal(14);
    expect(h.target.vdo.depot.refcount([...pbns][0])).to.equal(14);
    const fps: (number | undefined)[] = [];
    const t = h.cpus.thread('reader');
    t.spawn(function* () {
      for (let l = 0; l < 14; l++) fps.push(bioPayload(yield* vdoIo(h, t, 'read', l))?.fingerprint);
    });
    h.sim.run();
    expect(fps).to.deep.equal(Array.from({ length: 14 }, (_, w) => 5000 + w));
  });

  for (const design of ['dedicated', 'workqueue', 'structure-locking'] as const) {
    it(`[validates] ${design}: journal entries reach the slab journals and the block map in journal order`, function () {
      this.timeout(0);
      const h = vdoSetup('hash 2 logical 2 physical 2', { 'vdo.threads': design });
      // 64 writers overwriting 16 LBNs: many entries per LBN and per slab journal in flight.
      for (let w = 0; w < 64; w++) {
        const t = h.cpus.thread(`w${w}`);
        t.spawn(function* () {
          for (let i = 0; i < 20; i++) yield* vdoIo(h, t, 'write', (w + i) % 16);
        });
      }
      h.sim.run();
      const st = h.target.status() as Record<string, number>;
      expect(st.writesCompleted).to.equal(64 * 20);
      expect(st.blockMapOutOfOrder).to.equal(0);
      expect(st.slabJournalOutOfOrder).to.equal(0);
      // Every old block was released: 16 LBNs map 16 blocks.
      expect(st.dataBlocksUsed).to.equal(16);
    });
  }

  it('[validates] structure-locking keeps journal order by parking reference updates that come before their turn', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1', { 'vdo.threads': 'structure-locking' });
    writers(h, 400, 5, () => undefined);
    h.sim.run();
    const st = h.target.status() as Record<string, number>;
    expect(st.slabJournalParks).to.be.greaterThan(0);
    expect(st.slabJournalOutOfOrder).to.equal(0);
  });

  it('[validates] journalOrder: broken hands reference updates to the slab journals out of journal order', function () {
    this.timeout(0);
    const h = vdoSetup('hash 1 logical 1 physical 1', { 'vdo.journalOrder': 'broken' });
    writers(h, 64, 20, () => undefined);
    h.sim.run();
    expect((h.target.status() as Record<string, number>).slabJournalOutOfOrder).to.be.greaterThan(0);
  });

  it('[validates] the pool of 2048 data_vios bounds the requests in flight; the rest wait', function () {
    this.timeout(0);
    const h = vdoSetup();
    writers(h, 3000, 1, () => undefined);
    h.sim.run();
    const st = h.target.status() as Record<string, number>;
    expect(st.dataVioMaxInUse).to.equal(2048);
    expect(st.dataVioWaits).to.be.greaterThan(0);
    expect(st.writesCompleted).to.equal(3000);
  });

  for (const design of ['dedicated', 'workqueue', 'structure-locking'] as const) {
    it(`[validates] ${design}: the VDO threads' CPU adds up to what their steps were charged, and threads to the cores' busy time`, function () {
      this.timeout(0);
      const h = vdoSetup('hash 1 logical 1 physical 1', { 'vdo.threads': design }, 4);
      writers(h, 200, 10, () => undefined);
      h.sim.run();
      const v = h.target.vdo;
      const stepCpu = v.cpuByThread.reduce((a, b) => a + b, 0);
      const vdoThreads = [...v.executor.threads, ...v.uds.threads];
      const threadCpu = vdoThreads.reduce((a, t) => a + t.cpuNs, 0);
      expect(threadCpu).to.be.closeTo(stepCpu, 1e-6 * stepCpu);
      // Cores were busy for every thread's CPU plus the switches between threads (wake-ups onto idle cores add more).
      const allCpu = h.cpus.threads.reduce((a, t) => a + t.cpuNs, 0);
      const switches = h.cpus.threads.reduce((a, t) => a + t.contextSwitches, 0);
      const busy = h.cpus.cores.reduce((a, c) => a + c.busyNs, 0);
      // Waiting for a spinlock (structure-locking's zone locks) keeps the core busy too.
      const ex = v.executor as unknown as { locks?: { lockStats(): { waitTime: { sum: number } }[] }[] };
      const spinning = (ex.locks ?? []).reduce((a, l) => a + l.lockStats()[0].waitTime.sum, 0);
      // A thread woken onto an idle core pays the wake-up (1500) once, with or without a switch:
      // at most once per switch or per wake-up (the VDO queues' and the writers', one per I/O).
      const queues = [...((v.executor as unknown as { queues?: { wakeups: number }[] }).queues ?? []), ...v.uds.queues];
      const wakeups = queues.reduce((a, q) => a + q.wakeups, 0) + 200 * 10;
      expect(busy).to.be.at.least(allCpu + switches * 1000 - 1);
      expect(busy).to.be.at.most(allCpu + spinning + switches * 1000 + (switches + wakeups) * 1500 + 1);
    });
  }

  it('[validates] the same seed gives the same run', function () {
    this.timeout(0);
    const once = () => {
      const h = vdoSetup('hash 1 logical 2 physical 1 compression on', { 'vdo.threads': 'structure-locking' });
      writers(h, 100, 10, (w, i) => (i % 3 === 0 ? 42 : undefined), 50);
      h.sim.run();
      return JSON.stringify(h.target.status()) + h.sim.now;
    };
    expect(once()).to.equal(once());
  });

  it('[validates] a zero block takes no allocation, no hashing and no data write; a discard unmaps', function () {
    this.timeout(0);
    const h = vdoSetup();
    const t = h.cpus.thread('fio');
    t.spawn(function* () {
      yield* vdoIo(h, t, 'write', 3, 99);
      yield* vdoIo(h, t, 'write', 4, 0, 100);
      yield* vdoIo(h, t, 'discard', 3);
    });
    h.sim.run();
    const st = h.target.status() as Record<string, number>;
    expect(st.dataBlocksWritten).to.equal(1);
    expect(st.indexPosts).to.equal(1);
    expect(h.target.vdo.blockMap.lookup(3)).to.equal(0);
    expect(h.target.vdo.blockMap.lookup(4)).to.equal(0);
    expect(st.dataBlocksUsed).to.equal(0);
  });

  it('step names are the kernel functions', () => {
    expect(STEP_NAMES[S.journalRemapping]).to.equal('journal_remapping');
    expect(SPB).to.equal(8);
  });
});
