// dm-clone after a power cut: what the next `dmsetup create` would find (dm_clone_metadata_open
// and __load_bitset_in_core on what reached the metadata device). The metadata is checked as
// thin_check would (persistent-data/checker.ts); then what it promises of the data: every
// region its on-disk bitset records as hydrated must hold, on the destination's media, data
// written there (a copy from the source or a user write), or the device would serve never
// written blocks as the region's content from then on. Regions hydrated by a discard hold no
// data by design and are exempt. What the cut lost: hydrations done in memory but not
// committed (they are simply hydrated again).
import { mediaOf } from '../../block/power-cut.js';
import { ArrayBlock } from '../persistent-data/array.js';
import { forEachSetBitOfWord } from '../persistent-data/bitset.js';
import { checkMetadata } from '../persistent-data/checker.js';
import type { PowerCutRecovery } from '../target-registry.js';
import type { Clone } from './clone.js';

const BITS_PER_WORD = 64;
/** 4 KiB content blocks, the power-cut model's unit. */
const CONTENT_SECTORS = 8;

/** The regions the on-disk bitset records as hydrated, from the durable view; null with a problem. */
function durableHydrated(c: Clone, problems: string[]): { regions: number[]; generation: number } {
  const view = c.cmd.pm.bufio.media.durableView();
  const check = checkMetadata(view);
  problems.push(...check.problems);
  const regions: number[] = [];
  if (!check.ok) return { regions, generation: check.generation };
  const perBlock = c.cmd.bitset.array.entriesPerBlock;
  for (const [index, loc] of check.trees.bitset ?? new Map<number, unknown>()) {
    const blk = view.peek(loc as number);
    if (!(blk instanceof ArrayBlock)) {
      problems.push(`bitset array block ${index} (block ${loc}) is not on the media`);
      continue;
    }
    blk.values.forEach((w, i) => {
      const [lo, hi] = w as [number, number];
      forEachSetBitOfWord(lo, hi, (index * perBlock + i) * BITS_PER_WORD, c.nrRegions, (region) => regions.push(region));
    });
  }
  return { regions, generation: check.generation };
}

export function recoverClone(c: Clone): PowerCutRecovery {
  const problems: string[] = [];
  const { regions, generation } = durableHydrated(c, problems);
  const dest = mediaOf(c.dest);
  let missing = 0;
  const examples: string[] = [];
  if (dest !== null) {
    for (const r of regions) {
      if (c.discardedRegions.has(r)) continue;
      const start = r * c.regionSize;
      const end = Math.min(start + c.regionSize, c.lengthSectors);
      for (let s = start; s < end; s += CONTENT_SECTORS) {
        if (dest.cache.durableToken(dest.offsetSectors + s) === undefined) {
          missing++;
          if (examples.length < 3) examples.push(`region ${r} (sector ${s} never written on the media)`);
          break;
        }
      }
    }
  }
  if (missing > 0) problems.push(`${missing} of ${regions.length} regions recorded as hydrated hold data that never reached the destination's media: ${examples.join('; ')}`);
  const consistent = problems.length === 0;
  const lostHydrations = Math.max(0, c.cmd.nrHydrated - regions.length);
  return {
    consistent,
    problems,
    lost: { commits: c.cmd.pm.generation - Math.max(generation, 0), hydrations: lostHydrations },
    recovered: { generation, hydratedRegions: regions.length, totalRegions: c.nrRegions },
    summary: consistent
      ? `clone: metadata generation ${generation} consistent, ${regions.length}/${c.nrRegions} regions hydrated on the media (${lostHydrations} hydrations not committed, to be done again)`
      : `clone: ${problems.length} problem(s) after the cut: ${problems[0]}`,
  };
}
