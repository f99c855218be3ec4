// dm-clone: registers the `clone` target type with the parameter namespaces it reads.
import { registerTarget } from '../target-registry.js';
import { BUFIO_PARAMS } from '../bufio/params.js';
import { KCOPYD_PARAMS } from '../kcopyd/params.js';
import { PDATA_PARAMS } from '../persistent-data/params.js';
import { cloneCtr } from './clone-target.js';
import { CLONE_PARAMS } from './params.js';

registerTarget({ name: 'clone', ctr: cloneCtr, params: [CLONE_PARAMS, KCOPYD_PARAMS, BUFIO_PARAMS, PDATA_PARAMS] });

export { Clone, COMMIT_PERIOD_NS, type CloneCounters, type CloneMode } from './clone.js';
export { CloneTarget, cloneCtr, MIN_REGION_SIZE, MAX_REGION_SIZE } from './clone-target.js';
export { CloneMetadata, METADATA_BLOCK_SECTORS } from './clone-metadata.js';
export { HydrationHash, hashLong, HASH_TABLE_BITS } from './hydration-hash.js';
export { RegionHydration } from './region-hydration.js';
export { HydrationPool, MIN_HYDRATIONS } from './hydration-pool.js';
export { CLONE_PARAMS, parseCloneParams, type CloneParams } from './params.js';
