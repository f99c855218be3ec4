// The vdo table line, as dm-vdo-target.c's parse_device_config() reads it (table version 4):
//   <offset> <logical size> vdo V4 <storage device> <storage size> <minimum I/O size>
//     <block map cache size> <block map era length> [<key> <value>]...
// Errors carry the kernel's ti->error text, with the log line that explains it where the
// kernel logs one (vdo_log_error in process_one_thread_config_spec), and the table line.
// One deliberate difference: the kernel only logs an unknown optional key (`unknown thread
// parameter type "x"`) and goes on; the simulator refuses it, since a misspelt key would
// silently run another experiment than the one asked for.
import type { BlockDevice } from '../../block/device.js';
import type { TableLine } from '../table.js';
import type { TargetArgs } from '../target-registry.js';
import {
  DEFAULT_VDO_BIO_SUBMIT_QUEUE_COUNT,
  DEFAULT_VDO_BIO_SUBMIT_QUEUE_ROTATE_INTERVAL,
  MAX_BLOCK_MAP_ERA_LENGTH,
  MAX_VDO_LOGICAL_ZONES,
  MAX_VDO_PHYSICAL_ZONES,
  MAXIMUM_VDO_THREADS,
  MAXIMUM_VDO_USER_VIOS,
  VDO_BIO_ROTATION_INTERVAL_LIMIT,
  VDO_BLOCK_SIZE,
  VDO_SECTORS_PER_BLOCK,
} from './constants.js';

/** struct thread_count_config */
export interface ThreadCounts {
  ack: number;
  bio: number;
  bioRotationInterval: number;
  cpu: number;
  hash: number;
  logical: number;
  physical: number;
}

/** struct device_config */
export interface DeviceConfig {
  storage: BlockDevice;
  /** physical_blocks: the storage size the table claims, in 4 KiB blocks. */
  physicalBlocks: number;
  logicalBlocks: number;
  logicalBlockSize: 512 | 4096;
  /** cache_size, in 4 KiB pages. */
  cacheSize: number;
  /** block_map_maximum_age (era length), in recovery-journal blocks. */
  eraLength: number;
  threads: ThreadCounts;
  maxDiscardBlocks: number;
  deduplication: boolean;
  compression: boolean;
  /** The line as given (STATUSTYPE_TABLE shows it back). */
  originalString: string;
}

const TABLE_VERSION = 4;
/** REQUIRED_ARGC of version 4. */
const REQUIRED_ARGC = 6;
const UINT_MAX = 4294967295;

