// fio's normal (human) output, in its layout (stat.c show_thread_status_normal(),
// show_ddir_status(), show_run_stats(), show_disk_util()), rendered from the JSON document
// so the two can never disagree.

type Json = Record<string, any>;

const DIRS = ['read', 'write', 'trim'] as const;

/** fio's num2str(): 4 significant digits with a unit prefix (base 1024 for KiB, 1000 for kB). */
export function num2str(value: number, base: 1000 | 1024, unit: string): string {
  const prefixes = base === 1024 ? ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'] : ['', 'k', 'M', 'G', 'T', 'P'];
  let v = value;
  let i = 0;
  while (v >= 10000 && i < prefixes.length - 1) {
    v /= base;
    i++;
  }
  const text = Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text}${prefixes[i]}${unit}`;
}

/**
 * fio's lib/num2str.c num2str(num, maxlen = 4, base 1, pow2, unit) exactly: divide by
 * 1000 (1024) while the integer has more than maxlen digits, then show the remainder as as
 * many decimals as fit in maxlen, rounding as fio does (a carry bumps the integer).
 */
export function fioNum2str(value: number, pow2: boolean, unit: string, maxlen = 4): string {
  const prefixes = pow2 ? ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] : ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  const thousand = pow2 ? 1024 : 1000;
  let num = Math.floor(value);
  let modulo = -1;
  let carry = false;
  let post = 0;
  while (post < prefixes.length) {
    if (String(num).length <= maxlen) break;
    modulo = num % thousand;
    num = Math.floor(num / thousand);
    carry = modulo >= thousand / 2;
    post++;
  }
  if (post >= prefixes.length) post = 0;
  if (modulo === -1) return `${num}${prefixes[post]}${unit}`;
  const room = maxlen - String(num).length;
  if (room <= 1) return `${carry ? num + 1 : num}${prefixes[post]}${unit}`;
  const frac = (modulo / thousand).toFixed(room - 1);
  if (frac[0] === '1') num++;
  return `${num}.${frac.slice(2)}${prefixes[post]}${unit}`;
}

/** fio scales latencies to the unit that keeps them readable: nsec, usec or msec. */
function latUnit(lat: Json): [string, number] {
  if (lat.max < 10_000) return ['nsec', 1];
  if (lat.max < 10_000_000) return ['usec', 1e3];
  return ['msec', 1e6];
}

function latLine(label: string, lat: Json): string {
  const [unit, div] = latUnit(lat);
  const f = (v: number) => (Number.isInteger(v / div) ? String(v / div) : (v / div).toFixed(2));
  return `${label} (${unit}): min=${Math.round(lat.min / div)}, max=${Math.round(lat.max / div)}, avg=${f(lat.mean)}, stdev=${f(lat.stddev)}`;
}

function percentileLines(lat: Json): string[] {
  const [unit, div] = latUnit(lat);
  const entries = Object.entries(lat.percentile as Record<string, number>);
  const width = Math.max(...entries.map(([, v]) => String(Math.round(v / div)).length));
  const cells = entries.map(([p, v]) => `${Number(p).toFixed(2).padStart(5)}th=[${String(Math.round(v / div)).padStart(width)}]`);
  const lines = [`    clat percentiles (${unit}):`];
  for (let i = 0; i < cells.length; i += 4) lines.push(`     | ${cells.slice(i, i + 4).join(', ')}${i + 4 < cells.length ? ',' : ''}`);
  return lines;
}

function ddirLines(name: string, d: Json): string[] {
  // show_ddir_status(): integer bytes/s and IOPS over the integer runtime in ms, each through
  // num2str (4 digits), the bandwidth in KiB-based units then in SI units: "BW=5700KiB/s (5837kB/s)".
  const iops = fioNum2str(Math.floor((1000 * d.total_ios) / d.runtime), false, '');
  const bw = Math.floor((1000 * d.io_bytes) / d.runtime);
  const lines = [
    `  ${name}: IOPS=${iops}, BW=${fioNum2str(bw, true, 'B/s')} (${fioNum2str(bw, false, 'B/s')})` +
      `(${fioNum2str(d.io_bytes, true, 'B')}/${d.runtime}msec)`,
  ];
  if (d.slat_ns.N > 0) lines.push(`    ${latLine('slat', d.slat_ns)}`);
  lines.push(`    ${latLine('clat', d.clat_ns)}`);
  lines.push(`     ${latLine('lat', d.lat_ns)}`);
  if (d.clat_ns.percentile) lines.push(...percentileLines(d.clat_ns));
  if (d.bw_samples > 0) {
    lines.push(
      `   bw (  KiB/s): min=${d.bw_min}, max=${d.bw_max}, per=${d.bw_agg.toFixed(2)}%, avg=${d.bw_mean.toFixed(2)}, stdev=${d.bw_dev.toFixed(2)}, samples=${d.bw_samples}`,
      `   iops        : min=${d.iops_min}, max=${d.iops_max}, avg=${d.iops_mean.toFixed(2)}, stdev=${d.iops_stddev.toFixed(2)}, samples=${d.iops_samples}`,
    );
  }
  return lines;
}

function pctList(o: Json): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${(v as number).toFixed(1)}%`)
    .join(', ');
}

