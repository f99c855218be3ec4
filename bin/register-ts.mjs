// `node --import ./bin/register-ts.mjs file.ts` runs dmsim's TypeScript sources directly.
// Why not tsx: tsx always compiles with esbuild's keepNames, whose static name blocks make
// V8 build the engine's event and process objects about ten times more slowly (measured in
// bench/mm1.ts); this loader is the same esbuild transform without it.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
