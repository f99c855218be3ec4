// kcopyd: asynchronous region copies for device-mapper targets (docs/kcopyd.md).
export { KcopydClient, cpuOf } from './client.js';
export { KcopydJob, MAX_REGIONS, SPLIT_COUNT, type KcopydNotify, type KcopydRegion } from './job.js';
export { PagePool, PAGE_SECTORS } from './page-pool.js';
export { parseKcopydParams, KCOPYD_PARAM_NAMES, type KcopydParams, type Requeue, type Threading, type PagePoolKind, type Offload } from './params.js';
export { KcopydThrottle } from './throttle.js';
export { KcopydWorker } from './worker.js';
export { beforeSleep } from '../../block/plug.js';
export { KCOPYD_COSTS } from './costs.js';
