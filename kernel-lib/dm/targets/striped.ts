// dm-stripe: `<start> <length> striped <#stripes> <chunk size> [<dev> <offset>]+` spreads the
// target over #stripes devices, chunk by chunk, as RAID 0 does. The rules are stripe_ctr()'s
// (current kernels): any chunk size > 0 in sectors (a power of two only makes the arithmetic
// a shift), the length divisible by #stripes and each stripe's share (the stripe width)
// divisible by the chunk size, exactly two words per stripe. dm core splits bios at chunk
// boundaries (dm_set_target_max_io_len(ti, chunk_size)), so each clone falls in one chunk and
// stripe_map_sector() sends chunk i to stripe i mod #stripes, at chunk i div #stripes on it.
// A flush goes to every stripe (num_flush_bios = #stripes).
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { DuplicateBios, duplicateBioEndIo } from '../duplicate-bios.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';

export interface Stripe {
  dev: BlockDevice;
  /** physical_start: the stripe's first sector on dev. */
  start: number;
  /** error_count, shown as A (alive) or D (dead) in the status line. */
  errors: number;
}

export class StripedTarget implements DmTarget {
  readonly type = 'striped';
  readonly devices: readonly BlockDevice[];
  /** max_io_len: a clone never crosses a chunk boundary. */
  readonly maxIoLen: number;

  constructor(
    private readonly sim: Simulation,
    /** ti->begin */
    readonly begin: number,
    readonly chunkSize: number,
    readonly stripes: readonly Stripe[],
  ) {
    this.devices = stripes.map((s) => s.dev);
    this.maxIoLen = chunkSize;
  }

  /** stripe_map_sector(): the stripe a sector of the mapped device lands on, and where on it. */
  mapSector(sector: number): { stripe: number; sector: number } {
    const offset = sector - this.begin;
    const chunkOffset = offset % this.chunkSize;
    let chunk = Math.floor(offset / this.chunkSize);
    const n = this.stripes.length;
    const stripe = chunk % n;
    chunk = Math.floor(chunk / n);
    return { stripe, sector: chunk * this.chunkSize + chunkOffset };
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    if (clone.sectors === 0) {
      // An empty flush: one to each stripe's device.
      const fan = new DuplicateBios(this.sim, clone, this.stripes.length);
      for (const s of this.stripes) yield* s.dev.submit(clone.child(clone.op, 0, 0, clone.flags, fan, duplicateBioEndIo));
      return null;
    }
    const m = this.mapSector(clone.sector);
    const s = this.stripes[m.stripe];
    clone.sector = s.start + m.sector;
    const prev = clone.endIo;
    // stripe_end_io: count errors per stripe for the A/D status.
    clone.endIo = (b) => {
      if (b.status !== null && b.status !== 'EOPNOTSUPP') s.errors++;
      if (prev !== null) prev(b);
    };
    return s.dev;
  }

  status(): Record<string, unknown> {
    return {
      stripes: this.stripes.length,
      chunk_size: this.chunkSize,
      devices: this.stripes.map((s) => ({ device: s.dev.name, offset: s.start, state: s.errors > 0 ? 'D' : 'A' })),
    };
  }

  /** stripe_status(STATUSTYPE_INFO): `<#stripes> <dev>... 1 <A|D per stripe>`. */
  statusLine(): string {
    const n = this.stripes.length;
    return `${n} ${this.stripes.map((s) => s.dev.name).join(' ')} 1 ${this.stripes.map((s) => (s.errors > 0 ? 'D' : 'A')).join('')}`;
  }
}

function kstrtouint(args: TargetArgs, i: number): number | null {
  const w = args.line.args[i];
  return /^\d+$/.test(w) && Number(w) <= 0xffffffff ? Number(w) : null;
}

function stripeCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  if (args.count < 2) throw args.error('Not enough arguments (expects <#stripes> <chunk size> [<dev> <offset>]+)', args.count === 0 ? '#stripes' : 'chunk size');
  const n = kstrtouint(args, 0);
  if (n === null || n === 0) throw args.error(`Invalid stripe count '${line.args[0]}'`, '#stripes');
  const chunk = kstrtouint(args, 1);
  if (chunk === null || chunk === 0) throw args.error(`Invalid chunk_size '${line.args[1]}'`, 'chunk size');
  if (line.length % n !== 0) throw args.error(`Target length not divisible by number of stripes (${line.length} sectors, ${n} stripes)`, 'length');
  const width = line.length / n;
  if (width % chunk !== 0) throw args.error(`Target length not divisible by chunk size (stripe width ${width} sectors, chunk ${chunk})`, 'chunk size');
  if (args.count !== 2 + 2 * n) {
    throw args.error(`Not enough destinations specified (${n} stripes need ${2 * n} words <dev> <offset>, got ${args.count - 2})`, 'dev');
  }
  const stripes: Stripe[] = [];
  for (let i = 0; i < n; i++) {
    const name = `stripe ${i} offset`;
    const start = args.sectors(3 + 2 * i, name);
    const dev = args.device(2 + 2 * i, `stripe ${i} dev`);
    // dm_table's device_area_is_invalid(): each stripe needs stripe_width sectors from its start.
    if (start + width > dev.sizeSectors) {
      throw args.error(`${dev.name} too small for target: start=${start}, len=${width}, dev_size=${dev.sizeSectors}`, name);
    }
    stripes.push({ dev, start, errors: 0 });
  }
  return new StripedTarget(ctx.sim, line.start, chunk, stripes);
}

registerTarget({ name: 'striped', ctr: stripeCtr });
