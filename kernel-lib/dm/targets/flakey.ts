// dm-flakey: `<start> <length> flakey <dev> <offset> <up interval> <down interval>
// [<#feature args> [<feature arg>]*]`, a device that works for <up interval> seconds, then
// misbehaves for <down interval> seconds, and so on, counted in whole seconds of simulated
// time from the table's load (flakey_map(): elapsed = (jiffies - start_time) / HZ, down when
// elapsed % (up + down) >= up). While down, by feature:
//   - none: every bio fails with EIO (the kernel sets error_reads and error_writes);
//   - drop_writes: writes complete at once without reaching the device, reads work;
//   - error_writes: writes fail with EIO at once, reads work;
//   - error_reads: reads fail with EIO, writes work (kernels from 6.5);
//   - corrupt_bio_byte <Nth byte> <r|w> <value> <flags>: the bios go through; the kernel
//     overwrites one byte of their data, which changes no timing, so the model only counts them.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';

export interface FlakeyFeatures {
  dropWrites: boolean;
  errorWrites: boolean;
  errorReads: boolean;
  corrupt: { byte: number; rw: 'r' | 'w'; value: number; flags: number } | null;
}

export class FlakeyTarget implements DmTarget {
  readonly type = 'flakey';
  readonly devices: readonly BlockDevice[];
  /** start_time: when the table was loaded, in simulated ns. */
  readonly startTime: number;
  /** Bios that met the down interval, by what happened to them. */
  readonly counts = { errored: 0, dropped: 0, corrupted: 0 };

  constructor(
    private readonly sim: Simulation,
    readonly begin: number,
    readonly dev: BlockDevice,
    readonly start: number,
    readonly upSeconds: number,
    readonly downSeconds: number,
    readonly features: FlakeyFeatures,
  ) {
    this.devices = [dev];
    this.startTime = sim.now;
  }

  /** Whether the device is in its down interval now. */
  isDown(): boolean {
    const elapsed = Math.floor((this.sim.now - this.startTime) / 1e9);
    return elapsed % (this.upSeconds + this.downSeconds) >= this.upSeconds;
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    return this.mapSync(clone);
  }

  /** flakey_map; never sleeps. */
  mapSync(clone: Bio): BlockDevice | null {
    if (this.isDown()) {
      const f = this.features;
      if (!clone.isWrite && clone.op !== 'flush') {
        if (f.errorReads) return this.kill(clone);
        if (f.corrupt !== null && f.corrupt.rw === 'r') this.counts.corrupted++;
      } else if (f.dropWrites) {
        this.counts.dropped++;
        clone.endio(this.sim);
        return null;
      } else if (f.errorWrites) {
        return this.kill(clone);
      } else if (f.corrupt !== null && f.corrupt.rw === 'w' && clone.sectors > 0) {
        this.counts.corrupted++;
      }
      // Any other write goes through (current flakey_map; the default of erroring all I/O
      // is the error_reads + error_writes pair flakey_ctr sets when no feature is given).
    }
    if (clone.sectors !== 0) clone.sector = this.start + (clone.sector - this.begin);
    return this.dev;
  }

  private kill(clone: Bio): null {
    this.counts.errored++;
    clone.endio(this.sim, 'EIO');
    return null;
  }

  status(): Record<string, unknown> {
    return { device: this.dev.name, offset: this.start, up_interval: this.upSeconds, down_interval: this.downSeconds, down: this.isDown(), ...this.counts };
  }

  /** flakey_status(STATUSTYPE_INFO) prints nothing. */
  statusLine(): string {
    return '';
  }
}

function uint(args: TargetArgs, i: number, name: string, reason: string, min = 0, max = 0xffffffff): number {
  const w = args.word(i, name);
  if (!/^\d+$/.test(w) || Number(w) < min || Number(w) > max) throw args.error(`${reason} '${w}'`, name);
  return Number(w);
}

