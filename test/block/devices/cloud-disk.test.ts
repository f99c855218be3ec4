// The rate-limited virtual disk (block/devices/cloud-disk.ts) and its token bucket, against
// arithmetic: a bucket of rate r and depth D hands out at most D + r T tokens in any T and,
// kept busy, exactly r per second; a QD1 stream behind a binding cap sees latency 1 / r
// (the signature of the published 2019 "HDD" rows: docs/references.md#devices-2019).
import { expect } from 'chai';
import { Simulation, type ProcessGenerator, type SimEvent } from '../../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC, createDevice, type BlockDevice } from '../../../kernel-lib/block/index.js';
import { TokenBucket } from '../../../kernel-lib/block/devices/token-bucket.js';
import { CloudDisk } from '../../../kernel-lib/block/devices/cloud-disk.js';

/** `iodepth` direct 4 KiB I/Os of `op` kept in flight until `untilNs`; per-I/O latencies in completion order. */
function stream(sim: Simulation, dev: BlockDevice, op: 'read' | 'write', iodepth: number, untilNs: number, bs = 4096): { lat: number[]; done: number[] } {
  const lat: number[] = [];
  const done: number[] = [];
  const rng = sim.rng(`stream:${op}`);
  const sectors = bs / 512;
  sim.process(function* (): ProcessGenerator<void> {
    let inflight = 0;
    let wake: SimEvent<undefined> | null = null;
    const end = (bio: Bio): void => {
      inflight--;
      lat.push(bio.tComplete - bio.tQueue);
      done.push(bio.tComplete);
      if (wake !== null) {
        const w = wake;
        wake = null;
        w.succeed(undefined);
      }
    };
    while (sim.now < untilNs) {
      while (inflight < iodepth && sim.now < untilNs) {
        const bio = new Bio(op, rng.integer(0, Math.floor(dev.sizeSectors / sectors) - 1) * sectors, sectors, REQ_SYNC);
        bio.endIo = end;
        inflight++;
        yield* dev.submit(bio);
      }
      if (inflight >= iodepth) {
        wake = sim.event<undefined>();
        yield wake;
      }
    }
  }, `stream:${op}`);
  return { lat, done };
}

const countBefore = (times: number[], t: number): number => times.filter((x) => x < t).length;

describe('block/devices/token-bucket', () => {
  it('kept busy, hands out exactly rate tokens per second after its depth (FIFO debt)', () => {
    const b = new TokenBucket(1000, 10);
    // 5000 takers all arriving at t = 0: the k-th (1-based) is covered when k - 10 tokens accrued.
    let last = 0;
    for (let k = 1; k <= 5000; k++) last = b.take(0, 1);
    expect(last).to.be.closeTo(((5000 - 10) / 1000) * 1e9, 1e-3);
  });

  it('never hands out more than depth + rate x T in any interval T, and refills no higher than its depth', () => {
    const rate = 712;
    const depth = 32;
    const b = new TokenBucket(rate, depth);
    // Takers arriving three times faster than the rate, after a long idle spell.
    const start = 100e9;
    const admitted: number[] = [];
    for (let k = 0; k < 20000; k++) admitted.push(b.take(start + (k * 1e9) / (3 * rate), 1));
    for (const T of [0.01e9, 0.5e9, 3e9]) {
      const n = countBefore(admitted, start + T + 1);
      expect(n, `within ${T / 1e9} s`).to.be.at.most(depth + (rate * T) / 1e9 + 1);
      expect(n, `within ${T / 1e9} s`).to.be.at.least((rate * T) / 1e9 - 1);
    }
    // Long run: the admission rate equals the cap.
    const span = (admitted[19999] - admitted[10000]) / 1e9;
    expect(9999 / span).to.be.closeTo(rate, rate * 1e-9);
  });

  it('rate 0 means unlimited', () => {
    const b = new TokenBucket(0, 0);
    expect(b.take(5, 1e9)).to.equal(5);
  });
});

