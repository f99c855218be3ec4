// A driver for queue tests: fixed service time, a given depth, and a log of what it saw.
import type { Simulation } from '../../kernel-lib/sim/index.js';
import type { BlockDriver, DriverHost, Request } from '../../kernel-lib/block/index.js';

export class FakeDriver implements BlockDriver {
  readonly name = 'fake';
  readonly logicalBlockSize = 512;
  readonly maxHwSectors = 65535;
  readonly issueCpuNs = 0;
  readonly irqCpuNs = 0;
  /** Every request issued: start sector, sectors, bios, issue time. */
  readonly seen: { sector: number; sectors: number; bios: number; op: string; at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private host: DriverHost | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly queueDepth = 32,
    readonly serviceNs = 100_000,
    readonly nrHwQueues = 1,
    readonly sizeSectors = 1 << 30,
  ) {}

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    this.seen.push({ sector: rq.sector, sectors: rq.sectors, bios: rq.bios.length, op: rq.op, at: this.sim.now });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    rq.onTimer = (r) => {
      this.inFlight--;
      (this.host as DriverHost).completeRequest(r);
    };
    this.sim.schedule(rq, this.serviceNs);
  }
}
