// Flash SSD / NVMe: a controller with a few cores, a host link, NAND dies on channels, and a
// DRAM write buffer drained by page programs. Each resource is a FIFO server kept as a
// "busy until" time, so an I/O is costed in a step or two, whatever its size, rather
// than by a process per resource.
//
// Read:  controller core (command overhead) -> for each flash page: die (tR) -> channel
//        transfer -> host link transfer of the whole request (two agenda items).
// Write: controller core -> host link -> admission into the write buffer (waits while the
//        buffer is full) -> acknowledged after the firmware's ack time. The buffer drains
//        at the NAND program bandwidth: dies x program unit / tPROG. Random writes cost more
//        than their size in programs (garbage collection): write amplification from the
//        over-provisioning by the greedy-GC estimate WA = (1 + op) / (2 op) (Desnoyers 2012),
//        op = raw / user - 1. A write that continues the previous one is sequential (WA 1).
// Flush: waits until the buffer has drained, plus the cache-flush latency.
// Not modelled: reads blocked behind programs on the same die, SLC caching, GC pauses.
import { Deque, type Simulation } from '../../sim/index.js';
import { REQ_FUA } from '../bio.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';

export interface SsdParams {
  /** User capacity, GB (10^9 bytes). */
  capacity_gb: number;
  /** Raw flash capacity, GB (over-provisioning = raw / user - 1). */
  raw_capacity_gb: number;
  /**
   * Whether the drive is in steady state (filled, garbage collection running), so random
   * writes pay the GC write amplification; false = fresh out of box, as vendors measure.
   */
  preconditioned: boolean;
  channels: number;
  dies_per_channel: number;
  /** Independent read units per die (multi-plane, independent plane reads). */
  planes_per_die: number;
  /** Flash page size, bytes. */
  page_bytes: number;
  /** Page read time tR, ns. */
  read_ns: number;
  /** Program time tPROG of one program unit, ns. */
  program_ns: number;
  /** Bytes written by one program operation (page x planes). */
  program_unit_bytes: number;
  /** NAND channel bandwidth, MB/s. */
  channel_mbps: number;
  /** Host link bandwidth per direction, MB/s (SATA III ~ 550-600; PCIe 4.0 x4 ~ 7800). */
  link_mbps: number;
  /** Whether reads and writes use the link at the same time (PCIe yes, SATA no). */
  link_full_duplex: boolean;
  /** Controller cores processing commands. */
  controller_cores: number;
  /** Controller time per command, ns. */
  command_overhead_ns: number;
  /** Firmware time from buffered data to acknowledging a write (mapping update), ns. */
  write_ack_ns: number;
  /** DRAM write buffer, MiB. */
  write_buffer_mib: number;
  /** Cache flush latency on top of draining the buffer, ns ("up to 8 ms" for some SSDs). */
  flush_ns: number;
  /** Command queue depth the device accepts (NCQ 32, NVMe queue size). */
  queue_depth: number;
  /** Hardware submission queues (1 SATA, per-CPU NVMe). */
  hw_queues: number;
  /** Driver issue path CPU cost (AHCI / nvme_queue_rq), ns [R]. */
  issue_cpu_ns: number;
  /** Interrupt handler CPU cost, ns [R]. */
  irq_cpu_ns: number;
}