/** parse_device_config(), version 4 only (older versions are named as unsupported here). */
export function parseDeviceConfig(line: TableLine, args: TargetArgs, lookupDevice: (name: string) => BlockDevice | undefined): DeviceConfig {
  const original = line.args.join(' ');
  const fail = (reason: string, field?: string, log?: string) => args.error(`${reason}${log !== undefined ? ` (${log})` : ''}; table line: ${line.start} ${line.length} vdo ${original}`, field);
  if ((line.length * 512) % VDO_BLOCK_SIZE !== 0) throw fail('Logical size must be a multiple of 4096', 'length');
  if (line.args.length === 0) throw fail('Incorrect number of arguments');
  const m = /^V(\d+)$/.exec(line.args[0]);
  if (m === null) throw fail('Incorrect number of arguments for version', 'version', 'version 0 table lines (no V<n>) are not modelled');
  const version = Number(m[1]);
  if (version < 1 || version > TABLE_VERSION) throw fail('Unknown version number detected', 'version');
  if (version !== TABLE_VERSION) throw fail('Incorrect number of arguments for version', 'version', `only table version ${TABLE_VERSION} is modelled, got V${version}`);
  if (line.args.length < REQUIRED_ARGC) throw fail('Incorrect number of arguments for version', 'version');
  const storageName = line.args[1];
  const physicalWord = line.args[2];
  if (!/^\d+$/.test(physicalWord)) throw fail('Invalid physical block count', 'storage size');
  const physicalBlocks = Number(physicalWord);
  const lbs = line.args[3];
  if (lbs !== '512' && lbs !== '4096') throw fail('Invalid logical block size', 'minimum I/O size');
  if (!/^\d+$/.test(line.args[4]) || Number(line.args[4]) > UINT_MAX) throw fail('Invalid block map page cache size', 'block map cache size');
  const cacheSize = Number(line.args[4]);
  if (!/^\d+$/.test(line.args[5]) || Number(line.args[5]) > UINT_MAX) throw fail('Invalid block map maximum age', 'block map era length');
  const eraLength = Number(line.args[5]);
  const threads: ThreadCounts = { ack: 1, bio: DEFAULT_VDO_BIO_SUBMIT_QUEUE_COUNT, bioRotationInterval: DEFAULT_VDO_BIO_SUBMIT_QUEUE_ROTATE_INTERVAL, cpu: 1, hash: 0, logical: 0, physical: 0 };
  let maxDiscardBlocks = 1;
  let deduplication = true;
  let compression = false;
  const opt = line.args.slice(REQUIRED_ARGC);
  if (opt.length % 2 !== 0) throw fail('Odd number of optional arguments given but they should be <key> <value> pairs', opt[opt.length - 1]);
  const bad = (key: string, log: string) => fail('Invalid optional argument configuration', key, log);
  for (let i = 0; i < opt.length; i += 2) {
    const key = opt[i];
    const value = opt[i + 1];
    if (key === 'deduplication' || key === 'compression') {
      if (value !== 'on' && value !== 'off') throw bad(key, `expected on or off, found "${value}"`);
      if (key === 'deduplication') deduplication = value === 'on';
      else compression = value === 'on';
      continue;
    }
    if (!/^\d+$/.test(value) || Number(value) > UINT_MAX) throw bad(key, `optional config string error: integer value needed, found "${value}"`);
    const count = Number(value);
    switch (key) {
      case 'maxDiscard':
        if (count === 0) throw bad(key, 'optional parameter error: at least one max discard block required');
        if (count > Math.floor(UINT_MAX / VDO_BLOCK_SIZE)) throw bad(key, `optional parameter error: at most ${Math.floor(UINT_MAX / VDO_BLOCK_SIZE)} max discard blocks are allowed`);
        maxDiscardBlocks = count;
        break;
      case 'bioRotationInterval':
        if (count === 0) throw bad(key, "thread config string error:  'bioRotationInterval' of at least 1 is required");
        if (count > VDO_BIO_ROTATION_INTERVAL_LIMIT) throw bad(key, `thread config string error: 'bioRotationInterval' cannot be higher than ${VDO_BIO_ROTATION_INTERVAL_LIMIT}`);
        threads.bioRotationInterval = count;
        break;
      case 'logical':
        if (count > MAX_VDO_LOGICAL_ZONES) throw bad(key, `thread config string error: at most ${MAX_VDO_LOGICAL_ZONES} 'logical' threads are allowed`);
        threads.logical = count;
        break;
      case 'physical':
        if (count > MAX_VDO_PHYSICAL_ZONES) throw bad(key, `thread config string error: at most ${MAX_VDO_PHYSICAL_ZONES} 'physical' threads are allowed`);
        threads.physical = count;
        break;
      case 'hash':
      case 'cpu':
      case 'ack':
      case 'bio':
        if (count > MAXIMUM_VDO_THREADS) throw bad(key, `thread config string error: at most ${MAXIMUM_VDO_THREADS} '${key}' threads are allowed`);
        if (count === 0 && (key === 'cpu' || key === 'bio')) throw bad(key, `thread config string error: at least one '${key}' thread required`);
        threads[key] = count;
        break;
      default:
        throw bad(key, `unknown thread parameter type "${key}"; the kernel logs this and ignores the pair, the simulator refuses it (known: ack, bio, bioRotationInterval, cpu, hash, logical, physical, maxDiscard, deduplication, compression)`);
    }
  }
  if ((threads.logical === 0) !== (threads.physical === 0) || (threads.physical === 0) !== (threads.hash === 0)) {
    throw fail('Logical, physical, and hash zones counts must all be zero or all non-zero', 'logical');
  }
  if (cacheSize < 2 * MAXIMUM_VDO_USER_VIOS * threads.logical) throw fail('Insufficient block map cache for logical zones', 'block map cache size');
  if (eraLength < 1 || eraLength > MAX_BLOCK_MAP_ERA_LENGTH) throw fail(`Invalid block map maximum age`, 'block map era length', `the era length must be 1 to ${MAX_BLOCK_MAP_ERA_LENGTH} (vdo.rst)`);
  const storage = lookupDevice(storageName);
  if (storage === undefined) throw fail('Unable to open storage device', 'storage device', `couldn't open device "${storageName}"`);
  if (physicalBlocks * VDO_SECTORS_PER_BLOCK > storage.sizeSectors) {
    throw fail('Could not load geometry block', 'storage size', `the storage device holds ${Math.floor(storage.sizeSectors / VDO_SECTORS_PER_BLOCK)} 4 KiB blocks, the table claims ${physicalBlocks}`);
  }
  return {
    storage,
    physicalBlocks,
    logicalBlocks: (line.length * 512) / VDO_BLOCK_SIZE,
    logicalBlockSize: lbs === '512' ? 512 : 4096,
    cacheSize,
    eraLength,
    threads,
    maxDiscardBlocks,
    deduplication,
    compression,
    originalString: original,
  };
}
