// The `snapshot-origin` target: `0 <len> snapshot-origin <origin dev>`. Reads and flushes go
// straight to the origin device; writes go through do_origin (origin.ts). dm core cuts writes
// at the smallest chunk size of the origin's snapshots (split_boundary, set through max_io_len
// here: origin_map's dm_accept_partial_bio, the 2.6 kernels' ti->split_io), so a write
// touches at most one chunk per snapshot.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import type { TableLine } from '../table.js';
import type { DmTarget, TargetArgs, TargetContext } from '../target-registry.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import { cpuTime } from './locking.js';
import { doOrigin, originFor, type Origin } from './origin.js';

export class OriginTarget implements DmTarget {
  readonly type = 'snapshot-origin';
  readonly devices: readonly BlockDevice[];
  /** Writes passed straight through / held for a copy (statistics). */
  readonly counters = { reads: 0, writesPassed: 0, writesHeld: 0 };

  constructor(
    private readonly sim: Simulation,
    readonly begin: number,
    readonly origin: Origin,
  ) {
    this.devices = [origin.dev];
  }

  get maxIoLen(): number | undefined {
    const b = this.origin.splitBoundary;
    return b > 0 ? b : undefined;
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    if (clone.sectors !== 0) clone.sector -= this.begin;
    if (clone.op !== 'write' || clone.sectors === 0) {
      this.counters.reads++;
      return this.origin.dev;
    }
    const cost = cpuTime(this.sim, clone.thread, C.originMapNs);
    if (cost !== null) yield cost;
    if (yield* doOrigin(this.origin, clone, clone.thread, true)) {
      this.counters.writesHeld++;
      return null;
    }
    this.counters.writesPassed++;
    return this.origin.dev;
  }

  status(): Record<string, unknown> {
    return { device: this.origin.dev.name, snapshots: this.origin.snapshots.map((s) => s.name), ...this.counters };
  }

  /** origin_status prints nothing after its type. */
  statusLine(): string {
    return '';
  }
}

export function originCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  args.expectCount(1, 1, ['origin dev']);
  const dev = args.device(0, 'origin dev');
  if (line.length > dev.sizeSectors) throw args.error(`device ${dev.name} has ${dev.sizeSectors} sectors, fewer than the target's ${line.length}`, 'origin dev');
  return new OriginTarget(ctx.sim, line.start, originFor(ctx.sim, dev));
}
