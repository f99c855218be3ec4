// The file-system layer's parameters, `fs.*` in a scenario, with their era defaults from
// `kernel` (what mount and mke2fs did by default in that era). Mount options given on a
// shell `mount -o` line override these for that mount.
import { InputError } from '../base/input-error.js';
import { eraValues, kernelVersionOf, type EraTable } from '../base/kernel-version.js';

export type DataMode = 'ordered' | 'writeback' | 'journal';

export interface FsParams {
  /** jbd's commit interval (JBD_DEFAULT_MAX_COMMIT_AGE, mount -o commit=), seconds. */
  commitIntervalS: number;
  /** ext3 barrier=: the commit block is written with a cache flush before and FUA. */
  barrier: boolean;
  /** ext3 data= mode. */
  data: DataMode;
  /** mke2fs -I: on-disk inode size (128 until e2fsprogs 1.40, 256 after). */
  inodeSize: number;
  /** mke2fs -i (mke2fs.conf inode_ratio): 8192 until e2fsprogs 1.40, 16384 after. */
  inodeRatio: number;
  /**
   * Where mke2fs puts the journal: `start` (e2fsprogs before 1.41: allocated from the first
   * free block, after group 0's tables) or `middle` (1.41+: get_midpoint_journal_block).
   */
  journalPlacement: 'start' | 'middle';
  /** ext2fs_default_journal_size's table: `1.39` (at most 32768 blocks) or `1.42` (64 MiB up to 16 GiB, then growing). */
  journalSizeTable: '1.39' | '1.42';
  /** CPU to map or allocate one block (ext2_get_block, bitmap search), ns. */
  getBlockNs: number;
  /** CPU of one system call on a file (open, create, unlink, lookup of one component), ns. */
  syscallNs: number;
}

/**
 * Era defaults [R]: ext3 barriers on by default from 2.6.28 (the page cache's fsync flush
 * follows the same step, block/kernel-presets.ts); e2fsprogs 1.40 (2007) moved to 256-byte
 * inodes and 16 KiB per inode, which a 2.6.21 system's mke2fs (1.39) did not have yet;
 * 1.41 (2008) put the journal in the middle of the file system, 1.42 (2011/12) changed the
 * journal size table. e2fsprogs versions are mapped to the kernels of their time.
 */
export const FS_ERAS: EraTable = {
  barrier: { oldest: false, steps: [{ since: '2.6.28', value: true }] },
  inodeSize: { oldest: 128, steps: [{ since: '2.6.24', value: 256 }] },
  inodeRatio: { oldest: 8192, steps: [{ since: '2.6.24', value: 16384 }] },
  journalPlacement: { oldest: 'start', steps: [{ since: '2.6.26', value: 'middle' }] },
  journalSizeTable: { oldest: '1.39', steps: [{ since: '3.2', value: '1.42' }] },
};

export const FS_DEFAULTS: Readonly<FsParams> = Object.freeze({
  commitIntervalS: 5,
  barrier: true,
  data: 'ordered',
  inodeSize: 256,
  inodeRatio: 16384,
  journalPlacement: 'middle',
  journalSizeTable: '1.42',
  getBlockNs: 300,
  syscallNs: 2000,
});

type Check = (v: unknown) => string | null;
const CHECKS: Record<keyof FsParams, Check> = {
  commitIntervalS: (v) => (typeof v === 'number' && v > 0 ? null : 'seconds > 0'),
  barrier: (v) => (typeof v === 'boolean' ? null : 'true or false'),
  data: (v) => (v === 'ordered' || v === 'writeback' ? null : v === 'journal' ? 'ordered or writeback (data=journal is not modelled)' : 'ordered or writeback'),
  inodeSize: (v) => (v === 128 || v === 256 || v === 512 || v === 1024 ? null : '128, 256, 512 or 1024'),
  inodeRatio: (v) => (Number.isInteger(v) && (v as number) >= 1024 ? null : 'an integer >= 1024'),
  journalPlacement: (v) => (v === 'start' || v === 'middle' ? null : 'start or middle'),
  journalSizeTable: (v) => (v === '1.39' || v === '1.42' ? null : '"1.39" or "1.42"'),
  getBlockNs: (v) => (typeof v === 'number' && v >= 0 ? null : 'ns >= 0'),
  syscallNs: (v) => (typeof v === 'number' && v >= 0 ? null : 'ns >= 0'),
};

/** `fs.*` parameters (without the prefix) over the era's defaults; a bad key or value is an InputError naming `fs.key`. */
export function parseFsParams(record: Readonly<Record<string, unknown>>, kernel?: unknown): FsParams {
  const v = kernelVersionOf(kernel);
  const out: FsParams = { ...FS_DEFAULTS, ...(v === undefined ? {} : (eraValues(FS_ERAS, v) as Partial<FsParams>)) };
  for (const [key, value] of Object.entries(record)) {
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof FsParams] : undefined;
    if (check === undefined) throw new InputError(`unknown file-system parameter (known: ${Object.keys(CHECKS).map((k) => `fs.${k}`).join(', ')})`, { field: `fs.${key}` });
    const problem = check(value);
    if (problem !== null) throw new InputError(`expected ${problem}, got ${JSON.stringify(value)}`, { field: `fs.${key}` });
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
