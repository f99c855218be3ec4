// `node --import ./bin/register-ts.mjs file.ts` runs dmsim's TypeScript sources directly.
// It is esbuild's transform without keepNames, which tsx always turns on. The engine is
// shaped so that keepNames does not slow it (docs/engine.md, "Runners": `make bench` runs
// M/M/1 under both); this loader still spares every other class and function the renaming.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
