// blkparse's default text output (docs/references.md#traces):
//   8,16   1        1     1.427376394  5529  Q  WS 274432 + 8 [fio]
//   maj,min cpu seq sec.nsec pid action RWBS sector + nblocks [process]
// The replayed requests are the Q events (queued: what the submitter asked for) or, for a
// trace without Q events, the D events (issued: what the driver saw). RWBS: R read, W write,
// D discard, F flush/FUA, S sync, N no data. blkparse's summary after the events ("CPU0
// (8,16):", "Total (8,16):" and their indented lines) is skipped.
import { InputError } from '../../base/input-error.js';
import { checkCount, checkTimeNs, forEachLine, type TraceRecord } from './record.js';

const EVENT = /^\s*(\d+),(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\.(\d{1,9})\s+(\d+)\s+([A-Z]{1,2})\s+([A-Z]+)\s+(.*)$/;
const RANGE = /^(\d+) \+ (\d+)(?:\s+\[.*\])?\s*$/;

export interface BlkparseOptions {
  /** Which action to replay; default Q if the trace has any, else D. */
  action?: 'Q' | 'D';
  /** Only events of this device ("8,16"); default every device. */
  device?: string;
}

export function parseBlkparse(text: string, file: string, options: BlkparseOptions = {}): TraceRecord[] {
  const byAction: Record<'Q' | 'D', TraceRecord[]> = { Q: [], D: [] };
  let summary = false;
  forEachLine(text, (line, n) => {
    if (summary || line.trim() === '') return;
    if (/^(CPU\d+|Total) \(/.test(line)) {
      summary = true;
      return;
    }
    const m = EVENT.exec(line);
    if (m === null) throw new InputError(`not a blkparse event line: '${line.trim().slice(0, 60)}'`, { file, line: n });
    const action = m[8];
    if (action !== 'Q' && action !== 'D') return;
    if (options.device !== undefined && `${m[1]},${m[2]}` !== options.device) return;
    const rwbs = m[9];
    const range = RANGE.exec(m[10]);
    if (range === null) throw new InputError(`expected '<sector> + <blocks>' after ${rwbs}, got '${m[10]}'`, { file, line: n, field: 'sector' });
    // An empty request with F is a cache flush, whether spelt "FN" or (older kernels) "FWS".
    const sector = checkCount(range[1], { file, line: n, field: 'sector' });
    const sectors = checkCount(range[2], { file, line: n, field: 'blocks' });
    const flush = rwbs.includes('F') && sectors === 0;
    const op = flush ? 'flush' : rwbs.includes('D') ? 'discard' : rwbs.includes('W') ? 'write' : rwbs.includes('R') ? 'read' : null;
    if (op === null) throw new InputError(`RWBS '${rwbs}' has no R, W, D or F`, { file, line: n, field: 'RWBS' });
    const timeNs = checkTimeNs(Number(m[5]) * 1e9 + Number(m[6].padEnd(9, '0')), `${m[5]}.${m[6]} s`, { file, line: n, field: 'time' });
    byAction[action].push({ timeNs, op, sector, sectors, sync: rwbs.includes('S') });
  });
  const action = options.action ?? (byAction.Q.length > 0 ? 'Q' : 'D');
  const records = byAction[action];
  if (records.length === 0) throw new InputError(`no ${action} events in the trace`, { file });
  return rebase(records);
}

/** Times relative to the first request, in time order. */
export function rebase(records: TraceRecord[]): TraceRecord[] {
  records.sort((a, b) => a.timeNs - b.timeNs);
  const t0 = records[0].timeNs;
  for (const r of records) r.timeNs -= t0;
  return records;
}
