// Where a sector lives on a zoned-recording disk, and how long media transfers take.
//
// Layout: cylinders are split into `zones` bands of equal cylinder count; a track holds
// `spt` sectors, falling linearly from the outer zone (outer_mbps of media rate) to the
// inner one (inner_mbps). LBAs fill a cylinder surface by surface (head 0..heads-1), then
// move inward. Each track starts rotated ("skewed") by the time the head needs to get there
// from the previous track's end — a head switch within a cylinder, a track-to-track seek
// between cylinders — so a sequential stream crosses track boundaries without losing a turn.
//
// The platter's angle is a function of simulated time: angle(t) = frac(t / T + phase), a
// fraction of a revolution. A sector passes under the head at the angle
// frac(s / spt + skew(track)).

export interface GeometryParams {
  capacity_gb: number;
  rpm: number;
  /** Recording surfaces (heads). */
  heads: number;
  zones: number;
  /** Sustained media rate in the outermost / innermost zone, MB/s (10^6 B/s). */
  outer_mbps: number;
  inner_mbps: number;
  head_switch_ns: number;
  track_to_track_ns: number;
}

export interface Zone {
  firstLba: number;
  /** One past the last LBA. */
  endLba: number;
  firstCyl: number;
  cyls: number;
  spt: number;
}

export interface Location {
  zone: number;
  cyl: number;
  head: number;
  /** Sector index within the track. */
  sector: number;
  spt: number;
}

export class HddGeometry {
  /** One revolution, ns. */
  readonly rotationNs: number;
  readonly zones: Zone[];
  readonly cylinders: number;
  readonly sizeSectors: number;
  private readonly headSwitchFrac: number;
  private readonly cylSwitchFrac: number;

  constructor(readonly p: GeometryParams) {
    this.rotationNs = 60e9 / p.rpm;
    this.sizeSectors = Math.floor((p.capacity_gb * 1e9) / 512);
    this.headSwitchFrac = p.head_switch_ns / this.rotationNs;
    this.cylSwitchFrac = p.track_to_track_ns / this.rotationNs;
    // Sectors per track from the media rate: a track passes under the head once per turn.
    const sptOf = (mbps: number): number => Math.max(1, Math.round((mbps * 1e6 * this.rotationNs) / 1e9 / 512));
    const outer = sptOf(p.outer_mbps);
    const inner = sptOf(p.inner_mbps);
    const spts = Array.from({ length: p.zones }, (_, z) => Math.round(p.zones === 1 ? outer : outer - ((outer - inner) * z) / (p.zones - 1)));
    const perCylAllZones = spts.reduce((a, s) => a + s * p.heads, 0);
    const cylsPerZone = Math.ceil(this.sizeSectors / perCylAllZones);
    this.zones = [];
    let lba = 0;
    let cyl = 0;
    for (const spt of spts) {
      if (lba >= this.sizeSectors) break;
      const cyls = Math.min(cylsPerZone, Math.ceil((this.sizeSectors - lba) / (spt * p.heads)));
      const end = Math.min(this.sizeSectors, lba + cyls * spt * p.heads);
      this.zones.push({ firstLba: lba, endLba: end, firstCyl: cyl, cyls, spt });
      lba = end;
      cyl += cyls;
    }
    this.cylinders = cyl;
  }

  zoneIndexOf(lba: number): number {
    const zones = this.zones;
    let z = 0;
    while (z < zones.length - 1 && lba >= zones[z].endLba) z++;
    return z;
  }

  locate(lba: number): Location {
    const z = this.zoneIndexOf(lba);
    const zone = this.zones[z];
    const off = lba - zone.firstLba;
    const track = Math.floor(off / zone.spt);
    return {
      zone: z,
      cyl: zone.firstCyl + Math.floor(track / this.p.heads),
      head: track % this.p.heads,
      sector: off - track * zone.spt,
      spt: zone.spt,
    };
  }

  /** Angle (fraction of a turn) at which the sector begins to pass under the head. */
  angleOf(loc: Location): number {
    const switches = loc.cyl * (this.p.heads - 1) + loc.head;
    const skew = switches * this.headSwitchFrac + loc.cyl * this.cylSwitchFrac;
    const a = loc.sector / loc.spt + skew;
    return a - Math.floor(a);
  }

  /** Media time to transfer `sectors` from `lba` on: whole turns per track plus switches. */
  transferNs(lba: number, sectors: number): number {
    let ns = 0;
    let at = lba;
    let left = sectors;
    let loc = this.locate(at);
    for (;;) {
      const onTrack = Math.min(left, loc.spt - loc.sector);
      ns += (onTrack / loc.spt) * this.rotationNs;
      left -= onTrack;
      at += onTrack;
      if (left <= 0) return ns;
      const next = this.locate(at);
      ns += next.cyl !== loc.cyl ? this.p.track_to_track_ns : this.p.head_switch_ns;
      loc = next;
    }
  }

  /** Media rate of a zone including track and cylinder switches, bytes per second. */
  zoneRate(z: number): number {
    return 512 / this.nsPerSector(z) * 1e9;
  }

  /** Average ns per sector of a sequential stream in zone z (one cylinder's worth). */
  nsPerSector(z: number): number {
    const { heads, head_switch_ns, track_to_track_ns } = this.p;
    const spt = this.zones[z].spt;
    return (heads * this.rotationNs + (heads - 1) * head_switch_ns + track_to_track_ns) / (heads * spt);
  }
}
