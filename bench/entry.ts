/** The bundled program: runs `main` with the arguments `bench/run.mjs` passes on; its result is the exit code. */
import { main } from './main.js';

const benchDir = process.env['FINGERPRINT_GATE_BENCH_DIR'];
if (benchDir === undefined) {
  process.stderr.write('run the benchmark through bench/run.mjs (npm run bench)\n');
  process.exitCode = 2;
} else {
  main(process.argv.slice(2), benchDir).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
