// dm-delay: `<start> <length> delay <dev> <offset> <delay ms> [<write dev> <offset> <delay ms>
// [<flush dev> <offset> <delay ms>]]`. Each class of bio (reads; writes; flushes, i.e. bios
// with REQ_PREFLUSH or an empty flush) is remapped to its device at its offset and held for
// its delay before it is submitted, as delay_bio() queues it and kdelayd (the timer's work
// item) submits it once expired. With 3 arguments writes and flushes use the read class;
// with 6 flushes use the write class (delay_ctr()). A zero delay passes the bio straight
// through. The hold is exact here: the kernel's timer rounds up to the next jiffy, which a
// run with HZ in its model could add.
import { REQ_PREFLUSH, type Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, Simulation } from '../../sim/index.js';
import { registerTarget, type DmTarget, type TargetArgs, type TargetContext } from '../target-registry.js';
import type { TableLine } from '../table.js';

/** struct delay_class */
export interface DelayClass {
  dev: BlockDevice;
  start: number;
  /** Delay in milliseconds, as the table gives it. */
  delayMs: number;
  /** ops: bios held right now (the status line's counts). */
  ops: number;
}

export class DelayTarget implements DmTarget {
  readonly type = 'delay';
  readonly devices: readonly BlockDevice[];

  constructor(
    private readonly sim: Simulation,
    readonly begin: number,
    readonly read: DelayClass,
    readonly write: DelayClass,
    readonly flush: DelayClass,
  ) {
    this.devices = [...new Set([read.dev, write.dev, flush.dev])];
  }

  /** delay_map: picks the class, remaps, and holds the bio for the class's delay. */
  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    let c: DelayClass;
    if (clone.isWrite || clone.op === 'flush') c = clone.op === 'flush' || clone.hasFlag(REQ_PREFLUSH) ? this.flush : this.write;
    else c = this.read;
    if (clone.sectors !== 0) clone.sector = c.start + (clone.sector - this.begin);
    if (c.delayMs === 0) return c.dev;
    c.ops++;
    const sim = this.sim;
    sim.process(function* () {
      yield sim.timeout(c.delayMs * 1_000_000);
      c.ops--;
      yield* c.dev.submit(clone);
    }, 'kdelayd');
    return null;
  }

  status(): Record<string, unknown> {
    const cls = (c: DelayClass) => ({ device: c.dev.name, offset: c.start, delay_ms: c.delayMs, held: c.ops });
    return { read: cls(this.read), write: cls(this.write), flush: cls(this.flush) };
  }

  /** delay_status(STATUSTYPE_INFO): bios held per class, `<reads> <writes> <flushes>`. */
  statusLine(): string {
    return `${this.read.ops} ${this.write.ops} ${this.flush.ops}`;
  }
}

function delayClassCtr(args: TargetArgs, line: TableLine, first: number, what: string): DelayClass {
  const offsetName = `${what} offset`;
  const w = args.word(first + 1, offsetName);
  if (!/^\d+$/.test(w) || !Number.isSafeInteger(Number(w))) throw args.error(`Invalid device sector '${w}'`, offsetName);
  const start = Number(w);
  const delayName = `${what} delay`;
  const d = args.word(first + 2, delayName);
  if (!/^\d+$/.test(d) || Number(d) > 0xffffffff) throw args.error(`Invalid delay '${d}' (milliseconds)`, delayName);
  const dev = args.device(first, `${what} dev`);
  if (start + line.length > dev.sizeSectors) {
    throw args.error(`${dev.name} too small for target: start=${start}, len=${line.length}, dev_size=${dev.sizeSectors}`, offsetName);
  }
  return { dev, start, delayMs: Number(d), ops: 0 };
}

function delayCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  const n = args.count;
  if (n !== 3 && n !== 6 && n !== 9) {
    throw args.error(`Requires exactly 3, 6 or 9 arguments, got ${n} (<dev> <offset> <delay> [<write dev> <offset> <delay> [<flush dev> <offset> <delay>]])`);
  }
  const read = delayClassCtr(args, line, 0, 'read');
  const write = n >= 6 ? delayClassCtr(args, line, 3, 'write') : { ...read, ops: 0 };
  const flush = n === 9 ? delayClassCtr(args, line, 6, 'flush') : { ...write, ops: 0 };
  return new DelayTarget(ctx.sim, line.start, read, write, flush);
}

registerTarget({ name: 'delay', ctr: delayCtr });
