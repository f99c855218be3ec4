// struct dmu_map: one remap of an original block to a block of a target device, as the
// daemon answered it. Not VALID yet while its COPY_FIRST copy runs or its parked bios are
// being flushed; bios that arrive meanwhile wait on `bios`. `biosWaiting` holds completions
// of a SYNC remap until the daemon says SYNC_COMPLETE. `next` is a remap chained behind this
// one (it fires when this one becomes valid).
import type { Bio } from '../../block/bio.js';
import type { BlockDevice } from '../../block/device.js';
import { DMU_FLAG_INUSE } from './protocol.js';

export class DmuMap {
  orgBlock = 0;
  newBlock = 0;
  /** Sectors added to the remapped sector. */
  offset = 0;
  flags = 0;
  /** The id of the request it answered (sync_complete finds the remap by it). */
  id = 0;
  src: BlockDevice | null = null;
  dest: BlockDevice | null = null;
  bios: Bio[] = [];
  biosWaiting: Bio[] = [];
  /** The dmu_device that owns it (null for a free one on the MRU list). */
  owner: unknown = null;
  next: DmuMap | null = null;
  // The global MRU list (mru_list), doubly linked so a hit moves in O(1) as list_move does.
  mruPrev: DmuMap | null = null;
  mruNext: DmuMap | null = null;

  /** init_remap */
  init(owner: unknown): void {
    this.orgBlock = this.newBlock = this.offset = 0;
    this.flags = DMU_FLAG_INUSE;
    this.src = this.dest = null;
    this.bios = [];
    this.biosWaiting = [];
    this.owner = owner;
    this.next = null;
    this.id = 0;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }
}
