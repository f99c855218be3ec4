#!/usr/bin/env node
// The `dmsim` command. The library is TypeScript, run straight from the checkout through
// bin/register-ts.mjs (esbuild's transform, without tsx's keepNames), so `npx dmsim ...`
// needs no build step.
import './register-ts.mjs';

const { main } = await import('../kernel-lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
