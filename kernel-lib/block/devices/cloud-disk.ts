// A rate-limited virtual disk, as cloud block stores build them (a persistent disk behind
// virtio-scsi or NVMe emulation): the guest sees a queue of `queue_depth` commands; each
// command crosses the network to a replicated backend and back (`read_latency_ns` /
// `write_latency_ns`), and the host throttles the volume with token buckets per direction,
// one for I/Os (IOPS cap, burst credit `burst_ios`) and one for bytes (bandwidth cap, burst
// credit `burst_mb`), optionally behind a peak-rate bucket (`peak_iops`) that bounds how fast
// the credit can be spent. A command is admitted when all its buckets cover it and completes
// one base latency later. The signature in fio numbers: once the credit is spent, psync
// latency = 1 / IOPS cap (each I/O waits for its token, the wait absorbs the base latency)
// and QD32 IOPS = the cap, whatever the backend's media.
import type { Simulation } from '../../sim/index.js';
import type { BlockDriver, DriverHost } from '../driver.js';
import type { Request } from '../request.js';
import { TokenBucket } from './token-bucket.js';

export interface CloudDiskParams {
  /** Size, GB (10^9 B). */
  capacity_gb: number;
  /** Sustained IOPS caps per direction (0 = none). */
  read_iops: number;
  write_iops: number;
  /** Sustained bandwidth caps per direction, MB/s (10^6 B/s; 0 = none). */
  read_mbps: number;
  write_mbps: number;
  /** Burst credit: depth of each direction's IOPS bucket, I/Os (>= 1 when capped). */
  burst_ios: number;
  /** Burst credit: depth of each direction's bandwidth bucket, MB. */
  burst_mb: number;
  /** Rate at which burst credit may be spent, IOPS per direction (0 = only the queue bounds it). */
  peak_iops: number;
  /** Base latency of a command that finds its tokens: network round trip and backend, ns. */
  read_latency_ns: number;
  write_latency_ns: number;
  /** Commands the virtual controller accepts at once. */
  queue_depth: number;
  /** Largest command, KiB (max_hw_sectors). */
  max_io_kib: number;
  issue_cpu_ns: number;
  irq_cpu_ns: number;
}

/** One direction's throttle: the buckets a command of that direction must pass. */
class DirectionThrottle {
  readonly ios: TokenBucket;
  readonly bytes: TokenBucket;
  readonly peak: TokenBucket;

  constructor(iops: number, mbps: number, p: CloudDiskParams) {
    this.ios = new TokenBucket(iops, p.burst_ios);
    this.bytes = new TokenBucket(mbps * 1e6, p.burst_mb * 1e6);
    // The peak bucket holds one token: credit is spent at most at peak_iops.
    this.peak = new TokenBucket(p.peak_iops, 1);
  }

  /** When a command of `bytes` arriving at `now` is admitted (its tokens are taken now). */
  admit(now: number, bytes: number): number {
    return Math.max(this.ios.take(now, 1), this.peak.take(now, 1), bytes > 0 ? this.bytes.take(now, bytes) : now);
  }
}

export class CloudDisk implements BlockDriver {
  readonly sizeSectors: number;
  readonly logicalBlockSize = 512;
  readonly queueDepth: number;
  readonly nrHwQueues = 1;
  readonly maxHwSectors: number;
  readonly issueCpuNs: number;
  readonly irqCpuNs: number;
  readonly read: DirectionThrottle;
  readonly write: DirectionThrottle;
  private host: DriverHost | null = null;
  private throttled = 0;
  private throttledNs = 0;
  private readonly complete = (rq: Request): void => (this.host as DriverHost).completeRequest(rq, null);

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly params: CloudDiskParams,
  ) {
    for (const [dir, cap] of [['read_iops', params.read_iops], ['write_iops', params.write_iops]] as const) {
      if (cap > 0 && params.burst_ios < 1) throw new Error(`burst_ios: must be >= 1 when ${dir} caps the volume (a bucket of less than one token admits nothing), got ${params.burst_ios}`);
    }
    if (!(params.queue_depth >= 1)) throw new Error(`queue_depth: must be >= 1, got ${params.queue_depth}`);
    if (!(params.max_io_kib >= 4)) throw new Error(`max_io_kib: must be >= 4, got ${params.max_io_kib}`);
    this.sizeSectors = Math.floor((params.capacity_gb * 1e9) / 512);
    this.queueDepth = params.queue_depth;
    this.maxHwSectors = params.max_io_kib * 2;
    this.issueCpuNs = params.issue_cpu_ns;
    this.irqCpuNs = params.irq_cpu_ns;
    this.read = new DirectionThrottle(params.read_iops, params.read_mbps, params);
    this.write = new DirectionThrottle(params.write_iops, params.write_mbps, params);
  }

  attach(host: DriverHost): void {
    this.host = host;
  }

  queueRq(rq: Request): void {
    const now = this.sim.now;
    let admit = now;
    let latency = this.params.write_latency_ns;
    if (rq.op === 'read') {
      admit = this.read.admit(now, rq.bytes);
      latency = this.params.read_latency_ns;
    } else if (rq.op === 'write') {
      admit = this.write.admit(now, rq.bytes);
    } else if (rq.op !== 'flush') {
      // discard / write-zeroes: an I/O against the write cap, no payload on the wire.
      admit = this.write.admit(now, 0);
    }
    // A flush takes no tokens: the backend acknowledges writes only once durable.
    if (admit > now) {
      this.throttled++;
      this.throttledNs += admit - now;
    }
    rq.onTimer = this.complete;
    this.sim.schedule(rq, Math.ceil(admit - now + latency));
  }

  deviceStats(): Record<string, number> {
    return { throttled_ios: this.throttled, throttled_ns: this.throttledNs };
  }
}