describe('block/devices/cloud-disk', () => {
  // A volume with round numbers: caps 1000 read / 2000 write IOPS, a 1 ms / 0.25 ms base.
  const VOL = { read_iops: 1000, write_iops: 2000, read_mbps: 0, write_mbps: 0, burst_ios: 1, read_latency_ns: 1_000_000, write_latency_ns: 250_000 };

  it('QD32 random reads run at the read IOPS cap (long-run rate = cap)', () => {
    const sim = new Simulation({ seed: 1 });
    const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: VOL });
    const s = stream(sim, dev, 'read', 32, 2.2e9);
    sim.run({ until: 2.2e9 });
    const n = countBefore(s.done, 2.2e9) - countBefore(s.done, 0.2e9);
    expect(n / 2).to.be.closeTo(1000, 1);
  });

  it('psync latency equals 1 / cap when the cap binds (read 1 / 712, write 1 / 1425: the published rows)', () => {
    for (const [op, cap] of [['read', 712], ['write', 1425]] as const) {
      const sim = new Simulation({ seed: 1 });
      const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019' });
      const s = stream(sim, dev, op, 1, 3e9);
      sim.run({ until: 3e9 });
      // After the burst credit (32 I/Os) is spent.
      const steady = s.lat.slice(100);
      const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
      expect(mean, op).to.be.closeTo(1e9 / cap, 1e9 / cap * 0.005);
    }
  });

  it('burst credit lets the first burst_ios I/Os through at the base latency, then the cap binds', () => {
    const N = 50;
    const base = 1_000_000;
    const sim = new Simulation({ seed: 1 });
    const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: { ...VOL, read_iops: 100, burst_ios: N, read_latency_ns: base } });
    const s = stream(sim, dev, 'read', 1, 3e9);
    sim.run({ until: 3e9 });
    for (let i = 0; i < N; i++) expect(s.lat[i], `I/O ${i}`).to.be.within(base, base + 20_000);
    // The bucket refills at 100/s while the burst runs at ~1000/s: about N / (1 - 100 x 1 ms)
    // I/Os pass before it is empty, none after that.
    const fast = s.lat.findIndex((l) => l > base + 20_000);
    expect(fast).to.be.within(N, Math.ceil(N / (1 - 100 * (base / 1e9))) + 1);
    const tail = s.lat.slice(fast + 5);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).to.be.closeTo(10_000_000, 50_000);
  });

  it('peak_iops bounds how fast the credit is spent: QD32 at the peak until the credit is gone, then at the cap', () => {
    // gp2-like: 1000 IOPS sustained, bursts at 3000 from 2000 I/Os of credit. The credit
    // drains at 3000 - 1000 per second: 1 s at the peak, then the cap.
    const sim = new Simulation({ seed: 1 });
    const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: { ...VOL, burst_ios: 2000, peak_iops: 3000 } });
    const s = stream(sim, dev, 'read', 32, 3.1e9);
    sim.run({ until: 3.1e9 });
    const rate = (a: number, b: number): number => (countBefore(s.done, b) - countBefore(s.done, a)) / ((b - a) / 1e9);
    expect(rate(0.1e9, 0.9e9)).to.be.closeTo(3000, 3000 * 0.01);
    expect(rate(1.1e9, 3.1e9)).to.be.closeTo(1000, 1000 * 0.01);
  });

  it('reads and writes have separate caps: both run at their own cap at the same time', () => {
    const sim = new Simulation({ seed: 1 });
    const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: VOL });
    const r = stream(sim, dev, 'read', 32, 2.2e9);
    const w = stream(sim, dev, 'write', 32, 2.2e9);
    sim.run({ until: 2.2e9 });
    const rate = (t: number[]): number => (countBefore(t, 2.2e9) - countBefore(t, 0.2e9)) / 2;
    expect(rate(r.done)).to.be.closeTo(1000, 1);
    expect(rate(w.done)).to.be.closeTo(2000, 1);
  });

  it('the bandwidth cap binds 256 KiB I/O: MB/s = read_mbps', () => {
    const sim = new Simulation({ seed: 1 });
    const dev = createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: { ...VOL, read_iops: 0, read_mbps: 100, burst_mb: 1 } });
    const s = stream(sim, dev, 'read', 32, 2.2e9, 262144);
    sim.run({ until: 2.2e9 });
    const mbps = ((countBefore(s.done, 2.2e9) - countBefore(s.done, 0.2e9)) * 262144) / 2 / 1e6;
    expect(mbps).to.be.closeTo(100, 100 * 0.01);
  });

  it('a capped volume without burst credit is an error naming the parameter', () => {
    const sim = new Simulation({ seed: 1 });
    expect(() => createDevice(sim, null, { name: 'pd0', profile: 'cloud-pd-375g-2019', overrides: { burst_ios: 0 } })).to.throw(/devices\.pd0: burst_ios: must be >= 1/);
    expect(createDevice(sim, null, { name: 'pd1', profile: 'cloud-pd-375g-2019' }).driver).to.be.instanceOf(CloudDisk);
  });
});
