// Module hooks that let Node run the TypeScript sources directly (see register-ts.mjs).
// resolve: `./x.js` imports of a TypeScript file find `./x.ts` (the nodenext convention);
// load: `.ts` files are stripped of types by esbuild, with an inline source map.
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) && context.parentURL) {
    const url = new URL(specifier, context.parentURL);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
      const ts = new URL(url.href.slice(0, -3) + '.ts');
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true, format: 'module' };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const out = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcefile: path,
    sourcemap: 'inline',
    // No keepNames: redefining a class's name puts its constructor into V8's dictionary
    // mode, which makes `new` of a subclass and `instanceof` slow (docs/engine.md, "Runners").
  });
  return { format: 'module', source: out.code, shortCircuit: true };
}
