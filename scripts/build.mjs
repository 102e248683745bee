// Bundles the two entries into dist/ as single ESM files. The output is byte-identical between
// builds, which is what lets a test prove dist/ is fresh.
import { build } from 'esbuild';
import { NODE_BANNER, NODE_BUNDLE_OPTIONS } from './bundle-options.mjs';

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
    ...NODE_BUNDLE_OPTIONS,
    banner: { js: entry.out === 'cli' ? `#!/usr/bin/env node\n${NODE_BANNER}` : NODE_BANNER },
  });
}
