// `dmsim run --trace FILE`: what the simulated physical devices saw, as blkparse would print
// it (docs/references.md#traces), one line per event, sorted by time:
//     8,0    1        1     0.000012345  1000  Q  WS 274432 + 8 [fio]
// Q when a bio reaches the device's queue, M when it merged into a request already queued
// (seen as the queue's merge counter moving during its submission: the request queue has no
// trace hook), D when the device started it (bio.tIssue), C when it completed ([0] or the
// error). Devices are numbered 8,0, 8,16, 8,32 ... in scenario order, as sd disks are.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REQ_FUA, REQ_META, REQ_PREFLUSH, REQ_RAHEAD, REQ_SYNC, type Bio } from '../block/bio.js';
import type { BlockDevice, DiskStats } from '../block/device.js';
import type { ProcessGenerator, Simulation } from '../sim/index.js';

/** Past this many events the trace stops growing (memory stays bounded) and says so. */
export const MAX_TRACE_EVENTS = 4_000_000;

interface TraceEvent {
  t: number;
  dev: number;
  action: 'Q' | 'M' | 'D' | 'C';
  bio: Bio;
}

export function rwbs(bio: Bio): string {
  let s = bio.hasFlag(REQ_PREFLUSH) || bio.op === 'flush' ? 'F' : '';
  s += bio.op === 'read' ? 'R' : bio.op === 'write' || bio.op === 'write-zeroes' ? 'W' : bio.op === 'discard' ? 'D' : 'N';
  if (bio.hasFlag(REQ_FUA)) s += 'F';
  if (bio.hasFlag(REQ_RAHEAD)) s += 'A';
  if (bio.hasFlag(REQ_SYNC)) s += 'S';
  if (bio.hasFlag(REQ_META)) s += 'M';
  return s;
}

export class BlockTrace {
  private readonly events: TraceEvent[] = [];
  private readonly names: string[] = [];
  truncated = false;

  constructor(private readonly sim: Simulation) {}

  /** Wraps a physical device so that its bios are traced. */
  wrap(dev: BlockDevice): BlockDevice {
    const index = this.names.length;
    this.names.push(dev.name);
    return new TracedDevice(this, dev, index);
  }

  /** @internal */
  _record(action: 'Q' | 'M' | 'D' | 'C', dev: number, bio: Bio, t: number): void {
    if (this.events.length >= MAX_TRACE_EVENTS) {
      this.truncated = true;
      return;
    }
    this.events.push({ t, dev, action, bio });
  }

  get now(): number {
    return this.sim.now;
  }

  /** blkparse text of every event, in time order (Q, M, D, C at equal times). */
  text(): string {
    const order = { Q: 0, M: 1, D: 2, C: 3 };
    const sorted = this.events.slice().sort((a, b) => a.t - b.t || order[a.action] - order[b.action]);
    const seq = new Array(this.names.length).fill(0);
    const lines = sorted.map((e) => {
      const b = e.bio;
      const secs = Math.floor(e.t / 1e9);
      const nsec = Math.floor(e.t - secs * 1e9);
      const proc = b.thread ? b.thread.name.split(/[/.]/)[0] : 'kernel';
      const pid = b.thread ? 1000 + b.thread.id : 0;
      const tail = e.action === 'C' ? `[${b.status === null ? 0 : b.status}]` : `[${proc}]`;
      return (
        `${String(8).padStart(3)},${String(e.dev * 16).padEnd(3)} ${String(b.cpu).padStart(2)} ${String(++seq[e.dev]).padStart(8)} ` +
        `${String(secs).padStart(5)}.${String(nsec).padStart(9, '0')} ${String(pid).padStart(5)}  ${e.action} ${rwbs(b).padStart(3)} ` +
        `${b.sector} + ${b.sectors} ${tail}`
      );
    });
    return lines.join('\n') + (lines.length ? '\n' : '');
  }

  /** Writes the trace to a temporary file beside `file`, then renames it into place. */
  writeTo(file: string): void {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, this.text());
    fs.renameSync(tmp, file);
  }

  get eventCount(): number {
    return this.events.length;
  }
}

/** A physical device seen through the tracer: Q (and M) at submission, D and C at completion. */
class TracedDevice implements BlockDevice {
  readonly name: string;
  readonly sizeSectors: number;
  readonly logicalBlockSize: number;

  constructor(
    private readonly trace: BlockTrace,
    readonly inner: BlockDevice,
    private readonly index: number,
  ) {
    this.name = inner.name;
    this.sizeSectors = inner.sizeSectors;
    this.logicalBlockSize = inner.logicalBlockSize;
  }

  *submit(bio: Bio): ProcessGenerator<void> {
    const trace = this.trace;
    const index = this.index;
    trace._record('Q', index, bio, trace.now);
    const owner = bio.endIo;
    bio.endIo = (b) => {
      trace._record('D', index, b, b.tIssue === b.tIssue ? b.tIssue : b.tQueue);
      trace._record('C', index, b, trace.now);
      if (owner !== null) owner(b);
    };
    const before = this.merges();
    yield* this.inner.submit(bio);
    if (this.merges() > before) trace._record('M', index, bio, trace.now);
  }

  private merges(): number {
    const s = this.inner.diskStats();
    return s === null ? 0 : s.readMerges + s.writeMerges;
  }

  diskStats(): DiskStats | null {
    return this.inner.diskStats();
  }
}
