// dm-linear: `<start> <length> linear <dev> <offset>` maps the target's sectors one to one
// onto <dev> from <offset> on. The map function is dm-linear.c's linear_map_sector():
// sector on dev = offset + (sector - target start).
import type { Bio } from '../block/bio.js';
import type { BlockDevice } from '../block/device.js';
import type { ProcessGenerator } from '../sim/index.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from './target-registry.js';
import type { TableLine } from './table.js';

export class LinearTarget implements DmTarget {
  readonly type = 'linear';
  readonly devices: readonly BlockDevice[];

  constructor(
    /** First sector of the target in the mapped device (ti->begin). */
    readonly begin: number,
    readonly length: number,
    readonly dev: BlockDevice,
    /** First sector on dev (lc->start). */
    readonly start: number,
  ) {
    this.devices = [dev];
  }

  /** linear_map_sector() */
  mapSector(sector: number): number {
    return this.start + (sector - this.begin);
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    return this.mapSync(clone);
  }

  /** linear_map: never sleeps, so dm core calls it directly. */
  mapSync(clone: Bio): BlockDevice {
    // A flush carries no sectors: it only needs to reach the device.
    if (clone.sectors !== 0) clone.sector = this.mapSector(clone.sector);
    return this.dev;
  }

  status(): Record<string, unknown> {
    return { device: this.dev.name, offset: this.start };
  }

  /** dm-linear prints nothing after its type. */
  statusLine(): string {
    return '';
  }
}

function linearCtr(_ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  args.expectCount(2, 2, ['dev', 'offset']);
  const dev = args.device(0, 'dev');
  const offset = args.sectors(1, 'offset');
  // dm_get_device() refuses an area that runs past the end of the device.
  if (offset + line.length > dev.sizeSectors) {
    throw args.error(
      `device ${dev.name} has ${dev.sizeSectors} sectors, too small for ${line.length} sectors from offset ${offset}`,
      'offset',
    );
  }
  return new LinearTarget(line.start, line.length, dev, offset);
}

registerTarget({ name: 'linear', ctr: linearCtr });
