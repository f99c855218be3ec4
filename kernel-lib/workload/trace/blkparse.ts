// blkparse's default text output (docs/references.md#traces), as blkparse.c prints it:
//   Input file sdb.blktrace.0 added                      (one per per-CPU input file)
//   8,16   1        1     1.427376394  5529  Q  WS 274432 + 8 [fio]
//   maj,min cpu seq sec.nsec pid action RWBS sector + nblocks [process]
//   8,16   1        0     1.427380000     0  m   N cfq5529 insert_request
//                                                     (a message: handle_notify's "m N")
// then, after the last event, show_device_and_cpu_stats' summary per device: "CPU1 (8,16):"
// blocks of indented counters, "Total (8,16):" when more than one CPU traced it,
// "Throughput (R/W): ...", "Events (8,16): N entries", "Skips: ..."; with -s the
// per-process blocks ("fio (5529)") come first. Each CPU numbers its events on its own
// (the seq column), and blkparse merges the per-CPU files in time order.
// The replayed requests are the Q events (queued: what the submitter asked for) or, for a
// trace without Q events, the D events (issued: what the driver saw). RWBS: R read, W write,
// D discard, F flush/FUA (before the op letter a preflush, after it FUA; with no data a cache
// flush), S sync, N no data. A trace of several devices replays the one
// named by `from` ("8,16"); without it a mix is refused (DeviceFilter).
import { InputError } from '../../base/input-error.js';
import { checkCount, checkTimeNs, DeviceFilter, forEachLine, type TraceRecord } from './record.js';

const EVENT = /^\s*(\d+),(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\.(\d{1,9})\s+(\d+)\s+([A-Za-z]{1,2})\s+([A-Z]+)\s*(.*)$/;
const RANGE = /^(\d+) \+ (\d+)(?:\s+\[.*\])?\s*$/;
const HEADER = /^Input file .* added$/;
/** The first line of blkparse's summary: a CPU or Total block, or the per-device lines. */
const SUMMARY = /^(?:(?:CPU\d+|Total) \(.*\):|Throughput \(R\/W\): .*|Events \(.*\): .* entries|Skips: .*)$/;
/** blkparse -s: a process's block, named "comm (pid)" or "comm (pid, ...)". */
const PROCESS = /^\S.* \(\d+(?:, \.\.\.)?\)$/;

export interface BlkparseOptions {
  /** Which action to replay; default Q if the trace has any, else D. */
  action?: 'Q' | 'D';
  /** Only events of this device ("8,16"); required when the trace has several. */
  from?: string;
}

export function parseBlkparse(text: string, file: string, options: BlkparseOptions = {}): TraceRecord[] {
  const byAction: Record<'Q' | 'D', TraceRecord[]> = { Q: [], D: [] };
  // One filter per action: the devices of the replayed action are the ones that matter.
  const filters = { Q: new DeviceFilter(options.from, file, 'device'), D: new DeviceFilter(options.from, file, 'device') };
  let summaryLine = 0;
  /** A line that may name a process block of blkparse -s ("fio (5529)"), if counters follow. */
  let processLine = 0;
  forEachLine(text, (line, n) => {
    if (line.trim() === '') return;
    const m = EVENT.exec(line);
    if (processLine > 0 && summaryLine === 0) {
      if (!line.startsWith(' Reads Queued:')) throw new InputError(`not a blkparse event line: '${text.split('\n')[processLine - 1].trim().slice(0, 60)}'`, { file, line: processLine });
      summaryLine = processLine;
    }
    if (summaryLine > 0) {
      // Events after the summary would be a second trace pasted on: not replayed silently.
      if (m !== null) throw new InputError(`an event after blkparse's summary (which starts at line ${summaryLine}); one blkparse output per file`, { file, line: n });
      return;
    }
    if (m === null) {
      if (HEADER.test(line)) return;
      if (SUMMARY.test(line)) {
        summaryLine = n;
        return;
      }
      if (PROCESS.test(line)) {
        processLine = n;
        return;
      }
      throw new InputError(`not a blkparse event line: '${line.trim().slice(0, 60)}'`, { file, line: n });
    }
    const action = m[8];
    if (action !== 'Q' && action !== 'D') return;
    const rwbs = m[9];
    // A request without data and without a flush (a SCSI passthrough command, "N") moves nothing.
    if (rwbs === 'N') return;
    if (!filters[action].keep(`${m[1]},${m[2]}`)) return;
    const range = RANGE.exec(m[10]);
    if (range === null) throw new InputError(`expected '<sector> + <blocks>' after ${rwbs}, got '${m[10]}'`, { file, line: n, field: 'sector' });
    // An empty request with F is a cache flush, whether spelt "FN" or (older kernels) "FWS".
    const sector = checkCount(range[1], { file, line: n, field: 'sector' });
    const sectors = checkCount(range[2], { file, line: n, field: 'blocks' });
    const flush = rwbs.includes('F') && sectors === 0;
    const op = flush ? 'flush' : rwbs.includes('D') ? 'discard' : rwbs.includes('W') ? 'write' : rwbs.includes('R') ? 'read' : null;
    if (op === null) throw new InputError(`RWBS '${rwbs}' has no R, W, D or F`, { file, line: n, field: 'RWBS' });
    const timeNs = checkTimeNs(Number(m[5]) * 1e9 + Number(m[6].padEnd(9, '0')), `${m[5]}.${m[6]} s`, { file, line: n, field: 'time' });
    const record: TraceRecord = { timeNs, op, sector, sectors, sync: rwbs.includes('S') };
    if (op === 'write') {
      // blk_fill_rwbs: F first for REQ_PREFLUSH, then the op letter, then F for REQ_FUA.
      const w = rwbs.indexOf('W');
      if (rwbs.lastIndexOf('F', w) >= 0) record.preflush = true;
      if (rwbs.indexOf('F', w) > w) record.fua = true;
    }
    byAction[action].push(record);
  });
  if (processLine > 0 && summaryLine === 0) throw new InputError(`not a blkparse event line: '${text.split('\n')[processLine - 1].trim().slice(0, 60)}'`, { file, line: processLine });
  const action = options.action ?? (byAction.Q.length > 0 || filters.Q.any() ? 'Q' : 'D');
  filters[action].check();
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
