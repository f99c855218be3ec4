// A power cut in a scenario run (docs/power-cut.md): every physical device goes behind a
// volatile write cache (block/power-cut.ts); at the cut each device says what it lost, and
// each device-mapper target that registered `recoverAfterPowerCut` re-opens its metadata from
// what reached the media and checks it. `dmsim run --power-cut-at 12.5s`, or from a notebook
// `powerCut(scenario, 12.5)` / `runScenario(scenario, { powerCutAt: 12.5 })`.
import { InputError } from '../base/input-error.js';
import type { DeviceLoss, PowerCut } from '../block/power-cut.js';
import { MappedDevice } from '../dm/mapped-device.js';
import type { PowerCutRecovery } from '../dm/target-registry.js';
import { fsRecoveryText, recoverFileSystem, type FsRecovery } from '../fs/index.js';
import type { ShellRun } from '../workload/shell/index.js';
import type { Stack } from './build.js';

export interface TargetRecoveryReport extends PowerCutRecovery {
  /** The mapped device and the table line's target. */
  device: string;
  type: string;
  begin: number;
}

export interface PowerCutReport {
  /** Simulated seconds of the cut (from the start of the run, the targets' setup included). */
  at_s: number;
  /** Whether the run stopped there (`--power-cut-at`) or went on (a probe). */
  stopped: boolean;
  devices: DeviceLoss[];
  targets: TargetRecoveryReport[];
  /** The file systems mounted at the cut, as their next mount would find them (fs/recover.ts); absent when none. */
  file_systems?: FsRecovery[];
  /** Every target that checked itself, and every file system, found its metadata consistent. */
  consistent: boolean;
}

/** The mounted file systems' check, on the devices as the cut (or probe) left them. */
export function recoverFileSystems(shell: ShellRun | null): FsRecovery[] {
  const out: FsRecovery[] = [];
  for (const m of shell?.mounted() ?? []) {
    const r = recoverFileSystem(m.fs, m.dir, m.device);
    if (r !== null) out.push(r);
  }
  return out;
}

function report(at_s: number, stopped: boolean, devices: DeviceLoss[], targets: TargetRecoveryReport[], fs: FsRecovery[]): PowerCutReport {
  return {
    at_s,
    stopped,
    devices,
    targets,
    ...(fs.length > 0 ? { file_systems: fs } : {}),
    consistent: targets.every((t) => t.consistent) && fs.every((f) => f.consistent),
  };
}

/** The targets' re-open and check, on the devices as the cut (or probe) left them. */
export function recoverTargets(stack: Stack): TargetRecoveryReport[] {
  const out: TargetRecoveryReport[] = [];
  for (const e of stack.entries) {
    if (e.kind !== 'target' || !(e.dev instanceof MappedDevice)) continue;
    for (const t of e.dev.targets) {
      const r = t.target.recoverAfterPowerCut?.();
      if (r !== undefined) out.push({ device: e.name, type: t.target.type, begin: t.begin, ...r });
    }
  }
  return out;
}

/** Cuts the power for good now and reports. */
export function cutPower(pc: PowerCut, stack: Stack, shell: ShellRun | null = null): PowerCutReport {
  const devices = pc.cut();
  return report(pc.sim.now / 1e9, true, devices, recoverTargets(stack), recoverFileSystems(shell));
}

/** What a cut now would leave, the run going on. */
export function probePowerCut(pc: PowerCut, stack: Stack, shell: ShellRun | null = null): PowerCutReport {
  return pc.probe((devices) => report(pc.sim.now / 1e9, false, devices, recoverTargets(stack), recoverFileSystems(shell)));
}

/** Reads `--power-cut-at` / `powerCutAt`: seconds, a number or "12.5s" / "800ms". */
export function parseCutTime(v: unknown, field: string): number {
  let s: number;
  if (typeof v === 'number') s = v;
  else if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*(s|ms|us)?\s*$/.test(v)) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(s|ms|us)?\s*$/.exec(v) as RegExpExecArray;
    s = Number(m[1]) / (m[2] === 'ms' ? 1e3 : m[2] === 'us' ? 1e6 : 1);
  } else throw new InputError(`expected a time such as 12.5s, 800ms or 12.5 (seconds), got ${JSON.stringify(v)}`, { field });
  if (!(Number.isFinite(s) && s > 0)) throw new InputError(`the cut must come after the start of the run (> 0 s), got ${JSON.stringify(v)}`, { field });
  return s;
}

/** The lines `dmsim run` prints about the cut. */
export function powerCutText(r: PowerCutReport): string[] {
  const lines: string[] = [];
  const head = r.stopped ? `power cut at ${r.at_s.toFixed(3)} s` : `power-cut probe at ${r.at_s.toFixed(3)} s`;
  for (const d of r.devices) {
    lines.push(
      `dmsim: ${head}: ${d.device}: ${d.volatileCache ? `${d.cachedWrites} completed write(s) not yet flushed, ${d.lostWrites} of them (${d.lostBlocks} x 4 KiB) not destaged: lost` : 'no volatile write cache'}` +
        `; ${d.inFlightWrites} write(s) in flight lost`,
    );
  }
  for (const t of r.targets) lines.push(`dmsim: ${head}: ${t.device} (${t.type} at ${t.begin}): ${t.summary}`);
  for (const f of r.file_systems ?? []) lines.push(...fsRecoveryText(f, head));
  if (r.targets.length === 0 && r.file_systems === undefined) lines.push(`dmsim: ${head}: no target of this stack checks itself after a power cut`);
  return lines;
}
