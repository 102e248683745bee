// The baseline process of `npm run bench -- memory`: node, acorn and one file, nothing else.
// Decodes as the analyzer does (UTF-8 with replacement, BOM dropped) and parses with its options
// (module, then script), then prints its own peak resident memory. Plain JavaScript, run as it
// is: a bundle of the bench would add its own code to the baseline.
import { readFileSync } from 'node:fs';
import { parse } from 'acorn';

const bytes = readFileSync(process.argv[2]);
const decoded = bytes.toString('utf8');
const source = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
let ok = true;
try {
  parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
} catch {
  try {
    parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
  } catch {
    ok = false;
  }
}
process.stdout.write(`${JSON.stringify({ ok, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
