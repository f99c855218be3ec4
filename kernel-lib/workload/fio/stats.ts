// What fio counts for one job (struct thread_stat), in constant memory: per direction the
// bytes and I/Os, slat/clat/lat histograms, bandwidth and IOPS samples every 500 ms (fio's
// bwavgtime/iopsavgtime), plus the sync (fsync) latencies, the depth at each submission
// (iodepth_level) and the latency buckets (latency_ns/us/ms). Groups (group_reporting) are
// summed the way fio's sum_thread_stats() does it.
import { LatencyHistogram } from '../../sim/index.js';

/** fio's bwavgtime / iopsavgtime default: one bandwidth sample every 500 ms. */
export const SAMPLE_NS = 500e6;

/** fio's io_stat for bw/iops samples: min, max, mean and the running S of Welford's method. */
export class SampleStat {
  samples = 0;
  min = 0;
  max = 0;
  mean = 0;
  S = 0;
  add(x: number): void {
    const n = ++this.samples;
    if (n === 1 || x < this.min) this.min = x;
    if (n === 1 || x > this.max) this.max = x;
    const d = x - this.mean;
    this.mean += d / n;
    this.S += d * (x - this.mean);
  }
  get stddev(): number {
    return this.samples > 1 ? Math.sqrt(this.S / (this.samples - 1)) : 0;
  }
  /** sum_stat(pure_sum): for group reports, bandwidths of jobs running together add up. */
  addPure(o: SampleStat): void {
    if (o.samples === 0) return;
    if (this.samples === 0) Object.assign(this, { min: o.min, max: o.max, mean: o.mean, S: o.S, samples: o.samples });
    else {
      this.min += o.min;
      this.max += o.max;
      this.mean += o.mean;
      this.S += o.S;
      this.samples += o.samples;
    }
  }
}

export class DirStats {
  ioBytes = 0;
  totalIos = 0;
  readonly slat = new LatencyHistogram();
  readonly clat = new LatencyHistogram();
  readonly lat = new LatencyHistogram();
  readonly bw = new SampleStat();
  readonly iops = new SampleStat();
  /** Bytes and I/Os since the last sample. */
  windowBytes = 0;
  windowIos = 0;

  merge(o: DirStats): void {
    this.ioBytes += o.ioBytes;
    this.totalIos += o.totalIos;
    this.slat.merge(o.slat);
    this.clat.merge(o.clat);
    this.lat.merge(o.lat);
    this.bw.addPure(o.bw);
    this.iops.addPure(o.iops);
  }
}

/** io_u_map: submissions by depth in flight, buckets 1, 2, 4, 8, 16, 32, >=64. */
function depthBucket(depth: number): number {
  if (depth >= 64) return 6;
  return Math.min(5, 31 - Math.clz32(Math.max(1, depth)));
}

// fio's latency buckets (stat.c io_u_lat_n/u/m): upper bounds, the last ms bucket ">=2000".
export const LAT_BOUNDS = [2, 4, 10, 20, 50, 100, 250, 500, 750, 1000];
export const LAT_MS_BOUNDS = [...LAT_BOUNDS, 2000];

export class JobStats {
  readonly dir = [new DirStats(), new DirStats(), new DirStats()];
  readonly sync = new LatencyHistogram();
  syncIos = 0;
  readonly depthMap = new Float64Array(7);
  readonly latN = new Float64Array(10);
  readonly latU = new Float64Array(10);
  readonly latM = new Float64Array(12);
  /** ns the job ran, measured after ramp_time (fio's runtime[ddir]; a group's longest). */
  runtimeNs = 0;
  /** fio's total_run_time: the same, summed over a group's jobs (job_runtime, CPU %). */
  totalRunNs = 0;
  /** ns of CPU: fio's own work (usr) and the kernel's on the job's thread (sys). */
  usrNs = 0;
  sysNs = 0;
  ctx = 0;
  /** Jobs summed into this one (1 for a single job). */
  jobs = 1;
  private nextSample = NaN;
  private sampleStart = 0;

  /** Starts the clock of samples (at the end of ramp_time). */
  startSampling(now: number): void {
    this.sampleStart = now;
    this.nextSample = now + SAMPLE_NS;
  }

  markDepth(depth: number): void {
    this.depthMap[depthBucket(depth)]++;
  }

  /** A completed I/O of `bytes` in direction `d`, with its three latencies. */
  complete(now: number, d: number, bytes: number, slatNs: number, clatNs: number, latNs: number, async: boolean): void {
    this.flushSamples(now);
    const s = this.dir[d];
    s.ioBytes += bytes;
    s.totalIos++;
    s.windowBytes += bytes;
    s.windowIos++;
    if (async) s.slat.record(slatNs);
    s.clat.record(clatNs);
    s.lat.record(latNs);
    this.markLatency(latNs);
  }

  private markLatency(ns: number): void {
    if (ns < 1000) this.latN[bucket(ns, LAT_BOUNDS)]++;
    else if (ns < 1e6) this.latU[bucket(ns / 1e3, LAT_BOUNDS)]++;
    else this.latM[bucket(ns / 1e6, LAT_MS_BOUNDS)]++;
  }

  /** Closes every 500 ms window that ended before `now` (one bw and iops sample each). */
  flushSamples(now: number): void {
    while (now >= this.nextSample) {
      const secs = (this.nextSample - this.sampleStart) / 1e9;
      for (const s of this.dir) {
        if (s.totalIos === 0 && s.windowIos === 0) continue;
        s.bw.add(Math.floor(s.windowBytes / 1024 / secs));
        s.iops.add(Math.floor(s.windowIos / secs));
        s.windowBytes = 0;
        s.windowIos = 0;
      }
      this.sampleStart = this.nextSample;
      this.nextSample += SAMPLE_NS;
    }
  }

  /** The job's error number (fio's td->error: EIO when rate_min is not met), 0 if none. */
  error = 0;

  /** sum_thread_stats(): adds another job of the same group. */
  merge(o: JobStats): void {
    if (this.error === 0) this.error = o.error;
    for (let d = 0; d < 3; d++) this.dir[d].merge(o.dir[d]);
    this.sync.merge(o.sync);
    this.syncIos += o.syncIos;
    for (let i = 0; i < 7; i++) this.depthMap[i] += o.depthMap[i];
    for (let i = 0; i < 10; i++) this.latN[i] += o.latN[i];
    for (let i = 0; i < 10; i++) this.latU[i] += o.latU[i];
    for (let i = 0; i < 12; i++) this.latM[i] += o.latM[i];
    this.runtimeNs = Math.max(this.runtimeNs, o.runtimeNs);
    this.totalRunNs += o.totalRunNs;
    this.usrNs += o.usrNs;
    this.sysNs += o.sysNs;
    this.ctx += o.ctx;
    this.jobs += o.jobs;
  }
}

function bucket(v: number, bounds: readonly number[]): number {
  for (let i = 0; i < bounds.length; i++) if (v < bounds[i]) return i;
  return bounds.length;
}
