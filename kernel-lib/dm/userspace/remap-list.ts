// The remap store before the hash table (userspace.remapCache: list). The May 2006 mail only
// says the storage "changed to a hash table"; the earlier structure is not described [R].
// Modelled as the simplest store of the kernel's idiom: one list_head per device, remaps
// appended at the tail and found by walking from the head, so a lookup looks at every remap
// before the one it finds (all of them on a miss).
import type { DmuMap } from './remap.js';
import { walk, type RemapStore } from './remap-store.js';

export class RemapList implements RemapStore {
  private readonly list: DmuMap[] = [];
  visits = 0;

  get count(): number {
    return this.list.length;
  }

  find(block: number): DmuMap | null {
    return walk(this.list, block, this);
  }


  insert(map: DmuMap): number {
    this.list.push(map);
    return 0;
  }

  delete(map: DmuMap): void {
    const i = this.list.indexOf(map);
    if (i >= 0) this.list.splice(i, 1);
  }
}
