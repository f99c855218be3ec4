// The hdd-sata-2007 profile's parameters and a bare disk of that profile, for the disk tests.
import { Simulation } from '../../../kernel-lib/sim/index.js';
import { createDevice, type Hdd } from '../../../kernel-lib/block/index.js';
import type { HddGeometry } from '../../../kernel-lib/block/devices/hdd-geometry.js';
import { PROFILES } from '../../../kernel-lib/block/profiles.js';

export const P = PROFILES['hdd-sata-2007'].params as unknown as ConstructorParameters<typeof HddGeometry>[0] & {
  avg_seek_ns: number;
  full_stroke_ns: number;
  command_overhead_ns: number;
};

/** The disk without an I/O scheduler, so that requests reach it in submission order. */
export const device = (overrides: Record<string, unknown> = {}, seed = 1) => {
  const sim = new Simulation({ seed });
  const dev = createDevice(sim, null, { name: 'sda', profile: 'hdd-sata-2007', overrides, block: { scheduler: 'none' } });
  return { sim, dev, hdd: dev.driver as Hdd };
};
