// A tiny stand-in block device for tests: `queueDepth` bios are served at once, each taking
// `serviceNs`; it records what it saw and the highest number of bios in flight.
import type { Bio } from '../../kernel-lib/block/bio.js';
import type { BlockDevice, DiskStats } from '../../kernel-lib/block/device.js';
import { Resource, type ProcessGenerator, type Simulation } from '../../kernel-lib/sim/index.js';

export interface Seen {
  op: string;
  sector: number;
  sectors: number;
  flags: number;
  at: number;
}

export class FakeDevice implements BlockDevice {
  readonly logicalBlockSize = 512;
  readonly seen: Seen[] = [];
  inFlight = 0;
  maxInFlight = 0;
  record = true;
  private readonly slots: Resource;
  private readonly stats: DiskStats = {
    readIos: 0, writeIos: 0, readMerges: 0, writeMerges: 0, readSectors: 0, writeSectors: 0,
    readTicksNs: 0, writeTicksNs: 0, busyNs: 0, inQueueNs: 0,
  };

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly sizeSectors: number,
    private readonly serviceNs: number | ((bio: Bio) => number) = 100_000,
    queueDepth = 1_000_000,
  ) {
    this.slots = new Resource(sim, { capacity: queueDepth });
  }

  *submit(bio: Bio): ProcessGenerator<void> {
    if (this.record) this.seen.push({ op: bio.op, sector: bio.sector, sectors: bio.sectors, flags: bio.flags, at: this.sim.now });
    bio.tQueue = this.sim.now;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const sim = this.sim;
    const self = this;
    sim.process(function* () {
      const tok = yield self.slots.request();
      bio.tIssue = sim.now;
      const t = typeof self.serviceNs === 'function' ? self.serviceNs(bio) : self.serviceNs;
      yield sim.timeout(t);
      self.slots.release(tok);
      self.inFlight--;
      if (bio.op === 'read') {
        self.stats.readIos++;
        self.stats.readSectors += bio.sectors;
        self.stats.readTicksNs += t;
      } else if (bio.op === 'write') {
        self.stats.writeIos++;
        self.stats.writeSectors += bio.sectors;
        self.stats.writeTicksNs += t;
      }
      self.stats.busyNs += t;
      bio.endio(sim);
    });
  }

  diskStats(): DiskStats {
    return { ...this.stats };
  }
}
