// The transient store (dm-snap-transient.c, `N`): COW chunks handed out from the start of the
// COW device in order, nothing on disk, and a commit that calls back at once.
import type { BlockDevice } from '../../block/device.js';
import type { Thread } from '../../sim/cpu.js';
import type { ProcessGenerator } from '../../sim/index.js';
import type { ExceptionStore } from './exception-store.js';
import type { PendingException } from './pending-exception.js';

export class TransientStore implements ExceptionStore {
  readonly kind = 'N' as const;
  readonly valid = true;
  /** Next free sector (tc->next_free). */
  private nextFree = 0;
  private commits = 0;

  constructor(
    readonly cow: BlockDevice,
    readonly chunkSectors: number,
  ) {}

  prepareException(pe: PendingException): boolean {
    if (this.cow.sizeSectors < this.nextFree + this.chunkSectors) return false;
    pe.newChunk = this.nextFree / this.chunkSectors;
    this.nextFree += this.chunkSectors;
    return true;
  }

  commitException(pe: PendingException, valid: boolean, worker: Thread): ProcessGenerator<void> {
    this.commits++;
    return pe.commitDone(valid, worker);
  }

  usage() {
    return { allocatedSectors: this.nextFree, totalSectors: this.cow.sizeSectors, metadataSectors: 0 };
  }

  stats(): Record<string, number> {
    return { commits: this.commits };
  }
}
