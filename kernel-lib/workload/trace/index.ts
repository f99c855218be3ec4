// Block traces: parsers for four formats and a replayer.
import { checkText } from '../../base/text-input.js';
import { parseBlkparse } from './blkparse.js';
import { parseDiskSim } from './disksim.js';
import { parseFiu } from './fiu.js';
import { parseMsr } from './msr.js';
import type { TraceRecord } from './record.js';

export { parseBlkparse, parseDiskSim, parseFiu, parseMsr };
export { TraceReplay, type ReplayOptions } from './replay.js';
export type { TraceRecord } from './record.js';

export type TraceFormat = 'blkparse' | 'disksim' | 'msr' | 'fiu';

/**
 * `from`: the traced device to replay, as the format names it: "8,16" (major,minor) for
 * blkparse, the devno for DiskSim, the DiskNumber for MSR; needed when the trace has several.
 */
export function parseTrace(format: TraceFormat, text: string, file: string, from?: string | number): TraceRecord[] {
  checkText(text, file, `a ${format} trace`);
  switch (format) {
    case 'blkparse':
      return parseBlkparse(text, file, { from: from === undefined ? undefined : String(from) });
    case 'disksim':
      return parseDiskSim(text, file, { from: from === undefined ? undefined : Number(from) });
    case 'msr':
      return parseMsr(text, file, { from: from === undefined ? undefined : Number(from) });
    case 'fiu':
      return parseFiu(text, file, { from: from === undefined ? undefined : String(from) });
  }
}

/** Requests that reach past the end of a device of `sizeSectors`, and the furthest end among them. */
export function beyondEnd(records: readonly TraceRecord[], sizeSectors: number): { count: number; furthest: number } {
  let count = 0;
  let furthest = 0;
  for (const r of records) {
    const end = r.sector + r.sectors;
    if (r.op !== 'flush' && end > sizeSectors) {
      count++;
      if (end > furthest) furthest = end;
    }
  }
  return { count, furthest };
}
