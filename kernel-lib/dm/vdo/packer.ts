// The packer (packer.c), on the packer thread: compressed fragments wait in bins
// (DEFAULT_PACKER_BINS); a fragment goes to the fullest bin it fits in, and when none has room
// the fullest bin is written out to make one. A bin is written when its 14 slots are used (or
// no further fragment could fit), and every bin when a flush arrives. A written bin is one
// compressed block at the first fragment's allocation; the other fragments give theirs back.
// A bin holding one fragment is not worth compressing: that data_vio writes its data whole.
import { DEFAULT_PACKER_BINS, VDO_COMPRESSED_BLOCK_DATA_SIZE, VDO_MAX_COMPRESSION_SLOTS } from './constants.js';
import type { DataVio } from './data-vio.js';

/** The smallest fragment LZ4 leaves of a block (its framing) [R]. */
const MINIMUM_FRAGMENT = 64;

export class PackerBin {
  readonly fragments: DataVio[] = [];
  free = VDO_COMPRESSED_BLOCK_DATA_SIZE;
}

export class Packer {
  readonly bins: PackerBin[] = Array.from({ length: DEFAULT_PACKER_BINS }, () => new PackerBin());
  compressedBlocksWritten = 0;
  compressedFragmentsWritten = 0;
  fragmentsInPacker = 0;

  /** vdo_attempt_packing: adds the fragment; returns the bins to write now (empty list: it waits). */
  add(dv: DataVio): PackerBin[] {
    const size = Math.max(MINIMUM_FRAGMENT, dv.compressedSize);
    let best: PackerBin | null = null;
    for (const b of this.bins) if (b.free >= size && (best === null || b.free < best.free)) best = b;
    const out: PackerBin[] = [];
    if (best === null) {
      let fullest = this.bins[0];
      for (const b of this.bins) if (b.free < fullest.free) fullest = b;
      out.push(this.take(fullest));
      best = fullest;
    }
    best.fragments.push(dv);
    best.free -= size;
    this.fragmentsInPacker++;
    if (best.fragments.length >= VDO_MAX_COMPRESSION_SLOTS || best.free < MINIMUM_FRAGMENT) out.push(this.take(best));
    return out;
  }

  /** vdo_flush_packer: every non-empty bin. */
  flush(): PackerBin[] {
    const out: PackerBin[] = [];
    for (const b of this.bins) if (b.fragments.length > 0) out.push(this.take(b));
    return out;
  }

  /** Empties a bin into a new one holding its fragments (the write in flight keeps them). */
  private take(b: PackerBin): PackerBin {
    const w = new PackerBin();
    for (const f of b.fragments) w.fragments.push(f);
    w.free = b.free;
    this.fragmentsInPacker -= b.fragments.length;
    b.fragments.length = 0;
    b.free = VDO_COMPRESSED_BLOCK_DATA_SIZE;
    return w;
  }
}
