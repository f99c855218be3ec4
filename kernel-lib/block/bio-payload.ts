// What a write carries, for the models that look at data (dm-dedup, VDO): the simulated bio
// has no data pages, so its content is described instead, per 4 KiB block. The workloads
// describe it (fio's dedupe_percentage, buffer_compress_percentage, buffer_pattern,
// zero_buffers, refill_buffers/scramble_buffers; dd's if=/dev/zero), the block layer and dm
// core carry it onto clones and split pieces with the right block offset (the kernel's clones
// share the parent's bio_vec: same pages, same bytes), and a target reads a block's
// fingerprint with blockFingerprint(). A bio without a payload holds unique, incompressible
// data that no other bio holds.
import type { Bio, BioPayload } from './bio.js';

/** The unit content is described in: a 4 KiB block. */
export const CONTENT_BLOCK_SECTORS = 8;

export type { BioPayload } from './bio.js';

/** A buffer of zeros (dd if=/dev/zero, fio zero_buffers): one block repeated, fully compressible. */
export const ZERO_PAYLOAD: BioPayload = Object.freeze({ fingerprint: 0, blocks: 'same', compressPercentage: 100 });

/** Gives `bio` its content: `payload` from its block `firstBlock` on. */
export function setBioPayload(bio: Bio, payload: BioPayload, firstBlock = 0): void {
  bio.payload = payload;
  bio.payloadBlock = firstBlock;
}

export function bioPayload(bio: Bio): BioPayload | null {
  return bio.payload;
}

/**
 * Gives a clone (or a split piece) its parent's content: the piece that starts
 * `offsetSectors` into the parent starts that many blocks into the parent's payload.
 */
export function inheritBioPayload(clone: Bio, parent: Bio, offsetSectors = 0): void {
  const p = parent.payload;
  if (p === null) return;
  clone.payload = p;
  clone.payloadBlock = parent.payloadBlock + Math.floor(offsetSectors / CONTENT_BLOCK_SECTORS);
}

/** The fingerprint of the bio's i-th 4 KiB block, or null for unique data (no payload). */
export function blockFingerprint(bio: Bio, i: number): number | null {
  const p = bio.payload;
  if (p === null) return null;
  return payloadFingerprint(p, bio.payloadBlock + i);
}

/** The fingerprint of block `block` of a payload (a block past a listed payload's end: unique, null). */
export function payloadFingerprint(p: BioPayload, block: number): number | null {
  if (p.blocks === 'same') return p.fingerprint;
  if (p.blocks === 'distinct') return p.fingerprint + block;
  return p.fingerprints?.[block] ?? null;
}

/** How much of the bio's content compresses away (percent); 0 for unique data. */
export function bioCompressPercentage(bio: Bio): number {
  return bio.payload === null ? 0 : bio.payload.compressPercentage;
}
