// `npm run bench [-- survey|fetch] [--quick] [--rounds N] [--offline]`: bundles the TypeScript
// harness (and the analyzer it calls) with esbuild into .tmp/bench/ and runs it in one node
// process. The settings are those of scripts/build.mjs, which are known to work with pacote.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const outfile = join(root, '.tmp', 'bench', 'bench.js');

// pacote's run-script reads __dirname and some dependencies call require(): an ESM bundle has
// neither. The import is renamed because esbuild emits its own `createRequire` binding.
const banner = [
  "import { createRequire as __fgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fgFileURLToPath } from 'node:url';",
  "import { dirname as __fgDirname } from 'node:path';",
  'const require = __fgCreateRequire(import.meta.url);',
  'const __filename = __fgFileURLToPath(import.meta.url);',
  'const __dirname = __fgDirname(__filename);',
].join('\n');

await build({
  entryPoints: [join(benchDir, 'entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning',
});

// --expose-gc lets the harness collect garbage between timed blocks, so one variant's garbage
// is not paid for by the next.
const child = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FINGERPRINT_GATE_BENCH_DIR: benchDir },
});
process.exitCode = child.status ?? 1;
