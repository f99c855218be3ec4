import { expect } from 'chai';
import { fioRuntimeMs } from '../../../kernel-lib/workload/fio/json-output.js';
import { runFio } from './helpers.js';

const INT = 'int';
const FLOAT = 'float';
const LAT = { min: INT, max: INT, mean: FLOAT, stddev: FLOAT, N: INT };
const DDIR = {
  io_bytes: INT, io_kbytes: INT, bw_bytes: INT, bw: INT, iops: FLOAT, runtime: INT, total_ios: INT, short_ios: INT, drop_ios: INT,
  slat_ns: LAT, clat_ns: LAT, lat_ns: LAT,
  bw_min: INT, bw_max: INT, bw_agg: FLOAT, bw_mean: FLOAT, bw_dev: FLOAT, bw_samples: INT,
  iops_min: INT, iops_max: INT, iops_mean: FLOAT, iops_stddev: FLOAT, iops_samples: INT,
};

function checkShape(value: any, shape: Record<string, unknown>, path: string): void {
  for (const [k, t] of Object.entries(shape)) {
    expect(value, `${path}.${k}`).to.have.property(k);
    const v = value[k];
    if (t === INT) expect(Number.isInteger(v), `${path}.${k} = ${v} must be an integer`).to.equal(true);
    else if (t === FLOAT) expect(typeof v, `${path}.${k}`).to.equal('number');
    else checkShape(v, t as Record<string, unknown>, `${path}.${k}`);
  }
}

describe('workload/fio/json-output', () => {
  const { json } = runFio('[global]\nfilename=sda\ndirect=1\n[randw]\nrw=randwrite\nioengine=libaio\niodepth=4\nruntime=1200ms\ntime_based\npercentile_list=50:99:99.9');

  it('has fio\'s root keys in fio\'s order', () => {
    expect(Object.keys(json)).to.deep.equal(['fio version', 'timestamp', 'timestamp_ms', 'time', 'global options', 'jobs', 'disk_util']);
    expect(json['global options']).to.deep.equal({ filename: 'sda', direct: '1' });
    expect(json.jobs[0]['job options']).to.deep.include({ rw: 'randwrite', time_based: '', iodepth: '4' });
    expect(json['fio version']).to.match(/^fio-3\.\d+$/);
    expect(json.timestamp).to.equal(0);
  });

  it('has per-job keys and per-direction blocks with fio\'s types', () => {
    const job = json.jobs[0];
    for (const k of ['jobname', 'groupid', 'error', 'elapsed', 'job_runtime', 'usr_cpu', 'sys_cpu', 'ctx', 'iodepth_level', 'latency_us']) {
      expect(job).to.have.property(k);
    }
    expect(job.jobname).to.equal('randw');
    expect(job.groupid).to.equal(0);
    expect(job.error).to.equal(0);
    for (const d of ['read', 'write', 'trim']) checkShape(job[d], DDIR, d);
    checkShape(job.sync, { total_ios: INT, lat_ns: LAT }, 'sync');
    expect(Object.keys(job.iodepth_level)).to.deep.equal(['1', '2', '4', '8', '16', '32', '>=64']);
  });

  it('computes bw, iops and runtime as fio does', () => {
    const w = json.jobs[0].write;
    // runtime=1200ms ends with I/Os in flight; fio waits for them and rounds the µs up: the
    // familiar "run=1201msec" (60001msec for runtime=60), here too.
    expect(w.runtime).to.equal(1201);
    expect(w.bw_bytes).to.equal(Math.floor((1000 * w.io_bytes) / w.runtime));
    expect(w.bw).to.equal(Math.floor(w.bw_bytes / 1024));
    expect(w.iops).to.be.closeTo((1000 * w.total_ios) / 1201, 1e-9);
    expect(w.io_kbytes).to.equal(w.io_bytes / 1024);
    // 4 in flight at 100 us each: 40 000 IOPS.
    expect(w.iops).to.be.within(39_000, 40_000);
    // Two 500 ms windows closed: two bandwidth samples near the mean.
    expect(w.bw_samples).to.equal(2);
    expect(w.bw_mean).to.be.closeTo(w.bw, w.bw * 0.02);
  });

  it('puts percentiles under "%f" keys from percentile_list, only for clat and only with samples', () => {
    const w = json.jobs[0].write;
    expect(Object.keys(w.clat_ns.percentile)).to.deep.equal(['50.000000', '99.000000', '99.900000']);
    expect(Number.isInteger(w.clat_ns.percentile['99.000000'])).to.equal(true);
    expect(w.lat_ns).to.not.have.property('percentile');
    expect(json.jobs[0].read.clat_ns).to.not.have.property('percentile');
    expect(json.jobs[0].read.clat_ns.N).to.equal(0);
    // slat + clat = lat for queued I/O.
    expect(w.slat_ns.mean + w.clat_ns.mean).to.be.closeTo(w.lat_ns.mean, 1);
  });

  it('reports disk_util with integer ms ticks and a percentage', () => {
    const d = json.disk_util[0];
    // json_array_add_disk_util()'s keys, in its order (aggr_* only for a device with slaves).
    expect(Object.keys(d)).to.deep.equal(['name', 'read_ios', 'write_ios', 'read_sectors', 'write_sectors', 'read_merges', 'write_merges', 'read_ticks', 'write_ticks', 'in_queue', 'util']);
    expect(d.write_sectors).to.equal(8 * d.write_ios); // 4 KiB writes, none merged
    expect(d.name).to.equal('sda');
    expect(d.write_ios).to.be.greaterThan(40_000);
    expect(d.util).to.be.within(0, 100);
  });

  it('rounds runtime as backend.c update_runtime does: whole µs, then up to the ms', () => {
    const cases: [number, number][] = [
      [999, 0], // 0 µs elapsed: 0 ms, as fio
      [1000, 1], // a sub-ms run reports 1 ms, never 0 IOPS
      [1_000_000, 1],
      [1_000_999, 1], // 1000 µs: the ns below a µs are truncated first
      [1_001_000, 2],
      [60_000_000_000, 60_000],
      [60_000_400_000, 60_001],
    ];
    for (const [ns, ms] of cases) expect(fioRuntimeMs(ns), `${ns} ns`).to.equal(ms);
  });
});
