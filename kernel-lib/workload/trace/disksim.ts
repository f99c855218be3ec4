// DiskSim's ascii trace format: one request per line,
//   <time ms> <devno> <blkno> <bcount> <flags>
// with blkno and bcount in 512-byte blocks and flags bit 0 set for a read. A trace of several
// disks replays the devno named by `from` (DeviceFilter).
import { InputError } from '../../base/input-error.js';
import { rebase } from './blkparse.js';
import { checkCount, checkTimeNs, DeviceFilter, forEachLine, type TraceRecord } from './record.js';

const FIELDS = ['time', 'devno', 'blkno', 'bcount', 'flags'];

export function parseDiskSim(text: string, file: string, options: { from?: number } = {}): TraceRecord[] {
  const records: TraceRecord[] = [];
  const filter = new DeviceFilter(options.from === undefined ? undefined : String(options.from), file, 'devno');
  forEachLine(text, (line, n) => {
    const words = line.trim().split(/\s+/);
    if (words[0] === '' || words[0].startsWith('#')) return;
    if (words.length !== 5) throw new InputError(`expected 5 fields (${FIELDS.join(' ')}), got ${words.length}`, { file, line: n });
    const v = words.map(Number);
    words.forEach((w, i) => {
      const ok = i === 0 ? /^\d+(\.\d*)?([eE][-+]?\d+)?$/.test(w) : /^(0x[0-9a-f]+|\d+)$/i.test(w);
      if (!ok) throw new InputError(`'${w}' is not a ${i === 0 ? 'time in ms' : 'whole number'}`, { file, line: n, field: FIELDS[i] });
    });
    for (const i of [1, 2, 3]) v[i] = checkCount(words[i], { file, line: n, field: FIELDS[i] });
    const timeNs = checkTimeNs(v[0] * 1e6, `${words[0]} ms`, { file, line: n, field: 'time' });
    if (!filter.keep(String(v[1]))) return;
    if (v[3] === 0) throw new InputError('a request of 0 blocks', { file, line: n, field: 'bcount' });
    records.push({ timeNs, op: (v[4] & 1) === 1 ? 'read' : 'write', sector: v[2], sectors: v[3], sync: false });
  });
  filter.check();
  if (records.length === 0) throw new InputError('no requests in the trace', { file });
  return rebase(records);
}
