// Bundles the two entries into dist/ as single ESM files. The output is byte-identical between
// builds, which is what lets a test prove dist/ is fresh.
import { build } from 'esbuild';

// pacote's run-script reads __dirname and some dependencies call require(): an ESM bundle has
// neither, so the banner defines them. The import is renamed because esbuild emits its own
// `createRequire` binding.
const banner = [
  "import { createRequire as __fgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fgFileURLToPath } from 'node:url';",
  "import { dirname as __fgDirname } from 'node:path';",
  'const require = __fgCreateRequire(import.meta.url);',
  'const __filename = __fgFileURLToPath(import.meta.url);',
  'const __dirname = __fgDirname(__filename);',
].join('\n');

// `--outdir <dir>` builds elsewhere: the freshness test compares such a build with dist/.
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag === -1 ? 'dist' : process.argv[outdirFlag + 1];

const entries = [
  { in: 'src/action.ts', out: 'index' },
  { in: 'src/cli.ts', out: 'cli' },
];

for (const entry of entries) {
  await build({
    entryPoints: [entry.in],
    outfile: `${outdir}/${entry.out}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: entry.out === 'cli' ? `#!/usr/bin/env node\n${banner}` : banner },
    legalComments: 'none',
    logLevel: 'warning',
  });
}
