// The pool bench's control: a bare acorn parse of a share of the corpus in a process of its own.
// `node bare-parse-share-child.mjs <blob> <index.json> <k> <n>` parses share k of n (the index
// lists [offset, length] of each file in the blob, largest first; each file goes to the share
// with the fewest bytes so far, so every process decides the same split and the shares balance),
// decoding and retrying as a script as the analyzer does. Plain JavaScript, run as it is, so the
// control carries no bench code. Prints its own CPU time.
import { readFileSync } from 'node:fs';
import { decodeLikeTheAnalyzer, parseModuleThenScript } from './bare-parse-plain.mjs';

const [blobPath, indexPath, k, n] = process.argv.slice(2);
const blob = readFileSync(blobPath);
const index = JSON.parse(readFileSync(indexPath, 'utf8'));
const shareBytes = new Array(Number(n)).fill(0);
let failed = 0;
for (const [offset, length] of index) {
  const share = shareBytes.indexOf(Math.min(...shareBytes));
  shareBytes[share] += length;
  if (share !== Number(k)) continue;
  if (!parseModuleThenScript(decodeLikeTheAnalyzer(blob, offset, offset + length))) failed++;
}
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ failed, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
