import { expect } from 'chai';
import { Bio } from '../../kernel-lib/block/bio.js';
import { createElevator } from '../../kernel-lib/block/elevator-get.js';
import { parseBlockOptions } from '../../kernel-lib/block/options.js';
import { Request } from '../../kernel-lib/block/request.js';

describe('block/elevator', () => {
  it('creates the scheduler a name asks for; blk-mq\'s "none" has no elevator', () => {
    const o = parseBlockOptions({});
    for (const name of ['noop', 'deadline', 'mq-deadline', 'cfq'] as const) expect(createElevator(name, o).name).to.equal(name);
    expect(() => createElevator('none', o)).to.throw(/no elevator object/);
  });

  it('every scheduler hands back each request it was given, once', () => {
    const o = parseBlockOptions({});
    for (const name of ['noop', 'deadline', 'cfq'] as const) {
      const e = createElevator(name, o);
      const sectors = [5000, 1000, 3000, 2000];
      for (const s of sectors) e.add(new Request(new Bio('write', s, 8), 0, 65536), 0);
      expect(e.count, name).to.equal(4);
      const out: number[] = [];
      for (let rq = e.dispatch(0); rq !== null; rq = e.dispatch(0)) out.push(rq.sector);
      expect(out.sort((a, b) => a - b), name).to.deep.equal([...sectors].sort((a, b) => a - b));
      expect(e.count, name).to.equal(0);
    }
  });
});
