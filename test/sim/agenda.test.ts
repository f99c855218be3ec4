import { expect } from 'chai';
import { Agenda } from '../../kernel-lib/sim/agenda.js';

describe('sim/agenda', () => {
  it('pops in (time, insertion) order against a sorted reference, across growth', () => {
    const a = new Agenda();
    const ref: { t: number; seq: number }[] = [];
    let seq = 0;
    let x = 12345;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rand() * 50) + 1; // many ties
      const item = { t, seq: seq++, _fire() {} };
      ref.push(item);
      a.push(t, item);
    }
    ref.sort((p, q) => p.t - q.t || p.seq - q.seq);
    const out: unknown[] = [];
    for (let it = a.pop(); it !== undefined; it = a.pop()) out.push(it);
    expect(out).to.deep.equal(ref);
  });

  it('items scheduled for now run after items already due now, before later ones', () => {
    const a = new Agenda();
    const log: string[] = [];
    const mk = (n: string) => ({ _fire: () => log.push(n) });
    a.push(5, mk('due-at-5'));
    a.push(7, mk('at-7'));
    (a.pop() as { _fire(): void })._fire(); // now = 5
    a.pushNow(mk('now-1'));
    a.push(5, mk('now-2')); // same as pushNow
    for (let it = a.pop(); it !== undefined; it = a.pop()) (it as { _fire(): void })._fire();
    expect(log).to.deep.equal(['due-at-5', 'now-1', 'now-2', 'at-7']);
  });
});
