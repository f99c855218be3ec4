// Copy offload (`kcopyd.offload: device`): the device copies the region internally (SCSI
// XCOPY / NVMe Copy, the subject of the 2022 copy-offload thread), so the job needs no pages
// and moves no data through the host: one command per destination, whose time is a fixed
// setup latency plus the bytes at the device's internal copy rate. The copy does not queue
// behind, or slow, the device's other I/O: the block layer has no copy command yet, so this
// is the optimistic bound of offload, and says so in docs/kcopyd.md.
import type { Scheduled } from '../../sim/agenda.js';
import type { Simulation } from '../../sim/index.js';
import type { KcopydJob } from './job.js';
import { ioJobDone } from './worker.js';

class OffloadCommand implements Scheduled {
  constructor(
    readonly job: KcopydJob,
    readonly cpu: number,
  ) {}
  _fire(): void {
    const job = this.job;
    if (--job.ioCount === 0) ioJobDone(job, this.cpu);
  }
}

export class KcopydOffload {
  /** Copy commands issued (statistics). */
  commands = 0;
  private readonly nsPerSector: number;

  constructor(
    private readonly sim: Simulation,
    readonly latencyNs: number,
    mbps: number,
  ) {
    this.nsPerSector = 512 / (mbps * 1e6) * 1e9;
  }

  /** Issues one copy command per destination; the job completes when all have. */
  start(job: KcopydJob, cpu = 0): void {
    job.ioCount = job.dests.length;
    for (const d of job.dests) {
      this.commands++;
      this.sim.schedule(new OffloadCommand(job, cpu), this.latencyNs + d.count * this.nsPerSector);
    }
  }
}
