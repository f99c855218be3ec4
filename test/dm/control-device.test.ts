import { expect } from 'chai';
import { ControlDevice, type ControlDeviceDriver } from '../../kernel-lib/dm/control-device.js';
import { CpuSet, Simulation, type ProcessGenerator } from '../../kernel-lib/sim/index.js';
import type { Thread } from '../../kernel-lib/sim/cpu.js';

/** A driver of 10-byte messages queued by the test. */
class Queue implements ControlDeviceDriver<number, number> {
  readonly up: number[] = [];
  readonly down: number[] = [];
  readable(): boolean {
    return this.up.length > 0;
  }
  *fill(bufBytes: number, out: number[]): ProcessGenerator<number> {
    let n = 0;
    while (this.up.length > 0 && n + 10 <= bufBytes) {
      out.push(this.up.shift()!);
      n += 10;
    }
    return n;
  }
  *consume(msgs: readonly number[]): ProcessGenerator<void> {
    this.down.push(...msgs);
  }
}

const costs = { syscallNs: 500, copyNsPerByte: 1, pollNs: 800 };

describe('dm/control-device', () => {
  it('a blocking read sleeps until the kernel side wakes it, then packs what fits; its costs land on the reader\'s CPU', () => {
    const sim = new Simulation({ seed: 1 });
    const cpus = new CpuSet(sim, { cores: 1, contextSwitchNs: 1000, wakeupNs: 1500 });
    const q = new Queue();
    const dev = new ControlDevice(sim, '/dev/test', costs, q);
    const t: Thread = cpus.thread('daemon');
    let got: number[] = [];
    let at = NaN;
    t.spawn(function* () {
      const out: number[] = [];
      const n = yield* dev.read(t, 25, false, out);
      got = out;
      at = sim.now;
      expect(n).to.equal(20);
    });
    sim.process(function* () {
      yield sim.timeout(100_000);
      q.up.push(1, 2, 3);
      dev.wakeUp();
    });
    sim.run();
    expect(got).to.deep.equal([1, 2]);
    // Woken at 100 us onto the idle core (wakeup 1500 ns), then the copy of 20 bytes.
    expect(at).to.equal(100_000 + 1500 + 20);
    expect(t.cpuNs).to.equal(500 + 20);
    expect(dev.counters.sleeps).to.equal(1);
    expect(dev.counters.wakeups).to.equal(1);
  });

  it('a non-blocking read of an empty device returns 0 at once; poll waits; write hands the messages over', () => {
    const sim = new Simulation({ seed: 1 });
    const q = new Queue();
    const dev = new ControlDevice(sim, '/dev/test', costs, q);
    const log: [string, number][] = [];
    sim.process(function* () {
      const n = yield* dev.read(null, 100, true, []);
      log.push(['read', n]);
      yield* dev.poll(null);
      log.push(['poll', sim.now]);
      yield* dev.write(null, [7, 8], 16);
      log.push(['write', sim.now]);
    });
    sim.process(function* () {
      yield sim.timeout(50_000);
      q.up.push(9);
      dev.wakeUp();
    });
    sim.run();
    expect(log).to.deep.equal([['read', 0], ['poll', 50_000], ['write', 50_000 + 516]]);
    expect(q.down).to.deep.equal([7, 8]);
    expect(dev.counters.emptyReads).to.equal(1);
  });
});
