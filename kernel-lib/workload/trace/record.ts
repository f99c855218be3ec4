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
