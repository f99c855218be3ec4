// What a metadata block holds, as an object instead of 4096 bytes: btree nodes, space-map
// bitmap and index blocks, array blocks, a target's superblock. Every kind copies itself:
// dm-bufio copies a buffer when its write is submitted and when a read completes, and the
// transaction manager copies a whole block when it shadows one (the kernel's 4 KiB memcpy).
export interface BlockData {
  readonly kind: string;
  clone(): BlockData;
}

/** The copy function bufio is given for a persistent-data client. */
export function cloneBlock(d: BlockData): BlockData {
  return d.clone();
}

/** A block whose content the model does not need (space-map bitmaps: counts live in memory). */
export class OpaqueBlock implements BlockData {
  constructor(readonly kind: string) {}
  clone(): OpaqueBlock {
    return new OpaqueBlock(this.kind);
  }
}

/** Errors of the persistent-data library, with the errno the kernel returns. */
export class PdataError extends Error {
  constructor(
    readonly errno: 'ENOSPC' | 'ENODATA' | 'EINVAL' | 'EIO' | 'ENOMEM',
    message: string,
  ) {
    super(`${errno}: ${message}`);
    this.name = 'PdataError';
  }
}

/**
 * A space-map bitmap block: the reference counts of its range as they were at the space
 * map's last commit (the kernel keeps 2 bits per entry and counts above 2 in a btree; here a
 * byte, 255 standing for "255 or more"). What a re-open after a power cut reads.
 */
export class BitmapBlock implements BlockData {
  readonly kind = 'bitmap';
  /** null: every count 0 (a fresh bitmap; a large device has tens of thousands). */
  constructor(public counts: Uint8Array | null) {}
  clone(): BitmapBlock {
    return new BitmapBlock(this.counts === null ? null : this.counts.slice());
  }
}
