// What runScenario() returns: fio's JSON document (or dd's result), the `dmsim` block, a
// readable summary, a flat record of metrics for sweeps, and the rich display a notebook
// shows (text/plain summary + text/html table).
import { ddJson, type DdResult } from '../workload/dd.js';
import type { ShellRun } from '../workload/shell/index.js';
import { fioText } from '../workload/fio/text-output.js';
import type { Scenario } from './schema.js';
import type { BlockTrace } from './trace-writer.js';
import { whereTheTimeWent, whereTheTimeWentMetrics, type ThreadReportRow } from './where-time-went.js';
import type { LockReportRow } from '../sim/lock-report.js';
import { powerCutText, type PowerCutReport } from './power-cut.js';

type Json = Record<string, any>;

export interface DmsimBlock {
  scenario: string;
  seed: number | string;
  simulated_ns: number;
  /** Simulated time of the whole run, including `setup_s`. */
  simulated_s: number;
  /** Time the targets' constructors took before the workload started (a persistent snapshot's header I/O); 0 for most stacks. */
  setup_s: number;
  events: number;
  /** The only field that changes from run to run. */
  wall_ms: number;
  cpu_util: number[];
  /**
   * Every device, volume and mapped device, bottom up; a mapped device (kind `target`) has
   * `status`: one entry per table line ({begin, length, type, ...the target's status()}).
   */
  devices: Json[];
  warnings: string[];
  params: Record<string, unknown>;
  /** The lock report: one row per lock class, most held first (where-time-went.ts). */
  locks: LockReportRow[];
  /** The thread report: every simulated thread and kernel worker with its CPU time. */
  threads: ThreadReportRow[];
  /** With a power cut (runScenario's powerCutAt, `--power-cut-at`): what was lost and what the targets found. */
  power_cut?: PowerCutReport;
  /** With powerCutProbes: what a cut at each instant would have left. */
  power_cut_probes?: PowerCutReport[];
}

const DIRS = ['read', 'write', 'trim'] as const;

