// Two bundles with esbuild (client with `vscode` external, server+CLI self-contained);
// type-checking is separate (`npm run typecheck`), as in vscode-extension-samples/esbuild-sample.
// The extension-host test suite (test/extension) goes to dist-test/, outside the .vsix.
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';

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
if (existsSync('test/extension/index.ts')) {
  // One file per test module: the suite's index.ts hands each to mocha, which loads it in turn.
  const tests = readdirSync('test/extension').filter((name) => name.endsWith('.test.ts')).map((name) => `test/extension/${name}`);
  rmSync('dist-test/extension', { recursive: true, force: true });
  await build({ ...common, entryPoints: ['test/extension/index.ts', ...tests], outdir: 'dist-test/extension', external: ['vscode', 'mocha'] });
}
