// Request queues over a fake driver, for the block-layer tests.
import type { CpuSet } from '../../kernel-lib/sim/cpu.js';
import { type ProcessGenerator, type Simulation } from '../../kernel-lib/sim/index.js';
import type { Bio } from '../../kernel-lib/block/bio.js';
import { BlkMq } from '../../kernel-lib/block/blk-mq.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { RequestQueue } from '../../kernel-lib/block/request-queue.js';
import type { FakeDriver } from './fake-driver.js';

/** blk-mq without a scheduler unless `block` names one. */
export function mq(sim: Simulation, cpus: CpuSet | null, driver: FakeDriver, block: Record<string, unknown> = {}): BlkMq {
  return new BlkMq(sim, cpus, driver, parseBlockOptions({ queue: 'mq', scheduler: 'none', ...block }));
}

/** The legacy (2.6) request queue, noop unless `block` names a scheduler. */
export function legacy(sim: Simulation, driver: FakeDriver, block: Record<string, unknown> = {}): RequestQueue {
  return new RequestQueue(sim, null, driver, parseBlockOptions({ queue: 'legacy', scheduler: 'noop', ...block }));
}

/** One process submitting the bios in order. */
export function submitAll(sim: Simulation, q: RequestQueue, bios: Bio[]): void {
  sim.process(function* (): ProcessGenerator<void> {
    for (const b of bios) yield* q.submit(b);
  });
}
