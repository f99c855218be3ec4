// cowd's parameters (`cowd.*`): the daemon that answers a dmu_device's requests with its
// qcow plugin. Each is an assumption about a daemon whose source was not found [R]
// (docs/userspace.md), fixed before any comparison with the published times:
//   start      run cowd on every new dmu_device (false: nobody answers; tests drive the
//              control device themselves)
//   readBuffer bytes per read() of the control device: one page (4096), 146 requests
//   sleepUs    without poll() (userspace.notify: sleep): the usleep() between empty
//              non-blocking reads. 1000 us, the shortest sleep that is not below the timer
//              tick of the era's kernels (HZ = 1000 in Fedora's 2006 kernels): it lasts until
//              the first tick at least sleepUs plus one tick later, about 2 ms
//   hz         the timer tick that rounds the sleep (CONFIG_HZ)
//   sync       answer first writes with SYNC (the July 2006 patch's metadata ordering; the
//              May 2006 measurements predate it, so off)
//   requestNs  user-space CPU per request: decode, qcow table arithmetic, the answer
//   l2Cache    L2 tables cowd keeps in memory (qemu's qcow L2_CACHE_SIZE, 16)
import { InputError } from '../../../base/input-error.js';
import type { ParamNamespace } from '../../target-registry.js';
import { parseNamespace } from '../params.js';
import { DM_USERSPACE_MAP_BLOCK_REQ, dmuMessageBytes } from '../protocol.js';

export interface CowdParams {
  start: boolean;
  readBuffer: number;
  sleepUs: number;
  hz: number;
  sync: boolean;
  requestNs: number;
  l2Cache: number;
}

export const COWD_DEFAULTS: Readonly<CowdParams> = Object.freeze({ start: true, readBuffer: 4096, sleepUs: 1000, hz: 1000, sync: false, requestNs: 2000, l2Cache: 16 });

export function parseCowdParams(params: Readonly<Record<string, unknown>>): CowdParams {
  const p = parseNamespace<CowdParams>(params, 'cowd', COWD_DEFAULTS, { start: [true, false], sync: [true, false] }, {
    readBuffer: { min: 1, max: 2 ** 30 },
    sleepUs: { min: 0, max: 60_000_000 },
    hz: { min: 100, max: 1000 },
    requestNs: { min: 0, max: 1e9 },
    l2Cache: { min: 1, max: 4096 },
  });
  const one = dmuMessageBytes(DM_USERSPACE_MAP_BLOCK_REQ);
  if (p.readBuffer < one) {
    throw new InputError(`a read buffer of ${p.readBuffer} bytes cannot hold one message (${one} bytes: a 12-byte header and a 16-byte MAP_BLOCK_REQ); every read() would return 0 and cowd would spin`, { field: 'cowd.readBuffer' });
  }
  return p;
}

export const COWD_PARAMS: ParamNamespace = { name: 'cowd', parse: parseCowdParams };
