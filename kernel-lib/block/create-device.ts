// The factory the scenario layer calls: a profile plus overrides becomes a driver, and the
// driver gets a request queue (legacy or blk-mq) in front of it. Errors name the offending
// key as the user wrote it: `devices.<name>.<param>`, `block.<knob>`.
import { describeValue } from '../base/describe-value.js';
import type { CpuSet } from '../sim/cpu.js';
import type { Simulation } from '../sim/index.js';
import { BlkMq } from './blk-mq.js';
import type { BlkCore } from './blk-core.js';
import type { BlockDevice } from './device.js';
import type { BlockDriver } from './driver.js';
import { CloudDisk, type CloudDiskParams } from './devices/cloud-disk.js';
import { Hdd, type HddParams } from './devices/hdd.js';
import { LoopDevice, type LoopParams } from './devices/loop.js';
import { NullBlk, type NullBlkParams } from './devices/null-blk.js';
import { RamDisk, type RamParams } from './devices/ram.js';
import { Ssd, type SsdParams } from './devices/ssd.js';
import type { PageCacheOptions } from './page-cache.js';
import { parseBlockOptions, type BlockOptions } from './options.js';
import { PARAM_DOCS, PROFILES, type ParamValue, type Profile } from './profiles.js';
import { RequestQueue } from './request-queue.js';

export interface DeviceSpec {
  /** Device name (as in the scenario's `devices` map); also names its random streams. */
  name: string;
  /** Built-in profile name, see listProfiles(). */
  profile: string;
  /** Profile parameters to override. */
  overrides?: Record<string, unknown>;
  /** Block-layer knobs (keys without the `block.` prefix), or already parsed options. */
  block?: Record<string, unknown> | Partial<BlockOptions>;
  /** The device a `loop` profile sits on. */
  backing?: BlockDevice;
  /** The page-cache options of a buffered loop device's backing file (the scenario's `pagecache.*`). */
  pageCache?: Partial<PageCacheOptions>;
}

/** A device with its request queue: what upper layers submit bios to. */
export type QueuedDevice = BlkCore & { readonly driver: BlockDriver };

/** Resolves profile + overrides into validated parameters. */
export function resolveParams(spec: DeviceSpec): { profile: Profile; params: Record<string, ParamValue> } {
  const profile = PROFILES[spec.profile];
  if (profile === undefined) {
    throw new Error(`devices.${spec.name}.profile: unknown profile ${JSON.stringify(spec.profile)}; known: ${Object.keys(PROFILES).join(', ')}`);
  }
  const params: Record<string, ParamValue> = { ...profile.params };
  for (const [key, value] of Object.entries(spec.overrides ?? {})) {
    const where = `devices.${spec.name}.${key}`;
    if (!Object.hasOwn(profile.params, key)) {
      throw new Error(`${where}: unknown parameter of profile ${profile.name} (${profile.kind}); known: ${Object.keys(profile.params).join(', ')}`);
    }
    const doc = PARAM_DOCS[profile.kind][key];
    const expected = typeof profile.params[key];
    if (typeof value !== expected) throw new Error(`${where}: expected a ${expected} (${doc?.unit ?? ''}), got ${describeValue(value)}`);
    if (doc?.values !== undefined && !doc.values.includes(value as ParamValue)) {
      throw new Error(`${where}: expected one of ${doc.values.join(', ')}, got ${describeValue(value)}`);
    }
    if (expected === 'number' && !(Number.isFinite(value) && (value as number) >= 0)) {
      throw new Error(`${where}: expected a finite number >= 0 (${doc?.unit ?? ''}), got ${describeValue(value)}`);
    }
    params[key] = value as ParamValue;
  }
  return { profile, params };
}

/** Builds the driver of a profile (no queue in front). */
export function createDriver(sim: Simulation, cpus: CpuSet | null, spec: DeviceSpec): BlockDriver {
  const { profile, params } = resolveParams(spec);
  const where = `devices.${spec.name}`;
  try {
    return checkSize(buildDriver(), profile.kind, where);
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith(where)) err.message = `${where}: ${err.message}`;
    throw err;
  }

  function buildDriver(): BlockDriver {
    switch (profile.kind) {
      case 'hdd':
        return new Hdd(sim, spec.name, params as unknown as HddParams);
      case 'ssd':
        return new Ssd(sim, spec.name, params as unknown as SsdParams);
      case 'cloud':
        return new CloudDisk(sim, spec.name, params as unknown as CloudDiskParams);
      case 'null_blk':
        return new NullBlk(sim, spec.name, params as unknown as NullBlkParams);
      case 'ram':
        return new RamDisk(sim, spec.name, params as unknown as RamParams);
      case 'loop':
        if (spec.backing === undefined) throw new Error('a loop device needs `backing`, the device its file lives on');
        return new LoopDevice(sim, cpus, spec.name, spec.backing, params as unknown as LoopParams, spec.pageCache);
    }
  }
}

/** The parameter that sets each kind's size, for messages. */
const SIZE_PARAM: Record<string, string> = { hdd: 'capacity_gb', ssd: 'capacity_gb', null_blk: 'gb', ram: 'size_mib', loop: 'size_sectors' };

/**
 * A device holds at least one sector (a zero-size RAM disk would make every workload divide
 * by zero) and at most 2^53 bytes (8 PiB), where byte offsets stop being exact.
 */
function checkSize(driver: BlockDriver, kind: string, where: string): BlockDriver {
  const key = `${where}.${SIZE_PARAM[kind] ?? 'size'}`;
  if (!(driver.sizeSectors >= 1)) throw new Error(`${key}: the device has no sectors (0 bytes); give it a size`);
  if (!Number.isSafeInteger(driver.sizeSectors * 512)) throw new Error(`${key}: the device is larger than 2^53 bytes (8 PiB), where byte offsets stop being exact`);
  return driver;
}

/**
 * createDevice(sim, cpus, { name, profile, overrides, block }): the device with its request
 * queue in front. null_blk's queue_mode chooses the queue (1 legacy, 0/2 blk-mq) whatever
 * `block.queue` says, as the module parameter does on a real machine.
 */
export function createDevice(sim: Simulation, cpus: CpuSet | null, spec: DeviceSpec): QueuedDevice {
  const driver = createDriver(sim, cpus, spec);
  const options = parseBlockOptions((spec.block ?? {}) as Record<string, unknown>, 'block');
  if (driver instanceof NullBlk) {
    const mode = driver.params.queue_mode;
    options.queue = mode === 1 ? 'legacy' : 'mq';
    if (mode === 0) options.scheduler = 'none';
    else if (options.queue === 'legacy' && !['noop', 'deadline', 'cfq'].includes(options.scheduler ?? 'cfq')) options.scheduler = undefined;
    else if (options.queue === 'mq' && !['none', 'mq-deadline'].includes(options.scheduler ?? 'none')) options.scheduler = undefined;
  }
  return options.queue === 'legacy' ? new RequestQueue(sim, cpus, driver, options) : new BlkMq(sim, cpus, driver, options);
}
