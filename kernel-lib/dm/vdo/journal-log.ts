// Every recovery-journal entry made in the run, for the power-cut check (recover.ts): its
// entry and block numbers, the LBN, the new and old mappings, the content written, and whether
// it maps a block-map tree page. Kept column by column in typed arrays (a million entries per
// simulated second at 1 GB/s: as objects they would be a million small objects for the
// collector to trace and copy); read back as objects only when a cut is checked.
export interface JournalLogEntry {
  entry: number;
  block: number;
  lbn: number;
  newPbn: number;
  newState: number;
  mappedPbn: number;
  fingerprint: number;
  treePage: boolean;
}

const COLUMNS = 8;

export class JournalLog {
  /** Entries in order, COLUMNS numbers each. */
  private data = new Float64Array(COLUMNS * 1024);
  length = 0;

  push(entry: number, block: number, lbn: number, newPbn: number, newState: number, mappedPbn: number, fingerprint: number, treePage: boolean): void {
    let d = this.data;
    const at = this.length * COLUMNS;
    if (at + COLUMNS > d.length) {
      const bigger = new Float64Array(d.length * 2);
      bigger.set(d);
      this.data = d = bigger;
    }
    d[at] = entry;
    d[at + 1] = block;
    d[at + 2] = lbn;
    d[at + 3] = newPbn;
    d[at + 4] = newState;
    d[at + 5] = mappedPbn;
    d[at + 6] = fingerprint;
    d[at + 7] = treePage ? 1 : 0;
    this.length++;
  }

  at(i: number): JournalLogEntry {
    const d = this.data;
    const k = i * COLUMNS;
    return { entry: d[k], block: d[k + 1], lbn: d[k + 2], newPbn: d[k + 3], newState: d[k + 4], mappedPbn: d[k + 5], fingerprint: d[k + 6], treePage: d[k + 7] === 1 };
  }

  /** The entries in journal blocks up to `block`, in order. */
  upToBlock(block: number): JournalLogEntry[] {
    const out: JournalLogEntry[] = [];
    for (let i = 0; i < this.length; i++) {
      const e = this.at(i);
      if (e.block <= block) out.push(e);
    }
    return out;
  }
}
