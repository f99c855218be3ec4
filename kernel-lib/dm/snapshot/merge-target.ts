// The `snapshot-merge` target (dm-snap.c merge_target_type): `0 <len> snapshot-merge <origin>
// <COW> <P|PO> <chunk size> [<#feature args> [<arg>]*]`, the snapshot's table with the type
// changed. It takes over the exceptions of a snapshot already on the COW device (handover;
// with none, the COW device is new and there is nothing to merge), presents the origin as it
// will be after the merge, and merges on resume (merge.ts). snapshot_merge_map: a chunk that
// still has its exception is read from and written to the COW device (writes tracked, so a
// batch waits for them); a write to a chunk of the batch being merged is held until the batch
// ends; any other I/O goes to the origin (writes through do_origin, which skips the merging
// snapshot). Discards complete at once ("Once merging, discards no longer effect change");
// a flush goes to both devices (num_flush_bios = 2). Status: snapshot_status's line.
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import type { ProcessGenerator, SimEvent } from '../../sim/index.js';
import type { TableLine } from '../table.js';
import type { DmTarget, TargetArgs, TargetContext, TargetHealth } from '../target-registry.js';
import { bioPair } from '../duplicate-bios.js';
import { SNAPSHOT_COSTS as C } from './costs.js';
import { Merge } from './merge.js';
import { doOrigin } from './origin.js';
import { PersistentStore } from './persistent-store.js';
import type { Snapshot } from './snapshot.js';
import { buildSnapshot } from './snapshot-target.js';

export class SnapshotMergeTarget implements DmTarget {
  readonly type = 'snapshot-merge';
  readonly devices: readonly BlockDevice[];
  readonly maxIoLen: number;
  /** The constructor's metadata I/O, then the merge's first batch started (snapshot_merge_resume). */
  readonly ready: SimEvent<unknown> | null;

  constructor(
    readonly begin: number,
    readonly snap: Snapshot,
    readonly merge: Merge,
  ) {
    this.devices = [snap.origin.dev, snap.cow];
    // snapshot_merge_resume: "snapshot-merge acts as an origin, so set ti->max_io_len" to the
    // origin's smallest chunk.
    this.maxIoLen = snap.origin.splitBoundary;
    const caller = snap.cpus.thread(`${snap.name}.resume`);
    const setup = snap.setup;
    this.ready = caller.spawn(function* () {
      if (setup !== null) yield setup;
      yield* merge.start(caller);
    });
  }

  *map(clone: Bio): ProcessGenerator<BlockDevice | null> {
    const s = this.snap;
    const m = this.merge;
    const offset = clone.sector - this.begin;
    const thread = clone.thread;
    if (clone.sectors === 0) {
      const [toOrigin, toCow] = bioPair(s.sim, clone);
      yield* s.origin.dev.submit(toOrigin);
      yield* s.cow.submit(toCow);
      return null;
    }
    if (clone.op === 'discard') {
      clone.endio(s.sim);
      return null;
    }
    const chunk = s.chunkOf(offset);
    const cs = s.chunkSectors;
    const lock = yield* s.locks.enter(thread, chunk, C.lookupNs);
    const newChunk = s.valid ? s.complete.lookup(chunk) : undefined;
    if (newChunk !== undefined) {
      if (clone.isWrite && m.isMerging(chunk)) {
        clone.sector = offset; // bio_set_dev(origin): it goes there when the batch is done
        m.queued.push(clone);
        m.counters.heldWrites++;
        s.locks.exit(lock);
        return null;
      }
      const sector = newChunk * cs + (offset - chunk * cs);
      if (!clone.isWrite) {
        s.locks.exit(lock);
        clone.sector = sector;
        return s.cow;
      }
      s.track(chunk);
      s.locks.exit(lock);
      yield* s.submitTracked(clone, chunk, s.cow, sector);
      return null;
    }
    // redirect_to_origin
    s.locks.exit(lock);
    clone.sector = offset;
    if (clone.isWrite && (yield* doOrigin(s.origin, clone, thread, true))) return null;
    return s.origin.dev;
  }

  status(): Record<string, unknown> {
    const st = this.snap.status();
    return { ...st, state: this.snap.mergeFailed ? 'Merge failed' : st.state, merge: { ...this.merge.counters, running: this.merge.running, finished_at_s: Number.isFinite(this.merge.finishedAt) ? this.merge.finishedAt / 1e9 : null } };
  }

  /** snapshot_status: `<sectors allocated>/<total sectors> <metadata sectors>` (equal figures: merged), `Merge failed` or `Invalid`. */
  statusLine(): string {
    return this.snap.status().dmsetup as string;
  }

  health(): TargetHealth {
    if (this.snap.mergeFailed) return { state: 'Merge failed', warning: `snapshot-merge ${this.snap.name}: an I/O error stopped the merge` };
    if (!this.snap.valid) return { state: 'Invalid', warning: `snapshot-merge ${this.snap.name}: the snapshot is invalid and cannot be merged; I/O goes to the origin` };
    return { state: 'ok' };
  }

  /** presuspend: stop_merge (the batch in flight completes). */
  *suspend(): ProcessGenerator<void> {
    this.merge.stop();
  }

  /** snapshot_merge_resume: start_merge again. */
  *resume(): ProcessGenerator<void> {
    // In the merge's own resume thread, as at creation: kcopyd takes the caller's CPU.
    const caller = this.snap.cpus.thread(`${this.snap.name}.resume`);
    const merge = this.merge;
    yield caller.spawn(function* () {
      yield* merge.start(caller);
    });
  }
}

export function snapshotMergeCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  const snap = buildSnapshot(ctx, line, args, true);
  if (!(snap.store instanceof PersistentStore)) throw args.error('Snapshot exception store does not support snapshot-merge (the snapshot it takes over is transient)', 'COW dev');
  snap.merging = true;
  return new SnapshotMergeTarget(line.start, snap, new Merge(snap, snap.store));
}
