// M/M/1 as a script (bench/run.ts starts it in a child process so peak RSS is its own), under
// whichever runner starts it:
//   node --import ./bin/register-ts.mjs bench/mm1.ts N  ->  one JSON line, with maxRssBytes.
//   node --import tsx bench/mm1.ts N                     (the same under tsx)
import { runMM1 } from './mm1-model.js';

export { runMM1, type MM1Result } from './mm1-model.js';

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const r = runMM1(n);
  console.log(JSON.stringify({ ...r, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}
