// One request of a block trace, whatever the format it came from.
import type { BioOp } from '../../block/bio.js';

export interface TraceRecord {
  /** When the request was issued, ns from the start of the trace. */
  timeNs: number;
  op: BioOp;
  /** 512-byte sectors. */
  sector: number;
  sectors: number;
  /** Synchronous request (blkparse's S), for the flags of the replayed bio. */
  sync: boolean;
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
