// The dm-userspace message protocol (include/linux/dm-userspace.h, July 2006 patch): message
// types, status codes, flags and the sizes of the structures on the wire. Every message is a
// header {u32 msg_type, u32 payload_len, u32 id} and a payload; the sizes below are the C
// structures' sizeof on i386/x86-64 (a u64 member aligns the struct to 8 bytes).

export const DM_USERSPACE_GET_VERSION = 1;
export const DM_USERSPACE_MAP_BLOCK_REQ = 2;
export const DM_USERSPACE_MAP_BLOCK_RESP = 3;
export const DM_USERSPACE_MAP_FAILED = 4;
export const DM_USERSPACE_MAP_INVALIDATE = 5;
export const DM_USERSPACE_STATUS = 6;

export const DM_USERSPACE_INVAL_COMPLETE = 101;
export const DM_USERSPACE_INVAL_FAILED = 102;
export const DM_USERSPACE_SYNC_COMPLETE = 103;

export const DMU_FLAG_VALID = 1;
export const DMU_FLAG_RD = 2;
export const DMU_FLAG_WR = 4;
export const DMU_FLAG_COPY_FIRST = 8;
export const DMU_FLAG_TEMPORARY = 16;
export const DMU_FLAG_INUSE = 32;
export const DMU_FLAG_SYNC = 64;
export const DMU_FLAG_WAITING = 128;

/** sizeof(struct dmu_msg_header) */
export const DMU_HEADER_BYTES = 12;

/** dmu_get_msg_len(): the payload's size per message type (status codes travel as STATUS). */
export function dmuPayloadBytes(type: number): number {
  switch (type) {
    case DM_USERSPACE_GET_VERSION:
      return 8; // dmu_msg_version: 2 x u32
    case DM_USERSPACE_STATUS:
    case DM_USERSPACE_INVAL_COMPLETE:
    case DM_USERSPACE_INVAL_FAILED:
    case DM_USERSPACE_SYNC_COMPLETE:
      return 8; // dmu_msg_status: 2 x u32
    case DM_USERSPACE_MAP_BLOCK_REQ:
      return 16; // dmu_msg_map_request: u64 + u32, padded to 8
    case DM_USERSPACE_MAP_BLOCK_RESP:
    case DM_USERSPACE_MAP_FAILED:
      return 48; // dmu_msg_map_response: 3 x u64 + 6 x u32
    case DM_USERSPACE_MAP_INVALIDATE:
      return 8; // dmu_msg_invalidate_map: u64
    default:
      return -1;
  }
}

/** Header and payload of a message of `type`. */
export function dmuMessageBytes(type: number): number {
  return DMU_HEADER_BYTES + dmuPayloadBytes(type);
}

/** A message the kernel sends up (what dmu_ctl_read copies to the daemon). */
export interface DmuUpMessage {
  /** MAP_BLOCK_REQ, GET_VERSION, or STATUS for the status codes. */
  type: number;
  id: number;
  /** MAP_BLOCK_REQ: the block; INVAL_*: the block invalidated. */
  block: number;
  /** MAP_BLOCK_REQ: RD, WR. */
  flags: number;
  /** STATUS: SYNC_COMPLETE, INVAL_COMPLETE or INVAL_FAILED; its id_of_op is `id`. */
  status: number;
}

/** A message the daemon writes down. */
export type DmuDownMessage =
  | { type: typeof DM_USERSPACE_MAP_BLOCK_RESP | typeof DM_USERSPACE_MAP_FAILED; id: number; resp: MapResponse }
  | { type: typeof DM_USERSPACE_MAP_INVALIDATE; id: number; block: number }
  | { type: typeof DM_USERSPACE_STATUS; id: number; status: number; idOfOp: number }
  | { type: typeof DM_USERSPACE_GET_VERSION; id: number };

/** struct dmu_msg_map_response, with device numbers written as "maj:min". */
export interface MapResponse {
  orgBlock: number;
  newBlock: number;
  /** Sectors added to the remapped sector (int64 offset). */
  offset: number;
  idOfReq: number;
  flags: number;
  /** COPY_FIRST's source device ("7:0"), or '' without COPY_FIRST. */
  src: string;
  /** Where the block now lives ("7:1"). */
  dst: string;
}

/** Bytes of a batch of down messages, as the daemon's write() passes them. */
export function downBytes(msgs: readonly DmuDownMessage[]): number {
  let n = 0;
  for (const m of msgs) n += dmuMessageBytes(m.type);
  return n;
}