export class Ssd implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth: number;
  readonly nrHwQueues: number;
  readonly maxHwSectors = 65535;
  readonly issueCpuNs: number;
  readonly irqCpuNs: number;
  /** Greedy-GC write amplification of random writes. */
  readonly writeAmplification: number;
  private host: DriverHost | null = null;
  private readonly dieFree: Float64Array;
  private readonly channelFree: Float64Array;
  private readonly coreFree: Float64Array;
  private readonly linkFree = [0, 0];
  /** Write buffer: FIFO of (time its data is programmed, bytes) and the bytes held. */
  private readonly buffered = new Deque<{ until: number; bytes: number }>();
  private bufferedBytes = 0;
  private drainEnd = 0;
  private lastWriteEnd = -1;
  private readonly nsPerLinkByte: number;
  private readonly nsPerChannelByte: number;
  /** Program bandwidth, bytes per ns. */
  private readonly programRate: number;
  private readonly bufferBytes: number;
  readonly stats = { reads: 0, writes: 0, flushes: 0, randomWrites: 0, bufferFullWaits: 0 };
  private readonly complete = (rq: Request): void => (this.host as DriverHost).completeRequest(rq);

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly params: SsdParams,
  ) {
    const p = params;
    this.sizeSectors = Math.floor((p.capacity_gb * 1e9) / 512);
    this.queueDepth = p.queue_depth;
    this.nrHwQueues = p.hw_queues;
    this.issueCpuNs = p.issue_cpu_ns;
    this.irqCpuNs = p.irq_cpu_ns;
    const op = p.raw_capacity_gb / p.capacity_gb - 1;
    if (!(op > 0)) throw new Error(`${name}: raw_capacity_gb must exceed capacity_gb (over-provisioning), got ${p.raw_capacity_gb} <= ${p.capacity_gb}`);
    this.writeAmplification = p.preconditioned ? Math.max(1, (1 + op) / (2 * op)) : 1;
    this.dieFree = new Float64Array(p.channels * p.dies_per_channel * p.planes_per_die);
    this.channelFree = new Float64Array(p.channels);
    this.coreFree = new Float64Array(p.controller_cores);
    this.nsPerLinkByte = 1e3 / p.link_mbps;
    this.nsPerChannelByte = 1e3 / p.channel_mbps;
    this.programRate = (p.channels * p.dies_per_channel * p.program_unit_bytes) / p.program_ns;
    this.bufferBytes = p.write_buffer_mib * 2 ** 20;
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    const now = this.sim.now;
    const t = this.controller(now);
    if (rq.op === 'read') {
      rq.onTimer = this.transferOut;
      this.sim.schedule(rq, this.read(rq, t) - now);
      return;
    }
    const done = rq.op === 'flush' ? this.flush(t) : rq.op === 'discard' ? t : this.write(rq, t);
    rq.onTimer = this.complete;
    this.sim.schedule(rq, done - now);
  }

  /** The earliest free controller core processes the command. */
  private controller(now: number): number {
    const cores = this.coreFree;
    let k = 0;
    for (let i = 1; i < cores.length; i++) if (cores[i] < cores[k]) k = i;
    const t = Math.max(now, cores[k]) + this.params.command_overhead_ns;
    cores[k] = t;
    return t;
  }

  private linkTransfer(dir: 0 | 1, from: number, bytes: number): number {
    const d = this.params.link_full_duplex ? dir : 0;
    const t = Math.max(from, this.linkFree[d]) + bytes * this.nsPerLinkByte;
    this.linkFree[d] = t;
    return t;
  }

  /**
   * Sensing: pages striped over the dies by logical page number (static allocation); each
   * die senses its pages in arrival order. The transfers out (channel, then link) happen at
   * the time the data is ready, in the order requests become ready — not in issue order, or
   * a request stuck behind a busy die would hold the link for everyone.
   */
  private read(rq: Request, start: number): number {
    const p = this.params;
    this.stats.reads++;
    const pageSectors = p.page_bytes / 512;
    const first = Math.floor(rq.sector / pageSectors);
    const last = Math.floor((rq.end - 1) / pageSectors);
    const units = this.dieFree.length;
    const pageOut = Math.min(p.page_bytes, rq.bytes) * this.nsPerChannelByte;
    let ready = start;
    for (let page = first; page <= last; page++) {
      const unit = page % units;
      const sensed = Math.max(start, this.dieFree[unit]) + p.read_ns;
      // The die holds the page in its register until the channel has moved it out.
      this.dieFree[unit] = sensed + pageOut;
      if (sensed > ready) ready = sensed;
    }
    return ready;
  }

  /** At the time its pages are sensed: channel transfers, then the host link. */
  private readonly transferOut = (rq: Request): void => {
    const p = this.params;
    const now = this.sim.now;
    const pageSectors = p.page_bytes / 512;
    const first = Math.floor(rq.sector / pageSectors);
    const last = Math.floor((rq.end - 1) / pageSectors);
    const units = this.dieFree.length;
    const pageOut = Math.min(p.page_bytes, rq.bytes) * this.nsPerChannelByte;
    let out = now;
    for (let page = first; page <= last; page++) {
      const ch = (page % units) % p.channels;
      const t = Math.max(now, this.channelFree[ch]) + pageOut;
      this.channelFree[ch] = t;
      if (t > out) out = t;
    }
    const done = this.linkTransfer(0, out, rq.bytes);
    rq.onTimer = this.complete;
    this.sim.schedule(rq, done - now);
  };

  private write(rq: Request, start: number): number {
    const p = this.params;
    this.stats.writes++;
    const arrived = this.linkTransfer(1, start, rq.bytes);
    const sequential = rq.sector === this.lastWriteEnd;
    this.lastWriteEnd = rq.end;
    if (!sequential) this.stats.randomWrites++;
    const programBytes = rq.bytes * (sequential ? 1 : this.writeAmplification);
    // Admission: wait until the buffer has room (older data programmed out, FIFO).
    let admit = arrived;
    this.release(admit);
    if (this.bufferedBytes + rq.bytes > this.bufferBytes) this.stats.bufferFullWaits++;
    while (this.bufferedBytes + rq.bytes > this.bufferBytes && this.buffered.length > 0) {
      const oldest = this.buffered.shift() as { until: number; bytes: number };
      this.bufferedBytes -= oldest.bytes;
      if (oldest.until > admit) admit = oldest.until;
    }
    this.drainEnd = Math.max(this.drainEnd, admit) + programBytes / this.programRate;
    this.buffered.push({ until: this.drainEnd, bytes: rq.bytes });
    this.bufferedBytes += rq.bytes;
    // FUA: acknowledged only once programmed.
    const durable = (rq.flags & REQ_FUA) !== 0 ? this.drainEnd : admit;
    return durable + p.write_ack_ns;
  }

  private release(now: number): void {
    while (this.buffered.length > 0 && (this.buffered.peek() as { until: number }).until <= now) {
      this.bufferedBytes -= (this.buffered.shift() as { bytes: number }).bytes;
    }
  }

  private flush(start: number): number {
    this.stats.flushes++;
    return Math.max(start, this.drainEnd) + this.params.flush_ns;
  }

  deviceStats(): Record<string, number> {
    return { ...this.stats, writeAmplification: this.writeAmplification };
  }
}
