// The thread config (vdo.c initialize_thread_config, get_thread_name; docs/references.md#vdo-threads):
// which VDO "thread" (a work queue with its own thread; the cpu "thread" is a round-robin queue served by `cpu`
// threads) owns which zone. When the logical, physical and hash zone counts are all 0, one
// thread ("reqQ") runs all three zones plus the packer and the recovery journal; otherwise the
// journal (which is also the admin thread) and the packer get one each, then every logical,
// physical and hash zone. Then the dedupe thread (index state changes), the bio ack thread (if
// ack > 0; with ack 0 user bios are acknowledged on the thread that gets there), the cpu
// thread and the bio submission threads, in that order.
import type { ThreadCounts } from './device-config.js';

export const INVALID_THREAD = -1;

export interface ThreadConfig {
  logicalZoneCount: number;
  physicalZoneCount: number;
  hashZoneCount: number;
  journalThread: number;
  packerThread: number;
  logicalThreads: number[];
  physicalThreads: number[];
  hashZoneThreads: number[];
  dedupeThread: number;
  bioAckThread: number;
  cpuThread: number;
  bioThreads: number[];
  threadCount: number;
  /** Name of each thread id, as the kernel names its work queue. */
  names: string[];
  /** Kernel threads serving each thread id (the cpu queue has `cpu` of them, the others one). */
  queueCounts: number[];
}

export function makeThreadConfig(counts: ThreadCounts): ThreadConfig {
  const single = counts.logical + counts.physical + counts.hash === 0;
  let n = 0;
  const names: string[] = [];
  const take = (name: string) => {
    names.push(name);
    return n++;
  };
  const zones = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => take(`${prefix}${i}`));
  let journalThread: number;
  let packerThread: number;
  let logicalThreads: number[];
  let physicalThreads: number[];
  let hashZoneThreads: number[];
  if (single) {
    const req = take('reqQ');
    journalThread = packerThread = req;
    logicalThreads = [req];
    physicalThreads = [req];
    hashZoneThreads = [req];
  } else {
    journalThread = take('journalQ');
    packerThread = take('packerQ');
    logicalThreads = zones(counts.logical, 'logQ');
    physicalThreads = zones(counts.physical, 'physQ');
    hashZoneThreads = zones(counts.hash, 'hashQ');
  }
  const dedupeThread = take('dedupeQ');
  const bioAckThread = counts.ack > 0 ? take('ackQ') : INVALID_THREAD;
  const cpuThread = take('cpuQ');
  const bioThreads = zones(counts.bio, 'bioQ');
  const queueCounts = names.map((_, id) => (id === cpuThread ? counts.cpu : id === bioAckThread ? counts.ack : 1));
  return {
    logicalZoneCount: logicalThreads.length,
    physicalZoneCount: physicalThreads.length,
    hashZoneCount: hashZoneThreads.length,
    journalThread,
    packerThread,
    logicalThreads,
    physicalThreads,
    hashZoneThreads,
    dedupeThread,
    bioAckThread,
    cpuThread,
    bioThreads,
    threadCount: n,
    names,
    queueCounts,
  };
}
