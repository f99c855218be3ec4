// ram (brd, drivers/block/brd.c): memory as a disk. The cost of an I/O is a memcpy of its
// pages; brd does it synchronously in the submitter's context, modelled as a fixed per-I/O
// overhead plus bytes over the memory copy bandwidth, completing after that time.
import type { Simulation } from '../../sim/index.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';

export interface RamParams {
  /** Size in MiB. */
  size_mib: number;
  /** memcpy bandwidth, MB/s [R: a 2019-class core copies about 5-10 GB/s single-threaded]. */
  copy_mbps: number;
  /** Fixed cost per I/O (page lookup and allocation in the radix tree), ns [R]. */
  per_io_ns: number;
  /** Driver entry cost, ns [R]. */
  issue_cpu_ns: number;
}

export const RAM_DEFAULTS: Readonly<RamParams> = Object.freeze({
  size_mib: 4096,
  copy_mbps: 6000,
  per_io_ns: 300,
  issue_cpu_ns: 200,
} satisfies RamParams);

export class RamDisk implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth = 1024;
  readonly nrHwQueues = 1;
  readonly maxHwSectors = 65535;
  readonly issueCpuNs: number;
  readonly irqCpuNs = 0;
  readonly completesInline = true;
  private host: DriverHost | null = null;
  private readonly complete = (rq: Request): void => (this.host as DriverHost).completeRequest(rq, null, rq.cpu);

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly params: RamParams,
  ) {
    this.sizeSectors = params.size_mib * 2048;
    this.issueCpuNs = params.issue_cpu_ns;
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    const ns = rq.op === 'flush' ? 0 : this.params.per_io_ns + (rq.bytes * 1e3) / this.params.copy_mbps;
    rq.onTimer = this.complete;
    this.sim.schedule(rq, ns);
  }
}
