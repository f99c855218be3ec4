// LVM-like logical volumes: a named linear mapping of a stretch of one device, as `lvcreate`
// would build it (a mapped device with one linear target). Sizes and offsets take lvcreate's
// units: a number of bytes, or a number with b, s (512-byte sectors), k, m, g, t or p, all
// powers of 1024 ("8G" = 8 GiB), with an optional "iB"/"B".
import type { BlockDevice } from '../block/device.js';
import type { Simulation } from '../sim/index.js';
import { InputError, type InputLocation } from '../base/input-error.js';
import { LinearTarget } from './linear.js';
import { MappedDevice, type DmCoreCosts } from './mapped-device.js';

export interface VolumeSpec {
  /** Device the volume is carved from. */
  device: string;
  /** Start on that device (default 0). */
  offset?: number | string;
  /** Length (default: the rest of the device). */
  size?: number | string;
}

const UNITS: Record<string, number> = { b: 1, s: 512, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** A size in bytes from lvcreate-style text or a number of bytes. */
export function parseVolumeSize(value: number | string, where: InputLocation): number {
  if (typeof value === 'number') {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new InputError(`must be a whole number of bytes >= 0, got ${value}`, where);
    return value;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bskmgtp]?)(?:i?b)?\s*$/i.exec(String(value));
  if (m === null) throw new InputError(`'${value}' is not a size (e.g. 8G, 512M, 2048s, 1048576)`, where);
  const bytes = Number(m[1]) * UNITS[(m[2] || 'b').toLowerCase()];
  if (!Number.isSafeInteger(Math.round(bytes))) throw new InputError(`'${value}' is too large`, where);
  return Math.round(bytes);
}

/** Builds the volume as a mapped device named `name` with one linear target. */
export function createVolume(
  sim: Simulation,
  name: string,
  spec: VolumeSpec,
  dev: BlockDevice,
  where: (field: string) => InputLocation,
  /** dm core's per-bio CPU (a scenario's volumes pay it; null: none). */
  core: DmCoreCosts | null = null,
): MappedDevice {
  const offsetBytes = parseVolumeSize(spec.offset ?? 0, where('offset'));
  if (offsetBytes % 512 !== 0) throw new InputError(`must be a multiple of 512 bytes, got ${offsetBytes}`, where('offset'));
  const offset = offsetBytes / 512;
  if (offset >= dev.sizeSectors) {
    throw new InputError(`offset ${offset} sectors is past the end of ${dev.name} (${dev.sizeSectors} sectors)`, where('offset'));
  }
  let length = dev.sizeSectors - offset;
  if (spec.size !== undefined) {
    const bytes = parseVolumeSize(spec.size, where('size'));
    if (bytes === 0 || bytes % 512 !== 0) throw new InputError(`must be a positive multiple of 512 bytes, got ${bytes}`, where('size'));
    length = bytes / 512;
    if (offset + length > dev.sizeSectors) {
      throw new InputError(
        `${length} sectors from offset ${offset} run past the end of ${dev.name} (${dev.sizeSectors} sectors)`,
        where('size'),
      );
    }
  }
  return new MappedDevice(sim, name, [{ begin: 0, length, target: new LinearTarget(0, length, dev, offset) }], core);
}
