// One request of a block trace, whatever the format it came from.
import { InputError } from '../../base/input-error.js';
import type { BioOp, BioPayload } from '../../block/bio.js';

export interface TraceRecord {
  /** When the request was issued, ns from the start of the trace. */
  timeNs: number;
  op: BioOp;
  /** 512-byte sectors. */
  sector: number;
  sectors: number;
  /** Synchronous request (blkparse's S), for the flags of the replayed bio. */
  sync: boolean;
  /** A write with a cache flush before it (REQ_PREFLUSH: blkparse's F before the W) or FUA (F after it). */
  preflush?: boolean;
  fua?: boolean;
  /** What a write carries, for a trace that says (FIU's per-page digests); else unique data. */
  payload?: BioPayload;
}

/** Splits text into lines, calling fn(line, lineNumber) for each, without copying the text twice. */
export function forEachLine(text: string, fn: (line: string, n: number) => void): void {
  let start = 0;
  let n = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    fn(line, n++);
    start = end + 1;
  }
}

/** The simulation's clock is exact up to 2^53 ns (about 104 days); a trace must fit in it. */
const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

/** A request time in ns, refused if it is not finite or beyond the simulation's time range. */
export function checkTimeNs(ns: number, given: string, where: { file: string; line: number; field: string }): number {
  if (!(Math.abs(ns) <= MAX_TIME_NS)) {
    throw new InputError(`${given} lies beyond the simulation's time range (2^53 ns, about 104 days)`, where);
  }
  return ns;
}

/** A sector number or count, refused beyond 2^53, where doubles stop counting exactly. */
export function checkCount(given: string, where: { file: string; line: number; field: string }): number {
  const v = Number(given);
  if (!Number.isSafeInteger(v)) throw new InputError(`${given} is beyond 2^53, where counts stop being exact`, where);
  return v;
}

/**
 * Which traced device's requests to replay. A trace of several devices (blktrace -d twice,
 * an MSR volume's disks) is never merged into one request stream: without `from` it is an
 * error naming the devices; with it, only that device's requests are kept.
 */
export class DeviceFilter {
  /** Requests seen per traced device, in order of first appearance. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly from: string | undefined,
    private readonly file: string,
    /** How the format names a device: "major,minor", "devno", "DiskNumber". */
    private readonly what: string,
  ) {}

  /** Counts the device's request; true if it is the one replayed (so far, all are). */
  keep(device: string): boolean {
    this.seen.set(device, (this.seen.get(device) ?? 0) + 1);
    return this.from === undefined || device === this.from;
  }

  /** Whether any request was seen, of any device. */
  any(): boolean {
    return this.seen.size > 0;
  }

  /** After the last line: refuses a mix without `from`, and a `from` the trace never names. */
  check(): void {
    const list = [...this.seen].map(([d, n]) => `${d}: ${n}`).join(', ');
    if (this.from === undefined && this.seen.size > 1) {
      throw new InputError(`the trace has requests of ${this.seen.size} devices (${this.what} ${list}); name the one to replay with workload.trace.from`, { file: this.file });
    }
    if (this.from !== undefined && !this.seen.has(this.from)) {
      throw new InputError(`no requests of ${this.what} ${this.from} in the trace (it has ${list || 'none'})`, { file: this.file, field: 'from' });
    }
  }
}
