/** The bundled program: runs `main` with the arguments `bench/run.mjs` passes on; its result is the exit code. */
import { isPoolWorkerProcess } from '../src/analysis/pool/protocol.js';
import { runPoolWorker } from '../src/analysis/pool/worker-entry.js';
import { main } from './main.js';

const benchDir = process.env['FINGERPRINT_GATE_BENCH_DIR'];
// `npm run bench -- pool` starts its workers from this same bundle.
if (isPoolWorkerProcess(process.argv)) {
  runPoolWorker();
} else if (benchDir === undefined) {
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
