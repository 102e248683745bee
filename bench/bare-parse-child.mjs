// The baseline process of `npm run bench -- memory`: node, acorn and one file, nothing else.
// Decodes as the analyzer does (UTF-8 with replacement, BOM dropped) and parses with its options
// (module, then script), then prints its own peak resident memory. Plain JavaScript, run as it
// is: a bundle of the bench would add its own code to the baseline.
import { readFileSync } from 'node:fs';
import { decodeLikeTheAnalyzer, parseModuleThenScript } from './bare-parse-plain.mjs';

const ok = parseModuleThenScript(decodeLikeTheAnalyzer(readFileSync(process.argv[2])));
process.stdout.write(`${JSON.stringify({ ok, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
