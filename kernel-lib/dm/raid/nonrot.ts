// blk_queue_nonrot for a leg (/sys/block/<dev>/queue/rotational = 0). Disks with a spindle
// (devices/hdd.ts) and virtual disks (devices/cloud-disk.ts: virtio-scsi reports rotational
// unless the host says otherwise) are rotational; flash, null_blk, RAM disks are not. A
// device-mapper device is non-rotational only when every device under it is, as dm stacks
// the flag (dm_table_supports_nonrot / device_is_rotational).
import type { BlockDevice } from '../../block/device.js';
import { CloudDisk } from '../../block/devices/cloud-disk.js';
import { Hdd } from '../../block/devices/hdd.js';

interface MaybeStacked {
  readonly driver?: unknown;
  readonly rotational?: boolean;
  readonly targets?: readonly { readonly target: { readonly devices: readonly BlockDevice[] } }[];
}

export function isNonRot(dev: BlockDevice): boolean {
  const d = dev as BlockDevice & MaybeStacked;
  if (typeof d.rotational === 'boolean') return !d.rotational;
  if (d.driver !== undefined) return !(d.driver instanceof Hdd || d.driver instanceof CloudDisk);
  if (d.targets !== undefined) return d.targets.every((t) => t.target.devices.every(isNonRot));
  return false;
}
