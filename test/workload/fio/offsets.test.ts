import { expect } from 'chai';
import { runFio } from './helpers.js';

const base = '[global]\nfilename=/dev/sda\ndirect=1\n';

describe('workload/fio/offsets', () => {
  it('random I/O over size hits every block exactly once (fio random map)', () => {
    const { dev, json } = runFio(`${base}[j]\nrw=randwrite\nbs=4k\nsize=1m`);
    const sectors = dev.seen.map((s) => s.sector);
    expect(new Set(sectors).size).to.equal(256);
    expect(Math.max(...sectors)).to.equal(2040);
    expect(sectors).to.not.deep.equal([...sectors].sort((a, b) => a - b));
    expect(json.jobs[0].write.io_kbytes).to.equal(1024);
  });

  it('zipf concentrates the accesses on few blocks', () => {
    const { dev } = runFio(`${base}[j]\nrw=randread\nrandom_distribution=zipf:1.2\nsize=4m\nruntime=1s\ntime_based`, { serviceNs: 100_000 });
    const counts = new Map<number, number>();
    for (const s of dev.seen) counts.set(s.sector, (counts.get(s.sector) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, 102).reduce((a, b) => a + b, 0); // hottest 10% of 1024 blocks
    expect(top / dev.seen.length).to.be.greaterThan(0.6);
  });
});
