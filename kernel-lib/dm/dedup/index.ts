// dm-dedup: registers the `dedup` target type with the namespaces it reads.
import { registerTarget } from '../target-registry.js';
import { BUFIO_PARAMS } from '../bufio/params.js';
import { PDATA_PARAMS } from '../persistent-data/params.js';
import { dedupCtr } from './dedup-target.js';
import { DEDUP_PARAMS } from './params.js';

registerTarget({ name: 'dedup', ctr: dedupCtr, params: [DEDUP_PARAMS, BUFIO_PARAMS, PDATA_PARAMS] });

export { DedupTarget, dedupCtr, type DedupCounters } from './dedup-target.js';
export { DEDUP_PARAMS, parseDedupParams, type DedupParams } from './params.js';
export { hashKey, type DedupBackend } from './backend.js';
export { CowbtreeBackend } from './backend-cowbtree.js';
export { InramBackend } from './backend-inram.js';
