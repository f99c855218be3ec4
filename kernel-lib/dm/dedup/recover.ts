// dm-dedup after a power cut: what the next `dmsetup create` would find. The cowbtree
// backend re-opens its metadata from what reached the metadata device (the superblock of the
// last commit whose flush completed, or an earlier one) and checks it as thin_check would
// (persistent-data/checker.ts); then what the metadata promises of the data: every LBN maps
// to a PBN that a live hash entry names, whose content reached the data device (the block
// there holds the fingerprint the hash entry records), and the data space map counts each
// PBN once for its hash entry and once per LBN (dmdedup's reference convention, backend.ts).
// The inram backend keeps nothing: every mapping is lost, and what is left (nothing) holds.
import { mediaOf } from '../../block/power-cut.js';
import { checkMetadata } from '../persistent-data/checker.js';
import type { PowerCutRecovery } from '../target-registry.js';
import { CowbtreeBackend } from './backend-cowbtree.js';
import type { BlockDevice } from '../../block/device.js';
import type { DedupBackend } from './backend.js';

/** What the check needs of the target (dedup-target.ts). */
export interface DedupState {
  readonly backend: DedupBackend;
  readonly dataDev: BlockDevice;
  readonly sectorsPerBlock: number;
  /** LBNs mapped before the cut. */
  readonly logicalBlockCounter: number;
}

/** The hash store's value (backend-cowbtree.ts): the digest's fingerprint and the PBN, or a tombstone. */
type HashValue = { fp: number; pbn: number } | string;

export function recoverDedup(t: DedupState): PowerCutRecovery {
  const mappedBefore = t.logicalBlockCounter;
  if (!(t.backend instanceof CowbtreeBackend)) {
    return {
      consistent: true,
      problems: [],
      lost: { mappings: mappedBefore, commits: 'all (the inram backend keeps its metadata in memory only)' },
      recovered: { mappings: 0 },
      summary: `inram backend: nothing persistent, all ${mappedBefore} LBN mappings lost; an empty device is left`,
    };
  }
  const md = t.backend.metadata;
  const check = checkMetadata(md.bufio.media.durableView());
  const problems = check.problems.slice();
  const lbns = check.trees.lbn_pbn ?? new Map<number, unknown>();
  const hashes = check.trees.hash_pbn ?? new Map<number, unknown>();
  let dataProblems = 0;
  let countProblems = 0;
  if (check.ok) {
    // PBN -> the fingerprint its live hash entry records.
    const content = new Map<number, number>();
    const expected = new Map<number, number>();
    for (const v of hashes.values()) {
      const h = v as HashValue;
      if (typeof h === 'string') continue;
      content.set(h.pbn, h.fp);
      expected.set(h.pbn, (expected.get(h.pbn) ?? 0) + 1);
    }
    const data = mediaOf(t.dataDev);
    const spb = t.sectorsPerBlock;
    const onMedia = (pbn: number) => (data === null ? undefined : data.cache.durableToken(data.offsetSectors + pbn * spb));
    const examples: string[] = [];
    for (const [lbn, v] of lbns) {
      const pbn = v as number;
      expected.set(pbn, (expected.get(pbn) ?? 0) + 1);
      const fp = content.get(pbn);
      let why = '';
      if (fp === undefined) why = 'no hash entry names it';
      else if (data !== null && onMedia(pbn) !== fp) why = onMedia(pbn) === undefined ? 'its data never reached the media' : 'the media holds other data there';
      if (why !== '') {
        dataProblems++;
        if (examples.length < 3) examples.push(`LBN ${lbn} -> PBN ${pbn}: ${why}`);
      }
    }
    if (dataProblems > 0) problems.push(`${dataProblems} of ${lbns.size} LBNs map to a PBN whose data is not on the data device (${examples.join('; ')})`);
    for (const [pbn, n] of expected) if (check.dataCount(pbn) !== Math.min(n, 255)) countProblems++;
    if (countProblems > 0) problems.push(`data space map: ${countProblems} PBNs counted otherwise than their hash entry and LBNs reference them`);
  }
  const consistent = problems.length === 0;
  const lostCommits = md.generation - Math.max(check.generation, 0);
  return {
    consistent,
    problems,
    lost: { commits: lostCommits, mappings: Math.max(0, mappedBefore - lbns.size) },
    recovered: { generation: check.generation, mappings: lbns.size, metadataNodes: check.nodes, leakedMetadataBlocks: check.leakedBlocks },
    summary: consistent
      ? `metadata consistent: generation ${check.generation} on the media (${md.generation} in memory, ${lostCommits} commit(s) lost), ${lbns.size} LBN mappings (${mappedBefore} before the cut), each on data that reached the media`
      : `metadata INCONSISTENT (generation ${check.generation} on the media, ${md.generation} in memory): ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
  };
}
