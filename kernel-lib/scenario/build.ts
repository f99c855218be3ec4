// Builds the stack a scenario describes, bottom up, as an administrator would on a real
// machine: the devices (block layer profiles with their request queues), then the volumes
// carved from them (lvcreate), then the device-mapper targets (dmsetup create), which may sit
// on devices, volumes or other targets. Names are looked up the way tables write them: "sdb",
// "/dev/sdb", "/dev/mapper/snap" and "/dev/vg/base" all name what the scenario called sdb,
// snap and base.
import { kernelVersionOf } from '../base/kernel-version.js';
import { blockDefaultsForKernel } from '../block/kernel-presets.js';
import { createDevice } from '../block/create-device.js';
import type { BlockDevice } from '../block/device.js';
import type { PageCacheOptions } from '../block/page-cache.js';
import { createMappedDevice, createVolume, DM_CORE_COSTS, InputError } from '../dm/index.js';
import type { CpuSet } from '../sim/cpu.js';
import type { Simulation } from '../sim/index.js';
import type { SourceMap } from './load.js';
import { pageCacheOptions, paramsUnder } from './params.js';
import type { Scenario } from './schema.js';
import { deviceNumbers } from './devno.js';

export type StackKind = 'device' | 'volume' | 'target';

export interface StackEntry {
  name: string;
  kind: StackKind;
  dev: BlockDevice;
}

export interface DeviceFactorySpec {
  name: string;
  profile: string;
  overrides: Record<string, unknown>;
  block: Record<string, unknown>;
  backing?: BlockDevice;
  /** The page cache's options (the era's, then `pagecache.*`): a buffered loop device's file uses them. */
  pageCache?: Partial<PageCacheOptions>;
}

/** Makes a physical device; the block layer's createDevice unless a test substitutes one. */
export type DeviceFactory = (sim: Simulation, cpus: CpuSet | null, spec: DeviceFactorySpec) => BlockDevice;

export class Stack {
  /** Everything built, bottom up. */
  readonly entries: StackEntry[] = [];
  private readonly byName = new Map<string, StackEntry>();

  add(entry: StackEntry): void {
    this.entries.push(entry);
    this.byName.set(entry.name, entry);
  }

  /** The device a name refers to, written as a table or fio's filename would write it. */
  resolve(name: string): BlockDevice | undefined {
    return this.byName.get(baseName(name))?.dev;
  }

  has(name: string): boolean {
    return this.byName.has(baseName(name));
  }
}

/** "/dev/mapper/x", "/dev/vg/x", "/dev/x" and "x" all name x. */
export function baseName(name: string): string {
  return name.startsWith('/dev/') ? name.slice(name.lastIndexOf('/') + 1) : name;
}

/** A block-layer error ("devices.sda.rpm: ...") as an InputError at that key's line. */
function located(err: unknown, source: SourceMap, fallback: (string | number)[]): InputError {
  if (err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = /^([A-Za-z0-9_.+-]+): (.*)$/s.exec(message);
  if (m === null) return source.error(fallback, message);
  const parts = m[1].split('.');
  // Block-layer knobs live under params (nested or as flat dotted keys).
  const candidates = parts[0] === 'devices' ? [parts] : [['params', ...parts], ['params', m[1]]];
  for (const p of candidates) {
    const line = source.lineOf(p);
    if (line !== undefined && source.lineOf(p.slice(0, -1)) !== line) return new InputError(m[2], { file: source.file, line, field: m[1] });
  }
  return new InputError(m[2], { file: source.file, line: source.lineOf(candidates[0]) ?? source.lineOf(fallback), field: m[1] });
}

export function buildStack(
  scenario: Scenario,
  source: SourceMap,
  sim: Simulation,
  cpus: CpuSet | null,
  factory: DeviceFactory = createDevice,
): Stack {
  const stack = new Stack();
  const params = scenario.params;
  let block = paramsUnder(params, 'block');
  const kernel = kernelVersionOf(params.kernel);
  if (kernel !== undefined) block = { ...blockDefaultsForKernel(kernel), ...block };

  const pageCache = pageCacheOptions(params);
  for (const [name, spec] of Object.entries(scenario.devices)) {
    try {
      const backing = spec.backing !== undefined ? stack.resolve(spec.backing) : undefined;
      const dev = factory(sim, cpus, { name, profile: spec.profile, overrides: spec.overrides, block, backing, pageCache });
      stack.add({ name, kind: 'device', dev });
    } catch (err) {
      throw located(err, source, ['devices', name]);
    }
  }

  for (const [name, spec] of Object.entries(scenario.volumes)) {
    const dev = stack.resolve(spec.device);
    if (dev === undefined) throw source.error(['volumes', name, 'device'], `no device called '${spec.device}'`);
    const lv = createVolume(sim, name, spec, dev, (field) => ({ file: source.file, line: source.lineOf(['volumes', name, field]), field: `volumes.${name}.${field}` }), { cpus, ...DM_CORE_COSTS });
    stack.add({ name, kind: 'volume', dev: lv });
  }

  // Targets may sit on targets defined after them: build on demand, refusing cycles.
  const building = new Set<string>();
  const buildTarget = (name: string): BlockDevice => {
    const existing = stack.resolve(name);
    if (existing !== undefined) return existing;
    if (building.has(name)) throw source.error(['targets', name], `target ${name} is built on itself (${[...building, name].join(' -> ')})`);
    building.add(name);
    const { table, line } = scenario.targets[name];
    const md = createMappedDevice(
      {
        sim,
        cpus,
        params,
        deviceName: name,
        dmCore: { cpus, ...DM_CORE_COSTS },
        lookupDevice: (dev) => {
          const base = baseName(dev);
          if (stack.has(base)) return stack.resolve(base);
          // `dmsetup table` writes devices as major:minor; dm-N is a mapped device's kernel name.
          if (/^\d+:\d+$/.test(dev)) return deviceNumbers(stack.entries).get(dev)?.dev;
          if (/^dm-\d+$/.test(base) && !Object.hasOwn(scenario.targets, base)) return deviceNumbers(stack.entries).get(base)?.dev;
          return Object.hasOwn(scenario.targets, base) ? buildTarget(base) : undefined;
        },
      },
      table,
      { file: source.file, line: line ?? source.lineOf(['targets', name]) },
    );
    building.delete(name);
    stack.add({ name, kind: 'target', dev: md });
    return md;
  };
  for (const name of Object.keys(scenario.targets)) buildTarget(name);
  return stack;
}
