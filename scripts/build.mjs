// Two bundles with esbuild (client with `vscode` external, server+CLI self-contained);
// type-checking is separate (`npm run typecheck`), as in vscode-extension-samples/esbuild-sample.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

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
if (existsSync('client/src/extension.ts')) {
  await build({ ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] });
}
chmodSync('dist/cli.js', 0o755);
