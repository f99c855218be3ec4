// The deduplication index (UDS, drivers/md/dm-vdo/indexer/) as VDO uses it: a hash zone's
// agent posts the block's record name with its own allocation as advice (UDS_POST: answer the
// advice stored for the name if there is one, else store the new one) and later updates the
// advice when it changed (UDS_UPDATE). Requests run on the index's own threads, the same in
// all three thread designs. Modelled as an in-memory map from fingerprint to advice whose
// lookup costs `udsNs` of CPU; the default index (256 MB, dense) covers a 256 GB window
// [D vdo.rst], larger than anything these scenarios write, so nothing ages out [R].
import { NumberMap } from '../../sim/number-map.js';

export class UdsIndex {
  /** Record name (the block's fingerprint) -> advice (pbn * 16 + mapping state). */
  readonly records = new NumberMap<number>(1 << 16);
  posts = 0;
  hits = 0;
  updates = 0;

  /** UDS_POST: the stored advice (0: none; the new advice is stored then). */
  post(name: number, advice: number): number {
    this.posts++;
    const old = this.records.get(name);
    if (old !== undefined) {
      this.hits++;
      return old;
    }
    if (advice !== 0) this.records.set(name, advice);
    return 0;
  }

  update(name: number, advice: number): void {
    this.updates++;
    this.records.set(name, advice);
  }
}
