// The error target (dm-target.c's io_err_*): `<start> <length> error`. Every bio, read, write,
// flush or discard, fails with EIO at once (DM_MAPIO_KILL); nothing reaches a device. Used to
// punch holes in a table or stand in for a failed disk. Like io_err_ctr(), it ignores any
// arguments given to it.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';

export class ErrorTarget implements DmTarget {
  readonly type = 'error';
  readonly devices: readonly BlockDevice[] = [];
  errors = 0;

  constructor(private readonly sim: Simulation) {}

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    return this.mapSync(clone);
  }

  /** io_err_map: DM_MAPIO_KILL, which dm core turns into BLK_STS_IOERR on the clone. */
  mapSync(clone: Bio): null {
    this.errors++;
    clone.endio(this.sim, 'EIO');
    return null;
  }

  status(): Record<string, unknown> {
    return { errors: this.errors };
  }

  /** The error target has no status function. */
  statusLine(): string {
    return '';
  }
}

function errorCtr(ctx: TargetContext, _line: TableLine, _args: TargetArgs): DmTarget {
  return new ErrorTarget(ctx.sim);
}

registerTarget({ name: 'error', ctr: errorCtr });
