// fio's per-interval logs, checked against what a fixed service time implies: the fake device
// serves each I/O in serviceNs, and fio spends cpuNsPerIo (1000 ns in runFio) before each
// issue, so a psync job completes one I/O every serviceNs + 1000 ns.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../kernel-lib/base/input-error.js';
import { parseJobFile } from '../../../kernel-lib/workload/fio/job-file.js';
import { jobOptions } from '../../../kernel-lib/workload/fio/options.js';
import { runFio } from './helpers.js';

const SERVICE_NS = 100_000;
const PER_IO_NS = SERVICE_NS + 1000;

interface Line {
  ms: number;
  value: number;
  ddir: number;
  fields: number;
}

function read(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const f = l.split(', ').map(Number);
      return { ms: f[0], value: f[1], ddir: f[2], fields: f.length };
    });
}

describe('workload/fio/logs', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dmsim-fiologs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const job = (extra: string) => `[j]\nfilename=sda\nrw=write\nbs=4k\nioengine=psync\ndirect=1\ntime_based\n${extra}`;

  it('a constant rate gives one line per interval at 1e9/service_ns I/Os per second, bs*iops in KiB/s, the service time as latency', () => {
    runFio(job(`runtime=2\nwrite_iops_log=${dir}/a\nwrite_bw_log=${dir}/a\nwrite_lat_log=${dir}/a\nlog_avg_msec=100\n`), { serviceNs: SERVICE_NS });
    expect(readdirSync(dir).sort()).to.deep.equal(['a_bw.1.log', 'a_clat.1.log', 'a_iops.1.log', 'a_lat.1.log', 'a_slat.1.log']);
    const iops = read(join(dir, 'a_iops.1.log'));
    expect(iops.map((l) => l.ms)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 100 * (i + 1)));
    const expected = 1e9 / PER_IO_NS;
    // An interval holds a whole number of I/Os: within one I/O per 100 ms, i.e. 10 IOPS.
    for (const l of iops) {
      expect(l.ddir).to.equal(1);
      expect(l.fields).to.equal(5);
      expect(Math.abs(l.value - expected)).to.be.at.most(10);
    }
    for (const l of read(join(dir, 'a_bw.1.log'))) expect(Math.abs(l.value - (expected * 4096) / 1024)).to.be.at.most(40);
    const lat = read(join(dir, 'a_lat.1.log'));
    expect(lat.length).to.be.at.least(20);
    for (const l of lat) expect(l.value).to.equal(SERVICE_NS);
    // psync records no submission latency, as fio.
    expect(readFileSync(join(dir, 'a_slat.1.log'), 'utf8')).to.equal('');
  });

  it('thinktime leaves intervals without completions, written as 0', () => {
    // One I/O, then 300 ms of thinking: completions fall in every third 100 ms interval (one
    // I/O in 100 ms: 10 IOPS). The job thinks after its last I/O too (issued at ~900 ms), so
    // it ends at ~1200 ms, with two more empty intervals.
    runFio(job(`runtime=1\nthinktime=300ms\nwrite_iops_log=${dir}/t\nlog_avg_msec=100\n`), { serviceNs: SERVICE_NS });
    const iops = read(join(dir, 't_iops.1.log'));
    expect(iops.map((l) => l.ms)).to.deep.equal([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]);
    expect(iops.map((l) => l.value)).to.deep.equal([10, 0, 0, 10, 0, 0, 10, 0, 0, 10, 0, 0]);
  });

  it('ramp_time is not logged, and times count from its end (fio resets the epoch there)', () => {
    runFio(job(`ramp_time=250ms\nruntime=1\nwrite_iops_log=${dir}/p\nlog_avg_msec=100\n`), { serviceNs: SERVICE_NS });
    const iops = read(join(dir, 'p_iops.1.log'));
    expect(iops.map((l) => l.ms)).to.deep.equal([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // A first interval straddling the ramp's end would be short of I/Os; none is.
    for (const l of iops) expect(Math.abs(l.value - 1e9 / PER_IO_NS)).to.be.at.most(10);
  });

    it('rate_iops caps every interval at the rate', () => {
    runFio(job(`runtime=3\nrate_iops=50\nwrite_iops_log=${dir}/r\nlog_avg_msec=1000\n`), { serviceNs: SERVICE_NS });
    expect(read(join(dir, 'r_iops.1.log')).map((l) => [l.ms, l.value, l.ddir])).to.deep.equal([
      [1000, 50, 1],
      [2000, 50, 1],
      [3000, 50, 1],
    ]);
  });

  it('a mixed job logs each direction, per_job_logs=0 shares one file, log_offset adds a column, log_max_value the maximum', () => {
    runFio(
      `[global]\nfilename=sda\nbs=4k\nioengine=psync\ndirect=1\ntime_based\nruntime=1\nlog_avg_msec=500\nper_job_logs=0\nlog_offset=1\nlog_max_value=1\n` +
        `[j]\nrw=rw\nnumjobs=2\nwrite_iops_log=${dir}/m\nwrite_lat_log=${dir}/m\n`,
      { serviceNs: SERVICE_NS },
    );
    expect(readdirSync(dir).sort()).to.deep.equal(['m_clat.log', 'm_iops.log', 'm_lat.log', 'm_slat.log']);
    const iops = read(join(dir, 'm_iops.log'));
    // 2 jobs x 2 intervals x 2 directions; each job's reads and writes share its one I/O at a time.
    expect(iops).to.have.length(8);
    expect(iops.map((l) => l.ddir)).to.deep.equal([0, 1, 0, 1, 0, 1, 0, 1]);
    for (const l of iops) expect(l.fields).to.equal(6);
    for (let i = 0; i < 8; i += 2) expect(Math.abs(iops[i].value + iops[i + 1].value - 1e9 / PER_IO_NS)).to.be.at.most(2);
    for (const l of read(join(dir, 'm_lat.log'))) expect(l.value).to.equal(SERVICE_NS);
  });

  it('a relative NAME is written under the current directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      runFio(job(`runtime=1\nwrite_bw_log=sub/rel\nlog_avg_msec=1000\n`), { serviceNs: SERVICE_NS });
    } finally {
      process.chdir(cwd);
    }
    expect(read(join(dir, 'sub', 'rel_bw.1.log'))).to.have.length(1);
  });

  function err(text: string): InputError {
    try {
      for (const j of parseJobFile(text, 'x.fio').jobs) jobOptions(j, 'x.fio');
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error('expected an error');
  }

  it('bad values are located errors', () => {
    const e = err('[j]\nwrite_bw_log=x\nlog_avg_msec=-1\n');
    expect([e.file, e.line, e.field]).to.deep.equal(['x.fio', 3, 'log_avg_msec']);
  });

  it('log_avg_msec=0 (fio\'s default): one line per I/O, as fio\'s per_unit_log writes them', () => {
    runFio(`[j]\nfilename=sda\nrw=write\nbs=4k\nioengine=psync\ndirect=1\nsize=64k\nwrite_bw_log=${dir}/u\nwrite_iops_log=${dir}/u\nwrite_lat_log=${dir}/u\nlog_offset=1\n`, { serviceNs: SERVICE_NS });
    const lines = (kind: string) => readFileSync(join(dir, `u_${kind}.1.log`), 'utf8').trim().split('\n');
    // The k-th write completes at k x 101 us (1 us of fio, 100 us of service): ms truncated, the offset of the write, bs, prio 0.
    const at = (k: number, value: number) => `${Math.floor((k * PER_IO_NS) / 1e6)}, ${value}, 1, 4096, ${(k - 1) * 4096}, 0`;
    const ks = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(lines('iops')).to.deep.equal(ks.map((k) => at(k, 1)));
    expect(lines('lat')).to.deep.equal(ks.map((k) => at(k, SERVICE_NS)));
    expect(lines('clat')).to.deep.equal(ks.map((k) => at(k, SERVICE_NS)));
    // add_bw_sample: bytes x 10^6 / clat ns.
    expect(lines('bw')).to.deep.equal(ks.map((k) => at(k, Math.floor((4096 * 1e6) / SERVICE_NS))));
    // psync: no submission latency, an empty slat log.
    expect(readFileSync(join(dir, 'u_slat.1.log'), 'utf8')).to.equal('');
  });
});
