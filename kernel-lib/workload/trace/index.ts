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

export function parseTrace(format: TraceFormat, text: string, file: string): TraceRecord[] {
  checkText(text, file, `a ${format} trace`);
  switch (format) {
    case 'blkparse':
      return parseBlkparse(text, file);
    case 'disksim':
      return parseDiskSim(text, file);
    case 'msr':
      return parseMsr(text, file);
    case 'fiu':
      return parseFiu(text, file);
  }
}
