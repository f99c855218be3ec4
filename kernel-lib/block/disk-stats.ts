// /proc/diskstats accounting (part_stat): counters per direction, plus the two time
// integrals fio's disk_util reads: io_ticks (time with anything in flight) and
// time_in_queue (in-flight count integrated over time).
import type { DiskStats } from './device.js';
import type { Request } from './request.js';

export class DiskStatsAccounting {
  readonly stats: DiskStats = {
    readIos: 0,
    writeIos: 0,
    readMerges: 0,
    writeMerges: 0,
    readSectors: 0,
    writeSectors: 0,
    readTicksNs: 0,
    writeTicksNs: 0,
    busyNs: 0,
    inQueueNs: 0,
  };
  /** Requests between insertion and completion. */
  inFlight = 0;
  private last = 0;

  constructor(private readonly clock: { readonly now: number }) {}

  /** A bio merged into an existing request. */
  merged(write: boolean): void {
    if (write) this.stats.writeMerges++;
    else this.stats.readMerges++;
  }

  /** A request entered the queue (drive_stat_acct with new_io). */
  started(): void {
    this.advance();
    this.inFlight++;
  }

  /** A queued request disappeared into another (request merge): no I/O of its own. */
  forget(): void {
    this.advance();
    this.inFlight--;
  }

  /** A request completed (disk_stat_add in end_that_request_last). */
  done(rq: Request): void {
    this.advance();
    this.inFlight--;
    if (rq.op === 'flush') return;
    const s = this.stats;
    const ticks = this.clock.now - rq.tStart;
    if (rq.isWrite) {
      s.writeIos++;
      s.writeSectors += rq.sectors;
      s.writeTicksNs += ticks;
    } else {
      s.readIos++;
      s.readSectors += rq.sectors;
      s.readTicksNs += ticks;
    }
  }

  /** A snapshot with the integrals brought up to now. */
  snapshot(): DiskStats {
    this.advance();
    return { ...this.stats };
  }

  private advance(): void {
    const now = this.clock.now;
    if (this.inFlight > 0) {
      this.stats.busyNs += now - this.last;
      this.stats.inQueueNs += this.inFlight * (now - this.last);
    }
    this.last = now;
  }
}
