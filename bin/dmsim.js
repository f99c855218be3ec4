#!/usr/bin/env node
// The `dmsim` command. The library is TypeScript run through tsx's loader, so the
// command works straight from a checkout (npx dmsim ...) without a build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../kernel-lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
