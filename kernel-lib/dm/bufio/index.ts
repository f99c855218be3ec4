// dm-bufio: the metadata block cache under persistent-data (see client.ts).
export { DmBufioClient, shardIndex, DM_BUFIO_WRITEBACK_RATIO, DM_BUFIO_WRITEBACK_PERCENT, DM_HASH_LOCKS_MAX, type BufioClientOptions, type BufioStats } from './client.js';
export { DmBuffer } from './buffer.js';
export { BlockMedia } from './media.js';
export { BUFIO_ERAS, BUFIO_PARAMS, parseBufioParams, type BufioLocking, type BufioParams, type BufioWriteback } from './params.js';
