// What a write carries, for the models that look at data (dm-dedup, VDO): the block layer's
// bio has no data pages in the simulation, so the content is described instead. fio's
// `dedupe_percentage` and `buffer_compress_percentage` set it on every write it issues; dm
// core copies it onto clones. A bio without a payload holds unique, incompressible data.
//
// Kept in a WeakMap beside the bio (rather than on `bio.private`, which belongs to the bio's
// owner) so that it costs nothing for the models that never look.
import type { Bio } from './bio.js';

export interface BioPayload {
  /**
   * Identity of the buffer's content: two writes with the same fingerprint carry the same
   * bytes. Per-block fingerprints of a multi-block bio are derived by the model from this one
   * and the block's index in the bio.
   */
  fingerprint: number;
  /** Percentage (0-100) of the buffer that compresses away (fio's buffer_compress_percentage). */
  compressPercentage: number;
}

const payloads = new WeakMap<Bio, BioPayload>();

export function setBioPayload(bio: Bio, payload: BioPayload): void {
  payloads.set(bio, payload);
}

export function bioPayload(bio: Bio): BioPayload | undefined {
  return payloads.get(bio);
}

/** Gives a clone (or a split piece) its parent's payload. */
export function inheritBioPayload(clone: Bio, parent: Bio): void {
  const p = payloads.get(parent);
  if (p !== undefined) payloads.set(clone, p);
}
