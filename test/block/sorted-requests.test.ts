import { expect } from 'chai';
import type { Request } from '../../kernel-lib/block/request.js';
import { RequestList, SortedRequests } from '../../kernel-lib/block/sorted-requests.js';

describe('block/sorted-requests', () => {
  let seed = 11;
  const r = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  const rq = (sector: number): Request => ({ sector }) as Request;

  it('RequestList agrees with a plain array under inserts and removes at both ends and in the middle', () => {
    for (const nearFront of [false, true]) {
      const l = new RequestList();
      const ref: Request[] = [];
      for (let k = 0; k < 3000; k++) {
        const op = r(10);
        if (op < 4 || ref.length === 0) {
          const i = r(ref.length + 1);
          const x = rq(k);
          l.insertAt(i, x);
          ref.splice(i, 0, x);
        } else if (op < 6) {
          const x = rq(k);
          l.push(x);
          ref.push(x);
        } else {
          const i = nearFront ? r(Math.min(3, ref.length)) : r(ref.length);
          l.remove(ref[i]);
          ref.splice(i, 1);
        }
        expect(l.length).to.equal(ref.length);
        let same = true;
        for (let i = 0; i < ref.length; i++) same &&= l.at(i) === ref[i];
        expect(same, `after step ${k}`).to.equal(true);
      }
    }
  });

  it('SortedRequests keeps sector order, equal sectors in arrival order', () => {
    const s = new SortedRequests();
    const ref: Request[] = [];
    for (let k = 0; k < 3000; k++) {
      if (r(3) < 2 || ref.length === 0) {
        const x = rq(r(100));
        s.insert(x);
        let j = 0;
        while (j < ref.length && ref[j].sector <= x.sector) j++;
        ref.splice(j, 0, x);
      } else {
        const i = r(2) === 0 ? 0 : r(ref.length);
        s.remove(ref[i]);
        ref.splice(i, 1);
      }
      expect(s.length).to.equal(ref.length);
      expect(s.first()).to.equal(ref[0] ?? null);
      const at = r(100);
      expect(s.atOrAfter(at)).to.equal(ref.find((x) => x.sector >= at) ?? null);
      if (ref.length > 1) expect(s.after(ref[0])).to.equal(ref[1]);
    }
  });

  it('finds a request whose sector changed since it was inserted (a front merge)', () => {
    const s = new SortedRequests();
    const a = rq(10);
    const b = rq(20);
    const c = rq(30);
    for (const x of [a, b, c]) s.insert(x);
    b.sector = 12;
    s.remove(b);
    expect(s.length).to.equal(2);
    expect(s.atOrAfter(11)).to.equal(c);
  });
});
