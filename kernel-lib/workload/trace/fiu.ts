// FIU IODedup traces (SNIA IOTTA; docs/references.md#fiu-traces), ASCII, one I/O per line:
//   [ts in ns] [pid] [process] [lba] [size in 512 Bytes blocks] [Write or Read]
//   [major device number] [minor device number] [MD5 per 4096 Bytes]
// e.g. `89968195792462 20782 gzip 283193184 8 R 6 0 56f11b711d91a065a2b6458eca924523`.
// The traces were taken at 4 KiB page granularity, so a line is one page and carries one
// digest; a line of n pages must carry n digests, one per page, in order.
//
// The digests are what makes these traces worth replaying on a deduplicating target: each
// write's blocks get the fingerprint of their digest (block/bio-payload.ts), so two blocks
// with one MD5 are the same content to dm-dedup and VDO, and the duplicate pattern is the
// trace's. Digests are numbered in order of first appearance (exact: no two digests share a
// number), in a range no fio job or target uses; the MD5 of a 4 KiB block of zeros is the
// zero block every other workload writes (fingerprint 0). Reads carry the digest of what was
// read; the replay reads whatever the target returns, so it is not used.
//
// The homes trace's README says its digests are per 512 bytes; at one digest per 8-sector
// line that cannot be told apart from the others, and it is read the same way.
import { InputError } from '../../base/input-error.js';
import type { BioPayload } from '../../block/bio.js';
import { CONTENT_BLOCK_SECTORS } from '../../block/bio-payload.js';
import { rebase } from './blkparse.js';
import { checkCount, checkTimeNs, DeviceFilter, forEachLine, type TraceRecord } from './record.js';

const FIELDS = ['ts', 'pid', 'process', 'lba', 'size', 'op', 'major', 'minor', 'md5'];
const MD5 = /^[0-9a-f]{32}$/i;
const WHOLE = /^\d+$/;

/** md5 of 4096 zero bytes: the zero block. */
export const FIU_ZERO_BLOCK_MD5 = '620f0b67a91f7f74151bc5be745b7110';
/** First fingerprint of the trace's digests (fio jobs use (job*4096+clone+1)*2^32, below 2^48; targets 2^51 up). */
export const FIU_FINGERPRINT_BASE = 2 ** 50;

export interface FiuOptions {
  /** Only I/Os of this device ("major,minor", e.g. "6,0"); required when the trace has several (DeviceFilter). */
  from?: string;
}

export function parseFiu(text: string, file: string, options: FiuOptions = {}): TraceRecord[] {
  const records: TraceRecord[] = [];
  const numbers = new Map<string, number>([[FIU_ZERO_BLOCK_MD5, 0]]);
  const fingerprintOf = (md5: string): number => {
    const key = md5.toLowerCase();
    let fp = numbers.get(key);
    if (fp === undefined) {
      fp = FIU_FINGERPRINT_BASE + numbers.size - 1;
      numbers.set(key, fp);
    }
    return fp;
  };
  const filter = new DeviceFilter(options.from, file, 'device');
  forEachLine(text, (line, n) => {
    const w = line.trim().split(/\s+/);
    if (w[0] === '') return;
    const where = (field: string) => ({ file, line: n, field });
    if (w.length < FIELDS.length) throw new InputError(`expected ${FIELDS.length} fields (${FIELDS.join(' ')}), got ${w.length}`, { file, line: n });
    for (const i of [0, 1, 3, 4, 6, 7]) {
      if (!WHOLE.test(w[i])) throw new InputError(`'${w[i]}' is not a whole number`, where(FIELDS[i]));
    }
    const op = w[5] === 'W' || w[5] === 'w' ? 'write' : w[5] === 'R' || w[5] === 'r' ? 'read' : null;
    if (op === null) throw new InputError(`'${w[5]}' is not W or R`, where('op'));
    const sector = checkCount(w[3], where('lba'));
    const sectors = checkCount(w[4], where('size'));
    if (sectors === 0) throw new InputError('an I/O of 0 sectors', where('size'));
    const pages = Math.ceil(sectors / CONTENT_BLOCK_SECTORS);
    const digests = w.length - 8;
    if (digests !== pages) {
      throw new InputError(`${sectors} sectors are ${pages} page${pages === 1 ? '' : 's'} of 4 KiB and need as many MD5s, got ${digests}`, where('md5'));
    }
    for (let i = 8; i < w.length; i++) {
      if (!MD5.test(w[i])) throw new InputError(`'${w[i]}' is not an MD5 (32 hex digits)`, where('md5'));
    }
    if (!filter.keep(`${w[6]},${w[7]}`)) return;
    const timeNs = checkTimeNs(checkCount(w[0], where('ts')), `${w[0]} ns`, where('ts'));
    const record: TraceRecord = { timeNs, op, sector, sectors, sync: false };
    if (op === 'write') record.payload = payloadOf(w.slice(8).map(fingerprintOf));
    records.push(record);
  });
  filter.check();
  if (records.length === 0) throw new InputError('no I/Os in the trace', { file });
  return rebase(records);
}

/** One page: its fingerprint; several: each page's, in order. FIU gives no compressibility. */
function payloadOf(fps: number[]): BioPayload {
  if (fps.length === 1) return { fingerprint: fps[0], blocks: 'same', compressPercentage: 0 };
  return { fingerprint: fps[0], blocks: 'listed', fingerprints: fps, compressPercentage: 0 };
}
