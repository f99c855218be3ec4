// dm-snapshot: the `snapshot-origin`, `snapshot` and `snapshot-merge` targets (docs/snapshot.md). Importing this
// module registers them.
import { KCOPYD_PARAMS } from '../kcopyd/params.js';
import { registerTarget } from '../target-registry.js';
import { originCtr } from './origin-target.js';
import { SNAPSHOT_PARAMS } from './params.js';
import { snapshotCtr } from './snapshot-target.js';
import { snapshotMergeCtr } from './merge-target.js';

registerTarget({ name: 'snapshot-origin', ctr: originCtr, params: [SNAPSHOT_PARAMS] });
registerTarget({ name: 'snapshot', ctr: snapshotCtr, params: [SNAPSHOT_PARAMS, KCOPYD_PARAMS] });
registerTarget({ name: 'snapshot-merge', ctr: snapshotMergeCtr, params: [SNAPSHOT_PARAMS, KCOPYD_PARAMS] });

export { OriginTarget } from './origin-target.js';
export { SnapshotTarget, SNAPSHOT_PAGES, DEFAULT_CHUNK_SECTORS } from './snapshot-target.js';
export { Snapshot } from './snapshot.js';
export { SnapshotMergeTarget } from './merge-target.js';
export { Origin, originFor, doOrigin } from './origin.js';
export { PersistentStore } from './persistent-store.js';
export { TransientStore } from './transient-store.js';
export { parseSnapshotParams, SNAPSHOT_PARAMS, SNAPSHOT_PARAM_NAMES, type SnapshotParams } from './params.js';
export { SNAPSHOT_COSTS } from './costs.js';
