// `npm run bench [-- survey|fetch|pool|memory] [--quick] [--rounds N] [--offline]` and
// `npm run bench -- cases [--only <name>] [--offline]`: bundles the TypeScript harness (and the
// analyzer it calls) with esbuild into .tmp/bench/ and runs it in one node process, with the
// bundle settings dist/ is built with (scripts/bundle-options.mjs).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../scripts/bundle-options.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const outfile = join(root, '.tmp', 'bench', 'bench.js');

await build({ entryPoints: [join(benchDir, 'entry.ts')], outfile, ...NODE_BUNDLE_OPTIONS });
// The memory bench runs the CLI as a user does: the bundle dist/cli.js is built from, built here.
const cliOutfile = join(root, '.tmp', 'bench', 'cli.js');
if (process.argv[2] === 'memory') await build({ entryPoints: [join(root, 'src', 'cli.ts')], outfile: cliOutfile, ...NODE_BUNDLE_OPTIONS });

// --expose-gc lets the harness collect garbage between timed blocks, so one variant's garbage
// is not paid for by the next.
const child = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FINGERPRINT_GATE_BENCH_DIR: benchDir, FINGERPRINT_GATE_BENCH_CLI: cliOutfile },
});
process.exitCode = child.status ?? 1;
