// A test device with a bounded request queue: submit() sleeps while `depth` bios are in
// flight (like get_request_wait on a full queue), each bio takes `serviceNs`, one at a time or
// `parallel` at once. It keeps the flushes and writes it saw.
import type { Bio } from '../../../kernel-lib/block/bio.js';
import type { BlockDevice, DiskStats } from '../../../kernel-lib/block/device.js';
import { Resource, type ProcessGenerator, type Simulation } from '../../../kernel-lib/sim/index.js';

export class QueueDevice implements BlockDevice {
  readonly logicalBlockSize = 512;
  readonly log: { op: string; sector: number; at: number; done: number }[] = [];
  private readonly queue: Resource;
  private readonly server: Resource;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly sizeSectors: number,
    private readonly serviceNs: number,
    depth: number,
    parallel = 1,
  ) {
    this.queue = new Resource(sim, { capacity: depth });
    this.server = new Resource(sim, { capacity: parallel });
  }

  *submit(bio: Bio): ProcessGenerator<void> {
    const slot = yield this.queue.request();
    const sim = this.sim;
    const entry = { op: bio.op, sector: bio.sector, at: sim.now, done: NaN };
    this.log.push(entry);
    const self = this;
    sim.process(function* () {
      const tok = yield self.server.request();
      yield sim.timeout(bio.op === 'flush' ? 0 : self.serviceNs);
      self.server.release(tok);
      self.queue.release(slot);
      entry.done = sim.now;
      bio.endio(sim);
    });
  }

  diskStats(): DiskStats | null {
    return null;
  }
}
