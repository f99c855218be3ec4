// raid_ctr (dm-raid.c) for raid1: `<start> <len> raid raid1 <#raid_params> <chunk_size>
// [optional params] <#raid_devs> <meta_dev|-> <data_dev> ...`. #raid_params counts every
// word of the raid params, chunk_size included (`region_size 1024` counts two). For raid1
// chunk_size is ignored (the kernel says so), but must be 0 or a power of two. Errors name
// the table line and the field, as ti->error does.
import type { TableLine } from '../table.js';
import type { DmTarget, TargetArgs, TargetContext } from '../target-registry.js';
import { isNonRot } from './nonrot.js';
import { Raid1Target, type Raid1Leg } from './raid1-target.js';

/** Optional raid params dm-raid knows and whether they take a value. */
const KNOWN: Record<string, boolean> = {
  sync: false,
  nosync: false,
  rebuild: true,
  daemon_sleep: true,
  min_recovery_rate: true,
  max_recovery_rate: true,
  write_mostly: true,
  max_write_behind: true,
  stripe_cache: true,
  region_size: true,
  raid10_copies: true,
  raid10_format: true,
  data_offset: true,
  delta_disks: true,
  journal_dev: true,
  journal_mode: true,
};

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

export function raidCtr(ctx: TargetContext, line: TableLine, args: TargetArgs): DmTarget {
  const type = args.word(0, 'raid_type');
  if (type !== 'raid1') throw args.error(`<raid_type> '${type}' is not modelled (only raid1)`, 'raid_type');
  const nParams = args.integer(1, '#raid_params', 1);
  const chunk = args.integer(2, 'chunk_size');
  if (chunk !== 0 && !isPow2(chunk)) throw args.error(`<chunk_size> must be 0 or a power of two (sectors), got ${chunk}`, 'chunk_size');
  let regionSize = 0;
  const writeMostly = new Set<number>();
  const writeMostlyAt: number[] = [];
  let i = 3;
  const end = 2 + nParams;
  while (i < end) {
    const key = args.word(i, 'raid_params');
    if (!Object.hasOwn(KNOWN, key)) throw args.error(`unknown raid parameter '${key}' (known: ${Object.keys(KNOWN).join(', ')})`, key);
    if (!KNOWN[key]) {
      i++;
      continue;
    }
    if (i + 1 >= end) throw args.error(`raid parameter '${key}' needs a value within the ${nParams} words of <#raid_params>`, key);
    if (key === 'region_size') {
      regionSize = args.integer(i + 1, 'region_size', 1);
      if (!isPow2(regionSize)) throw args.error(`region_size must be a power of two (sectors), got ${regionSize}`, 'region_size');
    } else if (key === 'write_mostly') {
      writeMostly.add(args.integer(i + 1, 'write_mostly'));
      writeMostlyAt.push(i + 1);
    } else if (['raid10_copies', 'raid10_format', 'delta_disks', 'journal_dev', 'journal_mode', 'stripe_cache', 'data_offset'].includes(key)) {
      throw args.error(`raid parameter '${key}' does not apply to the modelled raid1`, key);
    } else {
      args.word(i + 1, key); // accepted, not modelled (rebuild, recovery rates, write-behind)
    }
    i += 2;
  }
  const nDevs = args.integer(end, '#raid_devs');
  if (nDevs < 2) throw args.error(`raid1 needs at least 2 legs in <#raid_devs>, got ${nDevs}`, '#raid_devs');
  if (args.count !== end + 1 + 2 * nDevs) {
    throw args.error(`<#raid_devs> ${nDevs} needs ${2 * nDevs} device words (<meta_dev|-> <data_dev> per leg), got ${args.count - end - 1}`, '#raid_devs');
  }
  for (const idx of writeMostly) {
    if (idx >= nDevs) throw args.error(`write_mostly ${idx}: no such leg (legs 0..${nDevs - 1})`, 'write_mostly');
  }
  if (writeMostly.size >= nDevs) throw args.error('write_mostly on every leg: no leg left to read from', 'write_mostly');
  const legs: Raid1Leg[] = [];
  for (let k = 0; k < nDevs; k++) {
    const metaWord = args.word(end + 1 + 2 * k, `meta_dev ${k}`);
    const meta = metaWord === '-' ? null : args.device(end + 1 + 2 * k, `meta_dev ${k}`);
    if (args.word(end + 2 + 2 * k, `data_dev ${k}`) === '-') throw args.error(`leg ${k}: a missing data device is not modelled`, `data_dev ${k}`);
    const data = args.device(end + 2 + 2 * k, `data_dev ${k}`);
    if (data.sizeSectors < line.length) {
      throw args.error(`leg ${k}: device ${data.name} has ${data.sizeSectors} sectors, too small for ${line.length}`, `data_dev ${k}`);
    }
    legs.push({ meta, data, nonrot: isNonRot(data), writeMostly: writeMostly.has(k) });
  }
  return new Raid1Target(ctx.sim, line.start, line.length, legs, regionSize);
}
