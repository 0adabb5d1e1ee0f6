// Two bundles with esbuild (client with `vscode` external, server+CLI self-contained);
// type-checking is separate (`npm run typecheck`), as in vscode-extension-samples/esbuild-sample.
// The extension-host test suite (test/extension) goes to dist-test/, outside the .vsix.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

await build({ ...common, entryPoints: { cli: 'server/src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } });
await build({ ...common, entryPoints: { core: 'server/src/index.ts' }, outdir: 'dist' });
// The command line's indexing threads (workspace/parallel.ts) load this bundle from beside cli.js/core.js.
await build({ ...common, entryPoints: { indexWorker: 'server/src/workspace/indexWorker.ts' }, outdir: 'dist' });
if (existsSync('client/src/extension.ts')) {
  await build({ ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] });
}
chmodSync('dist/cli.js', 0o755);
// Schema validators compiled here, once, as ajv standalone code: a `check` would otherwise compile
// each policy schema it meets at every start, in every worker (schema/validate.ts loads these from
// dist/validators/ on first use, and compiles at run time only when running from sources).
{
  const work = mkdtempSync(join(tmpdir(), 'kpa-validators-'));
  try {
    await build({ ...common, sourcemap: false, entryPoints: ['server/src/schema/standalone.ts'], outfile: join(work, 'standalone.cjs') });
    const { standaloneValidators } = createRequire(import.meta.url)(join(work, 'standalone.cjs'));
    const entryPoints = standaloneValidators().map(({ file, code }) => {
      writeFileSync(join(work, file), code);
      return join(work, file);
    });
    rmSync('dist/validators', { recursive: true, force: true });
    // The generated code requires ajv's runtime helpers: bundled into each file, resolved from this project.
    await build({ ...common, sourcemap: false, minify: true, entryPoints, outdir: 'dist/validators', nodePaths: [resolve('node_modules')] });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
if (existsSync('test/extension/index.ts')) {
  // One file per test module: the suite's index.ts hands each to mocha, which loads it in turn.
  const tests = readdirSync('test/extension').filter((name) => name.endsWith('.test.ts')).map((name) => `test/extension/${name}`);
  rmSync('dist-test/extension', { recursive: true, force: true });
  await build({ ...common, entryPoints: ['test/extension/index.ts', ...tests], outdir: 'dist-test/extension', external: ['vscode', 'mocha'] });
}