function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class ScenarioResult {
  constructor(
    readonly scenario: Scenario,
    /** fio's --output-format=json document (null for a dd workload). */
    readonly fio: Json | null,
    readonly dd: DdResult | null,
    readonly dmsim: DmsimBlock,
    readonly trace: BlockTrace | null,
    /** Jobs summed into each fio jobs[] entry (for "jobs=N" in the text output). */
    private readonly jobCounts: readonly number[],
    /** A shell workload's run (its commands' results), else null. */
    readonly shell: ShellRun | null = null,
  ) {}

  /** The document `dmsim run --json` prints: fio's shape plus a `dmsim` block. */
  toJSON(): Json {
    if (this.shell !== null) {
      const span = this.mountToUmountS();
      return { commands: this.shell.results, ...(span === null ? {} : { mount_to_umount_s: span }), dmsim: this.dmsim };
    }
    if (this.fio !== null) return { ...this.fio, dmsim: this.dmsim };
    return { dd: ddJson(this.dd!), dmsim: this.dmsim };
  }

  /**
   * The readable summary `dmsim run` prints: fio's or dd's own output, then dmsim's lines.
   * `ddElsewhere`: leave dd's lines out (`dmsim run` prints them on stderr, where dd does).
   */
  text(options: { ddElsewhere?: boolean } = {}): string {
    const body = this.shell !== null ? this.shell.text() : this.fio !== null ? fioText(this.fio, this.jobCounts) : this.dd!.text;
    const d = this.dmsim;
    const lines = [...(options.ddElsewhere && this.dd !== null && this.fio === null && this.shell === null ? [] : [body, '']), `dmsim: ${d.simulated_s.toFixed(3)} s simulated, ${d.events} events, ${d.wall_ms.toFixed(0)} ms wall, seed ${d.seed}`];
    for (const w of d.warnings) lines.push(`dmsim: warning: ${w}`);
    if (d.power_cut !== undefined) lines.push(...powerCutText(d.power_cut));
    lines.push('', ...whereTheTimeWent(d.threads, d.locks, d.cpu_util));
    return lines.join('\n');
  }

  /**
   * From the start of the first mount to the end of the last umount after it (the 2006
   * "time to mount, copy and unmount"), s; null without both.
   */
  private mountToUmountS(): number | null {
    if (this.shell === null) return null;
    const results = this.shell.results;
    const mount = results.find((r) => /^mount\s/.test(r.cmd));
    let umount: (typeof results)[number] | undefined;
    for (const r of results) if (/^umount\s/.test(r.cmd)) umount = r;
    if (mount === undefined || umount === undefined || umount.start_ns < mount.start_ns) return null;
    return (umount.start_ns + umount.elapsed_ns - mount.start_ns) / 1e9;
  }

  /**
   * One flat row for sweep tables: per job and direction bw, iops, latencies; dd's rate; where
   * the time went (CPU per core and thread, the lock report). Every key: docs/scenario.md, "Metrics".
   */
  metrics(): Record<string, number | string | boolean> {
    const m: Record<string, number | string | boolean> = { simulated_s: this.dmsim.simulated_s, events: this.dmsim.events };
    if (this.dd !== null) {
      m.dd_bytes = this.dd.bytes;
      m.dd_seconds = this.dd.seconds;
      m.dd_mb_s = this.dd.seconds > 0 ? this.dd.bytes / this.dd.seconds / 1e6 : 0;
    }
    if (this.shell !== null) {
      // One number per command, their sum, dd's rates, and the span from mount to umount.
      let total = 0;
      this.shell.results.forEach((r, i) => {
        total += r.elapsed_ns / 1e9;
        m[`cmd${i + 1}_s`] = r.elapsed_ns / 1e9;
        if (r.dd !== undefined) m[`cmd${i + 1}_dd_mb_s`] = r.dd.bytes_per_second / 1e6;
      });
      m.shell_s = total;
      const span = this.mountToUmountS();
      if (span !== null) m.mount_to_umount_s = span;
      m.shell_failed = this.shell.results.some((r) => r.exit_status !== 0);
    }
    const jobs: Json[] = this.fio?.jobs ?? [];
    jobs.forEach((job, i) => {
      const prefix = jobs.length === 1 ? '' : `${job.jobname}.${i}.`;
      for (const d of DIRS) {
        const s = job[d];
        if (s.total_ios === 0) continue;
        m[`${prefix}${d}_iops`] = s.iops;
        m[`${prefix}${d}_bw_kib`] = s.bw;
        m[`${prefix}${d}_bw_mb_s`] = s.bw_bytes / 1e6;
        m[`${prefix}${d}_clat_mean_us`] = s.clat_ns.mean / 1e3;
        m[`${prefix}${d}_lat_mean_us`] = s.lat_ns.mean / 1e3;
        for (const [p, v] of Object.entries(s.clat_ns.percentile ?? {})) {
          if (['50.000000', '99.000000', '99.900000'].includes(p)) m[`${prefix}${d}_clat_p${Number(p)}_us`] = (v as number) / 1e3;
        }
      }
    });
    for (const dev of this.dmsim.devices) if (dev.kind === 'device' && typeof dev.util === 'number') m[`${dev.name}_util`] = dev.util;
    const cut = this.dmsim.power_cut;
    if (cut !== undefined) {
      m.power_cut_s = cut.at_s;
      m.power_cut_consistent = cut.consistent;
      m.power_cut_lost_writes = cut.devices.reduce((n, d) => n + d.lostWrites + d.inFlightWrites, 0);
    }
    // Targets that can become invalid (a snapshot: state Active / Invalid) get a column.
    for (const dev of this.dmsim.devices) {
      const states = ((dev.status ?? []) as Json[]).filter((t) => typeof t.state === 'string');
      if (states.length > 0) m[`${dev.name}_invalid`] = states.some((t) => t.state === 'Invalid');
    }
    // Last, so the columns above keep their places in existing tables.
    Object.assign(m, whereTheTimeWentMetrics(this.dmsim.threads, this.dmsim.locks, this.dmsim.cpu_util));
    return m;
  }

  /** Rich display for notebooks: the summary as text, the metrics as an HTML table. */
  _repr_mimebundle_(): Record<string, string> {
    const rows = Object.entries(this.metrics())
      .map(([k, v]) => `<tr><td>${escapeHTML(k)}</td><td class="num">${escapeHTML(typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v))}</td></tr>`)
      .join('\n');
    const title = escapeHTML(this.scenario.description || this.scenario.file);
    const warn = this.dmsim.warnings.map((w) => `<p class="dmsim-warning">warning: ${escapeHTML(w)}</p>`).join('\n');
    return {
      'text/plain': this.text(),
      'text/html': `<div class="dmsim-result"><p><b>${title}</b> (seed ${escapeHTML(String(this.dmsim.seed))}, ${this.dmsim.simulated_s.toFixed(3)} s simulated)</p>\n<table class="dmsim-table">\n<thead><tr><th>metric</th><th class="num">value</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>${warn ? `\n${warn}` : ''}</div>`,
    };
  }
}
