// dm-zero: `<start> <length> zero`, a device of zeros the size of the table line. As
// dm-zero.c's zero_map(): a read is filled with zeros and completes at once (a readahead is
// failed instead: nobody needs zeros read ahead), a write is thrown away and completes at
// once. Nothing goes to any device, so no time passes.
import type { Bio } from '../../block/bio.js';
import { REQ_RAHEAD } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';

export class ZeroTarget implements DmTarget {
  readonly type = 'zero';
  readonly devices: readonly BlockDevice[] = [];
  reads = 0;
  writes = 0;

  constructor(private readonly sim: Simulation) {}

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    return this.mapSync(clone);
  }

  /** zero_map: DM_MAPIO_SUBMITTED for every bio, ended before map returns. */
  mapSync(clone: Bio): null {
    if (clone.op === 'read') {
      if (clone.hasFlag(REQ_RAHEAD)) {
        clone.endio(this.sim, 'EIO');
        return null;
      }
      this.reads++;
    } else if (clone.sectors > 0) {
      this.writes++;
    }
    clone.endio(this.sim);
    return null;
  }

  status(): Record<string, unknown> {
    return { reads: this.reads, writes: this.writes };
  }

  /** dm-zero has no status function: dmsetup prints nothing after the type. */
  statusLine(): string {
    return '';
  }
}

function zeroCtr(ctx: TargetContext, _line: TableLine, args: TargetArgs): DmTarget {
  if (args.count !== 0) throw args.error('No arguments required');
  return new ZeroTarget(ctx.sim);
}

registerTarget({ name: 'zero', ctr: zeroCtr });
