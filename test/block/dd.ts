// dd onto a page cache, for the page-cache and writeback tests.
import type { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { type ProcessGenerator, type Simulation } from '../../kernel-lib/sim/index.js';
import type { PageCache } from '../../kernel-lib/block/page-cache.js';

export const MiB = 2 ** 20;

export /** dd if=/dev/zero of=dev bs=1M count=n, then (what dd without conv=fdatasync does not do) fsync. */
function dd(sim: Simulation, cpus: CpuSet | null, cache: PageCache, count: number, check?: () => void): { ddNs: number; syncNs: number } {
  const out = { ddNs: 0, syncNs: 0 };
  const body = function* (this: void): ProcessGenerator<void> {
    for (let i = 0; i < count; i++) {
      yield* cache.write(thread, i * MiB, MiB);
      check?.();
    }
    out.ddNs = sim.now;
    yield* cache.fsync(thread);
    out.syncNs = sim.now;
  };
  const thread = cpus?.thread('dd') ?? null;
  if (thread !== null) thread.spawn(body);
  else sim.process(body);
  sim.run();
  return out;
}
