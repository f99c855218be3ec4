// A small closed-loop driver for the device tests (not the workload layer's fio): `numjobs`
// submitters, each keeping `iodepth` direct I/Os in flight (psync = 1, libaio = 32), over the
// whole device or a region. Reports what fio would: IOPS, bandwidth, mean completion latency.
import type { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { Simulation, type ProcessGenerator, type SimEvent } from '../../kernel-lib/sim/index.js';
import { Bio, REQ_SYNC, type BlockDevice } from '../../kernel-lib/block/index.js';

export interface ClosedLoopJob {
  rw: 'read' | 'write' | 'randread' | 'randwrite';
  /** Block size, bytes. */
  bs: number;
  iodepth: number;
  numjobs?: number;
  /** Measured time after the ramp, ns. */
  runtimeNs: number;
  rampNs?: number;
  /** Region per job for sequential I/O; the whole device for random. */
  regionSectors?: number;
}

export interface ClosedLoopResult {
  ios: number;
  iops: number;
  /** MB/s (10^6 B/s), as fio's bw_bytes / 1e6. */
  mbps: number;
  meanLatNs: number;
}

export function runClosedLoop(sim: Simulation, dev: BlockDevice, cpus: CpuSet | null, job: ClosedLoopJob): ClosedLoopResult {
  const numjobs = job.numjobs ?? 1;
  const ramp = job.rampNs ?? 0;
  const start = sim.now;
  const measureFrom = start + ramp;
  const stopAt = measureFrom + job.runtimeNs;
  const bsSectors = job.bs / 512;
  const random = job.rw.startsWith('rand');
  const op = job.rw.endsWith('read') ? 'read' : 'write';
  let ios = 0;
  let latSum = 0;
  const region = job.regionSectors ?? Math.floor(dev.sizeSectors / numjobs);

  for (let j = 0; j < numjobs; j++) {
    const rng = sim.rng(`closed-loop:${j}`);
    const thread = cpus?.thread(`job${j}`) ?? null;
    let cursor = random ? 0 : j * region;
    const regionEnd = random ? dev.sizeSectors : (j + 1) * region;
    const body = function* (): ProcessGenerator<void> {
      let inflight = 0;
      let wake: SimEvent<undefined> | null = null;
      const done = (bio: Bio): void => {
        inflight--;
        if (bio.tComplete >= measureFrom && bio.tComplete < stopAt) {
          ios++;
          latSum += bio.tComplete - bio.tQueue;
        }
        if (wake !== null) {
          const w = wake;
          wake = null;
          w.succeed(undefined);
        }
      };
      while (sim.now < stopAt) {
        while (inflight < job.iodepth && sim.now < stopAt) {
          let sector: number;
          if (random) sector = rng.integer(0, Math.floor(dev.sizeSectors / bsSectors) - 1) * bsSectors;
          else {
            if (cursor + bsSectors > regionEnd) cursor = regionEnd - region;
            sector = cursor;
            cursor += bsSectors;
          }
          const bio = new Bio(op, sector, bsSectors, REQ_SYNC);
          bio.thread = thread;
          bio.cpu = thread?.core?.index ?? j % (cpus?.cores.length ?? 1);
          bio.endIo = done;
          inflight++;
          yield* dev.submit(bio);
        }
        if (inflight >= job.iodepth) {
          wake = sim.event<undefined>();
          yield wake;
        }
      }
    };
    if (thread !== null) thread.spawn(body);
    else sim.process(body, `job${j}`);
  }
  sim.run({ until: stopAt });
  const secs = job.runtimeNs / 1e9;
  return { ios, iops: ios / secs, mbps: (ios * job.bs) / secs / 1e6, meanLatNs: ios > 0 ? latSum / ios : NaN };
}