/** parse_features() */
function parseFeatures(args: TargetArgs, first: number): FlakeyFeatures {
  const f: FlakeyFeatures = { dropWrites: false, errorWrites: false, errorReads: false, corrupt: null };
  let left = args.count === first ? 0 : uint(args, first, '#feature args', 'Invalid number of feature args', 0, 11);
  if (args.count !== first && args.count !== first + 1 + left) {
    throw args.error(`Invalid number of feature args: <#feature args> says ${left}, ${args.count - first - 1} follow`, '#feature args');
  }
  let i = first + 1;
  const feature = (name: string, already: boolean, conflicts: [boolean, string][]) => {
    if (already) throw args.error(`Feature ${name} duplicated`, 'feature');
    for (const [on, other] of conflicts) if (on) throw args.error(`Feature ${name} conflicts with feature ${other}`, 'feature');
  };
  while (left > 0) {
    const name = args.line.args[i].toLowerCase();
    i++;
    left--;
    if (name === 'drop_writes') {
      feature(name, f.dropWrites, [[f.errorWrites, 'error_writes']]);
      f.dropWrites = true;
    } else if (name === 'error_writes') {
      feature(name, f.errorWrites, [[f.dropWrites, 'drop_writes']]);
      f.errorWrites = true;
    } else if (name === 'error_reads') {
      feature(name, f.errorReads, []);
      f.errorReads = true;
    } else if (name === 'corrupt_bio_byte') {
      if (left < 4) throw args.error('Feature corrupt_bio_byte requires parameters <Nth_byte> <direction> <value> <bio_flags>', 'corrupt_bio_byte');
      const byte = uint(args, i, 'corrupt_bio_byte', 'Invalid corrupt bio byte', 1);
      const dir = args.line.args[i + 1].toLowerCase();
      if (dir !== 'r' && dir !== 'w') throw args.error(`Invalid corrupt bio direction (r or w) '${args.line.args[i + 1]}'`, 'corrupt_bio_byte');
      const value = uint(args, i + 2, 'corrupt_bio_byte', 'Invalid corrupt value to write into bio byte (0-255)', 0, 255);
      const flags = uint(args, i + 3, 'corrupt_bio_byte', 'Invalid corrupt bio flags mask');
      f.corrupt = { byte, rw: dir, value, flags };
      i += 4;
      left -= 4;
    } else {
      throw args.error(`Unrecognised flakey feature requested '${args.line.args[i - 1]}' (known: drop_writes, error_writes, error_reads, corrupt_bio_byte)`, 'feature');
    }
  }
  if (f.corrupt?.rw === 'w' && f.dropWrites) throw args.error('drop_writes is incompatible with corrupt_bio_byte with the WRITE flag set', 'feature');
  if (f.corrupt?.rw === 'w' && f.errorWrites) throw args.error('error_writes is incompatible with random_write_corrupt or corrupt_bio_byte with the WRITE flag set', 'feature');
  if (f.corrupt?.rw === 'r' && f.errorReads) throw args.error('error_reads is incompatible with random_read_corrupt or corrupt_bio_byte with the READ flag set', 'feature');
  // flakey_ctr(): with no way to misbehave chosen, error everything while down.
  if (f.corrupt === null && !f.dropWrites && !f.errorWrites && !f.errorReads) {
    f.errorReads = true;
    f.errorWrites = true;
  }
  return f;
}

function flakeyCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  if (args.count < 4) throw args.error(`Invalid argument count: ${args.count} (expects <dev> <offset> <up interval> <down interval> [<#feature args> [<arg>]*])`);
  const w = args.word(1, 'offset');
  if (!/^\d+$/.test(w) || !Number.isSafeInteger(Number(w))) throw args.error(`Invalid device sector '${w}'`, 'offset');
  const start = Number(w);
  const up = uint(args, 2, 'up interval', 'Invalid up interval');
  const down = uint(args, 3, 'down interval', 'Invalid down interval');
  if (up + down === 0) throw args.error('Total (up + down) interval is zero', 'down interval');
  const features = parseFeatures(args, 4);
  const dev = args.device(0, 'dev');
  if (start + line.length > dev.sizeSectors) {
    throw args.error(`${dev.name} too small for target: start=${start}, len=${line.length}, dev_size=${dev.sizeSectors}`, 'offset');
  }
  return new FlakeyTarget(ctx.sim, line.start, dev, start, up, down, features);
}

registerTarget({ name: 'flakey', ctr: flakeyCtr });
