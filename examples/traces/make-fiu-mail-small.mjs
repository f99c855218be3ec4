// Writes examples/traces/fiu-mail-small.trace: a small trace WRITTEN FOR DMSIM in the FIU
// IODedup format (docs/references.md#fiu-traces), not an excerpt of a real FIU trace (the
// real ones are not in this repository). Its properties are assumptions, loosely those of a
// mail server's disk:
//   - 2,000 I/Os of one 4 KiB page each (FIU lines are pages: size 8, one MD5);
//   - 80% writes: 25% of them a page already written somewhere (a duplicate: the same MD5),
//     5% a page of zeros, the rest new content; 20% reads of a page written before;
//   - addresses in a 64 MiB area, in runs of 1-8 consecutive pages;
//   - about 2 ms between I/Os (exponential gaps), a few processes, device 8,0.
// The MD5s are real MD5s of made-up 4 KiB pages (the page's number, repeated), so the zero
// page has the real zero-page digest. Seeded (mulberry32, seed 2009): running this again
// writes the same file.
//   node examples/traces/make-fiu-mail-small.mjs > examples/traces/fiu-mail-small.trace
import { createHash } from 'node:crypto';

let s = 2009;
const rand = () => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const md5OfPage = (n) => {
  const page = Buffer.alloc(4096);
  if (n !== 0) for (let i = 0; i < 4096; i += 8) page.writeBigUInt64LE(BigInt(n), i);
  return createHash('md5').update(page).digest('hex');
};
const PAGES = (64 * 2 ** 20) / 4096;
const PROCS = [[1841, 'smtpd'], [1841, 'smtpd'], [2203, 'dovecot'], [977, 'syslogd'], [3120, 'cleanup']];
let ts = 89968195792462n;
let nextPage = 1;
const written = []; // [lba, md5]
const digests = [];
const lines = [];
let lba = 0;
let run = 0;
while (lines.length < 2000) {
  if (run === 0) {
    lba = Math.floor(rand() * PAGES) * 8;
    run = 1 + Math.floor(rand() * 8);
  }
  run--;
  ts += BigInt(Math.round(-Math.log(1 - rand()) * 2e6));
  const [pid, proc] = PROCS[Math.floor(rand() * PROCS.length)];
  if (written.length > 0 && rand() < 0.2) {
    const [rl, rmd5] = written[Math.floor(rand() * written.length)];
    lines.push(`${ts} ${pid} ${proc} ${rl} 8 R 8 0 ${rmd5}`);
    continue;
  }
  const u = rand();
  let md5;
  if (u < 0.05) md5 = md5OfPage(0);
  else if (u < 0.3 && digests.length > 0) md5 = digests[Math.floor(rand() * digests.length)];
  else {
    md5 = md5OfPage(nextPage++);
    digests.push(md5);
  }
  lines.push(`${ts} ${pid} ${proc} ${lba} 8 W 8 0 ${md5}`);
  written.push([lba, md5]);
  lba += 8;
}
process.stdout.write(lines.join('\n') + '\n');