export function fioText(doc: Json, jobCounts: readonly number[]): string {
  const out: string[] = [];
  doc.jobs.forEach((job: Json, i: number) => {
    out.push(`${job.jobname}: (groupid=${job.groupid}, jobs=${jobCounts[i] ?? 1}): err= 0: pid=0: ${doc.time}`);
    // fio prints no line for a direction without runtime (show_ddir_status returns).
    for (const name of DIRS) if (job[name].total_ios > 0 && job[name].runtime > 0) out.push(...ddirLines(name, job[name]));
    if (job.sync.total_ios > 0) {
      out.push('  fsync/fdatasync/sync_file_range:', `    ${latLine('sync', job.sync.lat_ns)}`);
    }
    out.push(`  cpu          : usr=${job.usr_cpu.toFixed(2)}%, sys=${job.sys_cpu.toFixed(2)}%, ctx=${job.ctx}, majf=0, minf=0`);
    out.push(`  IO depths    : ${pctList(job.iodepth_level)}`);
    const total = DIRS.map((d) => job[d].total_ios).join(',');
    out.push(`     issued rwts: total=${total},${job.sync.total_ios} short=0,0,0,0 dropped=0,0,0,0`);
    out.push('');
  });
  const groups = [...new Set(doc.jobs.map((j: Json) => j.groupid as number))];
  for (const g of groups) {
    out.push(`Run status group ${g} (all jobs):`);
    for (const name of DIRS) {
      const jobs = doc.jobs.filter((j: Json) => j.groupid === g && j[name].total_ios > 0);
      if (jobs.length === 0) continue;
      const io = jobs.reduce((s: number, j: Json) => s + j[name].io_bytes, 0);
      const runs = jobs.map((j: Json) => j[name].runtime);
      const maxRun = Math.max(...runs);
      const bw = maxRun > 0 ? Math.floor((1000 * io) / maxRun) : 0;
      const bws = jobs.map((j: Json) => j[name].bw_bytes);
      out.push(
        `  ${name.toUpperCase().padStart(5)}: bw=${num2str(bw, 1024, 'B/s')} (${num2str(bw, 1000, 'B/s')}), ` +
          `${num2str(Math.min(...bws), 1024, 'B/s')}-${num2str(Math.max(...bws), 1024, 'B/s')} ` +
          `(${num2str(Math.min(...bws), 1000, 'B/s')}-${num2str(Math.max(...bws), 1000, 'B/s')}), ` +
          `io=${num2str(io, 1024, 'B')} (${num2str(io, 1000, 'B')}), run=${Math.min(...runs)}-${maxRun}msec`,
      );
    }
    out.push('');
  }
  if (doc.disk_util.length > 0) {
    out.push('Disk stats (read/write):');
    for (const d of doc.disk_util) {
      // print_disk_util(): a device with slaves (dm) is indented and followed by show_agg_stats().
      const agg =
        d.aggr_util === undefined
          ? ''
          : `, aggrios=${d.aggr_read_ios}/${d.aggr_write_ios}, aggsectors=${d.aggr_read_sectors}/${d.aggr_write_sectors}, ` +
            `aggrmerge=${d.aggr_read_merges}/${d.aggr_write_merge}, aggrticks=${d.aggr_read_ticks}/${d.aggr_write_ticks}, ` +
            `aggrin_queue=${d.aggr_in_queue}, aggrutil=${d.aggr_util.toFixed(2)}%`;
      out.push(
        `${d.aggr_util === undefined ? '' : '  '}  ${d.name}: ios=${d.read_ios}/${d.write_ios}, sectors=${d.read_sectors}/${d.write_sectors}, ` +
          `merge=${d.read_merges}/${d.write_merges}, ticks=${d.read_ticks}/${d.write_ticks}, in_queue=${d.in_queue}, util=${d.util.toFixed(2)}%${agg}`,
      );
    }
  }
  return out.join('\n');
}
