// Writes examples/traces/xen-fc4-firstboot.blkparse: a generated stand-in for the I/O of a
// Fedora Core 4 first boot in a Xen guest (docs/references.md#dm-userspace-2006: 26 s with
// an LVM root, 27 s on dm-userspace/qcow). No trace of that boot was found; the properties
// are stated assumptions [R], fixed before any run (docs/userspace.md, "Xen first boot"):
//   - a 4 GiB root image of which the first 2.5 GiB hold the installed system;
//   - 3,000 reads, about 96 MB: sizes 4 KiB (40%), 16 KiB (20%), 32 KiB (15%), 64 KiB (15%),
//     128 KiB (10%), in runs of 1-8 sequential requests (a file read through) at a uniformly
//     chosen place of the used area;
//   - 150 writes of 4 KiB (5%): logs, /etc, the new SSH host keys, at places of the used area;
//   - spread evenly over the 26 s of the boot (the replay is closed-loop, one at a time:
//     only the order matters).
// Seeded (mulberry32, seed 2006): running this again writes the same file.
//   node examples/traces/make-xen-firstboot.mjs > examples/traces/xen-fc4-firstboot.blkparse
let s = 2006;
const rand = () => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const USED = (2.5 * 2 ** 30) / 512;
const SIZES = [[8, 0.4], [32, 0.2], [64, 0.15], [128, 0.15], [256, 0.1]];
const size = () => {
  let u = rand();
  for (const [n, p] of SIZES) if ((u -= p) < 0) return n;
  return 8;
};
const events = [];
while (events.filter((e) => e.op === 'R').length < 3000) {
  let sector = Math.floor((rand() * USED) / 8) * 8;
  const run = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < run; i++) {
    const n = size();
    events.push({ op: 'R', sector, n });
    sector += n;
  }
  // One write after a run with probability 0.225: runs average 4.5 requests, so 5% are writes.
  if (rand() < 0.225) events.push({ op: 'WS', sector: Math.floor((rand() * USED) / 8) * 8, n: 8 });
}
const reads = events.filter((e) => e.op === 'R').slice(0, 3000);
const writes = events.filter((e) => e.op !== 'R').slice(0, 150);
// Keep the order of the generated sequence, limited to the counts above.
let r = 0;
let w = 0;
const out = [];
for (const e of events) {
  if (e.op === 'R' ? r++ < reads.length : w++ < writes.length) out.push(e);
}
const lines = out.map((e, i) => {
  const t = (26 * i) / out.length;
  const sec = Math.floor(t);
  const ns = String(Math.round((t - sec) * 1e9)).padStart(9, '0');
  return `  202,0    0 ${String(i + 1).padStart(8)} ${String(sec).padStart(5)}.${ns}  1  Q ${e.op.padStart(3)} ${e.sector} + ${e.n} [init]`;
});
process.stdout.write(lines.join('\n') + '\n');
