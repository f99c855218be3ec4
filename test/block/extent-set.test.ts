import { expect } from 'chai';
import { ExtentSet } from '../../kernel-lib/block/extent-set.js';

describe('block/extent-set', () => {
  it('agrees with a plain set under random adds, removes and takes', () => {
    const e = new ExtentSet();
    const ref = new Set<number>();
    let seed = 7;
    const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 5000; k++) {
      const s = Math.floor(r() * 300);
      const n = 1 + Math.floor(r() * 20);
      const op = r();
      if (op < 0.5) {
        let added = 0;
        for (let p = s; p < s + n; p++) if (!ref.has(p)) (ref.add(p), added++);
        expect(e.add(s, s + n)).to.equal(added);
      } else if (op < 0.8) {
        let removed = 0;
        for (let p = s; p < s + n; p++) if (ref.delete(p)) removed++;
        expect(e.remove(s, s + n)).to.equal(removed);
      } else {
        const t = e.takeFrom(s, n);
        if (t !== null) for (let p = t[0]; p < t[1]; p++) expect(ref.delete(p)).to.equal(true);
      }
      expect(e.size).to.equal(ref.size);
    }
  });

  it('keeps a sequential stream as one run and takes it in order from the cursor', () => {
    const e = new ExtentSet();
    for (let i = 0; i < 1000; i++) e.add(i * 256, (i + 1) * 256);
    expect(e.runs).to.equal(1);
    expect(e.takeFrom(1000, 128)).to.deep.equal([1000, 1128]);
    expect(e.takeFrom(1128, 1e9)).to.deep.equal([1128, 256000]);
    expect(e.takeFrom(256000, 10)).to.deep.equal([0, 10]); // wraps
  });
});
