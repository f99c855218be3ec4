// Device numbers (major:minor) as the kernel assigns them, so that a table pasted from
// `dmsetup table`, which writes its devices as major:minor, finds the scenario's devices:
//   - sd* (sd_mod): disk k (sda = 0, sdb = 1, ..., sdaa = 26) is major 8 for k < 16, then
//     65..71 and 128..135, sixteen disks each; minor = 16 * (k mod 16) (the low 4 bits number
//     partitions);
//   - nvme namespaces: major 259 (blkext), minors handed out in creation order;
//   - loopN: 7:N; ramN: 1:N;
//   - device-mapper devices (volumes and targets): 253:N with N in creation order, as the
//     dm-N names run; `dm-N` names the same device. dm's major is dynamic (register_blkdev(0)):
//     253 on most machines, 254 on some (snapshot.rst's dump), so 254:N names it too.
// Devices named otherwise (nullb0, or a scenario's own name such as `disk`) get no number:
// their majors are dynamic on a real machine.
import type { BlockDevice } from '../block/device.js';

/** What numbering needs of a built device (build.ts's StackEntry has this shape). */
interface NumberedEntry {
  name: string;
  kind: 'device' | 'volume' | 'target';
  dev: BlockDevice;
}

const SD_MAJORS = [8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135];

/** sd_format_disk_name() backwards: "a" -> 0, "z" -> 25, "aa" -> 26. */
function sdIndex(letters: string): number {
  let k = 0;
  for (const ch of letters) k = k * 26 + (ch.charCodeAt(0) - 96);
  return k - 1;
}

/** major:minor of every entry that has one, keyed by "major:minor", plus dm-N names. */
export function deviceNumbers<E extends NumberedEntry>(entries: readonly E[]): Map<string, E> {
  const out = new Map<string, E>();
  let nvme = 0;
  let dm = 0;
  for (const e of entries) {
    if (e.kind !== 'device') {
      out.set(`253:${dm}`, e);
      out.set(`254:${dm}`, e);
      out.set(`dm-${dm}`, e);
      dm++;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^sd([a-z]+)$/.exec(e.name)) !== null) {
      const k = sdIndex(m[1]);
      if (k < 16 * SD_MAJORS.length) out.set(`${SD_MAJORS[Math.floor(k / 16)]}:${16 * (k % 16)}`, e);
    } else if (/^nvme\d+n\d+$/.test(e.name)) {
      out.set(`259:${nvme++}`, e);
    } else if ((m = /^loop(\d+)$/.exec(e.name)) !== null) {
      out.set(`7:${Number(m[1])}`, e);
    } else if ((m = /^ram(\d+)$/.exec(e.name)) !== null) {
      out.set(`1:${Number(m[1])}`, e);
    }
  }
  return out;
}
