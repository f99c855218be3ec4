// MSR Cambridge traces (SNIA IOTTA), CSV without a header:
//   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
// Timestamp in Windows FILETIME units (100 ns), Type Read or Write, Offset and Size in bytes.
// Offsets and sizes are rounded out to 512-byte sectors. A file of several disks replays the
// DiskNumber named by `from` (DeviceFilter).
import { InputError } from '../../base/input-error.js';
import { rebase } from './blkparse.js';
import { checkCount, checkTimeNs, DeviceFilter, forEachLine, type TraceRecord } from './record.js';

const FIELDS = ['Timestamp', 'Hostname', 'DiskNumber', 'Type', 'Offset', 'Size', 'ResponseTime'];

export function parseMsr(text: string, file: string, options: { from?: number } = {}): TraceRecord[] {
  const records: TraceRecord[] = [];
  const filter = new DeviceFilter(options.from === undefined ? undefined : String(options.from), file, 'DiskNumber');
  // FILETIME values (about 1.3e17) are beyond a double's exact integers: subtract the first
  // one as a BigInt before scaling to ns.
  let t0: bigint | null = null;
  let host: string | undefined;
  forEachLine(text, (line, n) => {
    if (line.trim() === '') return;
    const f = line.split(',');
    if (n === 1 && f[0] === 'Timestamp') return; // a header some copies carry
    if (f.length !== 7) throw new InputError(`expected 7 fields (${FIELDS.join(',')}), got ${f.length}`, { file, line: n });
    for (const i of [0, 2, 4, 5]) {
      if (!/^\d+$/.test(f[i])) throw new InputError(`'${f[i]}' is not a whole number`, { file, line: n, field: FIELDS[i] });
    }
    const type = f[3].toLowerCase();
    if (type !== 'read' && type !== 'write') throw new InputError(`'${f[3]}' is not Read or Write`, { file, line: n, field: 'Type' });
    // The MSR set is one file per server volume; files of two servers pasted together would
    // share disk numbers, so a second hostname is refused rather than merged.
    host ??= f[1];
    if (f[1] !== host) throw new InputError(`a second server '${f[1]}' after '${host}': one server's trace per file`, { file, line: n, field: 'Hostname' });
    if (!filter.keep(String(Number(f[2])))) return;
    const offset = checkCount(f[4], { file, line: n, field: 'Offset' });
    const size = checkCount(f[5], { file, line: n, field: 'Size' });
    if (!Number.isSafeInteger(offset + size)) checkCount(String(BigInt(f[4]) + BigInt(f[5])), { file, line: n, field: 'Size' });
    if (size === 0) return;
    const sector = Math.floor(offset / 512);
    const end = Math.ceil((offset + size) / 512);
    const ticks = BigInt(f[0]);
    t0 ??= ticks;
    const timeNs = checkTimeNs(Number(ticks - t0) * 100, `${f[0]} (${ticks - t0} ticks after the first request)`, { file, line: n, field: 'Timestamp' });
    records.push({ timeNs, op: type, sector, sectors: end - sector, sync: false });
  });
  filter.check();
  if (records.length === 0) throw new InputError('no requests in the trace', { file });
  return rebase(records);
}
