import { expect } from 'chai';
import { RandomStream } from '../../../kernel-lib/sim/index.js';
import { RandomMapOffsets } from '../../../kernel-lib/workload/fio/offsets.js';
import { runFio } from './helpers.js';

/** The random map as a plain bitmap from the first draw (the reference the sparse start must match). */
function bitmapDraws(blocks: number, rng: RandomStream, n: number): number[] {
  const map = new Uint8Array(blocks);
  const out: number[] = [];
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (used === blocks) {
      map.fill(0);
      used = 0;
    }
    let b = Math.floor(rng.random() * blocks);
    while (map[b] !== 0) b = (b + 1) % blocks;
    map[b] = 1;
    used++;
    out.push(b);
  }
  return out;
}

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

  it('a large region draws the same blocks through its sparse start as through a bitmap, none twice in a pass', function () {
    this.timeout(0);
    // 2^21 + 37 blocks: a bitmap bigger than the sparse set, so the map starts sparse and
    // turns into the bitmap after 2^15 blocks; 2^18 draws cover both stages.
    const blocks = 2 ** 21 + 37;
    const n = 2 ** 18;
    const gen = new RandomMapOffsets(blocks, 4096, new RandomStream(7, 'map'));
    const want = bitmapDraws(blocks, new RandomStream(7, 'map'), n);
    let mismatches = 0;
    const seen = new Uint8Array(blocks);
    let repeats = 0;
    for (let i = 0; i < n; i++) {
      const b = gen.next() / 4096;
      if (b !== want[i]) mismatches++;
      if (seen[b]++ !== 0) repeats++;
    }
    expect(mismatches).to.equal(0);
    expect(repeats).to.equal(0);
  });
});
