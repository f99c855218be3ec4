// Replaying a block trace on a device, in one of two ways:
// - timed (open loop): each request is issued at its time in the trace, divided by `speed`,
//   whatever is still in flight, as btreplay does; if submission blocks (a full request
//   queue) the requests behind it wait, as they would behind a blocked submitter;
// - closed loop: the trace's order without its timing, keeping `iodepth` requests in flight.
// Requests past the end of the device wrap around it (modulo its size), so a trace taken on
// a larger disk still exercises the whole of a smaller one. Latencies are counted the fio
// way (one job named "replay": slat = time in submit, clat = submit to completion).
import { Bio, REQ_FUA, REQ_PREFLUSH, REQ_SYNC } from '../../block/bio.js';
import { setBioPayload } from '../../block/bio-payload.js';
import type { BlockDevice } from '../../block/device.js';
import { type CpuSet, type Thread, smpProcessorId } from '../../sim/cpu.js';
import type { ProcessGenerator, SimEvent, Simulation } from '../../sim/index.js';
import type { JobReport } from '../fio/fio.js';
import { defaultOptions } from '../fio/options.js';
import { JobStats } from '../fio/stats.js';
import type { TraceRecord } from './record.js';

export interface ReplayOptions {
  mode: 'timed' | 'closed';
  iodepth: number;
  speed: number;
}

const DDIR: Record<string, number> = { read: 0, write: 1, discard: 2 };

class Pending {
  tStart = 0;
  tSubmitted = NaN;
  constructor(
    readonly replay: TraceReplay,
    readonly ddir: number,
    readonly bytes: number,
  ) {}
}

function endIo(bio: Bio): void {
  const p = bio.private as Pending;
  p.replay._completed(p, bio);
}

export class TraceReplay {
  readonly stats = new JobStats();
  private readonly thread: Thread | null;
  private inFlight = 0;
  private waiter: SimEvent<unknown> | null = null;
  private startedAt = 0;
  private endedAt = 0;
  errors = 0;

  constructor(
    private readonly sim: Simulation,
    cpus: CpuSet | null,
    private readonly dev: BlockDevice,
    private readonly records: readonly TraceRecord[],
    private readonly options: ReplayOptions,
  ) {
    this.thread = cpus?.thread('replay') ?? null;
  }

  start(): SimEvent<unknown> {
    const self = this;
    const body = function* () {
      yield* self.run();
    };
    return this.thread ? this.thread.spawn(body) : this.sim.process(body, 'replay');
  }

  private *run(): ProcessGenerator<void> {
    const sim = this.sim;
    const o = this.options;
    this.startedAt = sim.now;
    this.stats.startSampling(sim.now);
    for (const r of this.records) {
      if (o.mode === 'timed') {
        const at = this.startedAt + r.timeNs / o.speed;
        if (at > sim.now) yield sim.timeout(at - sim.now);
      } else {
        while (this.inFlight >= o.iodepth) yield* this.waitCompletion();
      }
      yield* this.issue(r);
    }
    while (this.inFlight > 0) yield* this.waitCompletion();
    this.endedAt = sim.now;
    this.stats.runtimeNs = this.stats.totalRunNs = this.endedAt - this.startedAt;
    this.stats.flushSamples(sim.now);
  }

  /** Ctrl-C: the report covers the requests replayed so far. */
  interrupt(): void {
    if (this.endedAt > 0 || this.stats.runtimeNs > 0) return;
    this.endedAt = this.sim.now;
    this.stats.runtimeNs = this.stats.totalRunNs = this.endedAt - this.startedAt;
    this.stats.flushSamples(this.sim.now);
  }

  private *waitCompletion(): ProcessGenerator<void> {
    this.waiter = this.sim.event();
    yield this.waiter;
  }

  private *issue(r: TraceRecord): ProcessGenerator<void> {
    const size = this.dev.sizeSectors;
    const sectors = Math.min(r.sectors, size);
    const sector = r.op === 'flush' ? 0 : r.sector + sectors > size ? r.sector % (size - sectors + 1) : r.sector;
    const flags = (r.sync ? REQ_SYNC : 0) | (r.op === 'flush' || r.preflush === true ? REQ_PREFLUSH : 0) | (r.fua === true ? REQ_FUA : 0);
    const bio = new Bio(r.op, sector, r.op === 'flush' ? 0 : sectors, flags);
    const p = new Pending(this, DDIR[r.op] ?? -1, bio.bytes);
    p.tStart = this.sim.now;
    if (r.payload !== undefined) setBioPayload(bio, r.payload);
    bio.private = p;
    bio.endIo = endIo;
    bio.thread = this.thread;
    bio.cpu = smpProcessorId(this.thread);
    this.stats.markDepth(this.inFlight + 1);
    this.inFlight++;
    yield* this.dev.submit(bio);
    if (p.tSubmitted !== p.tSubmitted) p.tSubmitted = this.sim.now;
  }

  /** @internal */
  _completed(p: Pending, bio: Bio): void {
    const now = this.sim.now;
    if (p.tSubmitted !== p.tSubmitted) p.tSubmitted = now;
    if (bio.status !== null) this.errors++;
    this.inFlight--;
    if (p.ddir >= 0) this.stats.complete(now, p.ddir, p.bytes, p.tSubmitted - p.tStart, now - p.tSubmitted, now - p.tStart, true);
    else {
      this.stats.sync.record(now - p.tStart);
      this.stats.syncIos++;
    }
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w.succeed();
    }
  }

  /** The replay as one fio job entry. */
  report(): JobReport {
    const options = { ...defaultOptions('replay', 0), iodepth: this.options.iodepth };
    return { jobname: 'replay', groupid: 0, options, stats: this.stats, startedAt: this.startedAt, endedAt: this.endedAt, given: [] };
  }
}
