import { expect } from 'chai';
import { HddGeometry } from '../../../kernel-lib/block/devices/hdd-geometry.js';
import { P } from './hdd-profile.js';

describe('block/devices/hdd-geometry (zoned recording)', () => {
  const g = new HddGeometry(P);

  it('zones cover the capacity exactly, outer to inner', () => {
    expect(g.zones[0].firstLba).to.equal(0);
    expect(g.zones[g.zones.length - 1].endLba).to.equal(g.sizeSectors);
    for (let z = 1; z < g.zones.length; z++) {
      expect(g.zones[z].firstLba).to.equal(g.zones[z - 1].endLba);
      expect(g.zones[z].spt).to.be.below(g.zones[z - 1].spt);
    }
  });

  it('the outer zone holds one turn of data at outer_mbps per track', () => {
    // 78 MB/s x 8.333 ms = 650 kB = 1270 sectors per track.
    expect(g.zones[0].spt).to.equal(Math.round((78e6 * (60 / 7200)) / 512));
    const loc = g.locate(g.zones[0].spt * P.heads + 5);
    expect(loc).to.include({ zone: 0, cyl: 1, head: 0, sector: 5 });
  });

  it('a sequential transfer pays whole turns plus switches, no rotational loss', () => {
    const spt = g.zones[0].spt;
    expect(g.transferNs(0, spt)).to.be.closeTo(g.rotationNs, 1e-6);
    expect(g.transferNs(0, 2 * spt)).to.be.closeTo(2 * g.rotationNs + P.head_switch_ns, 1e-6);
    // The next track's first sector is skewed by exactly the switch time.
    const a0 = g.angleOf(g.locate(0));
    const a1 = g.angleOf(g.locate(spt));
    expect((a1 - a0 + 1) % 1).to.be.closeTo(P.head_switch_ns / g.rotationNs, 1e-9);
  });
});
